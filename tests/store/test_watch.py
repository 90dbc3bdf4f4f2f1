"""A table watch's version moves after every committed change, from any connection."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from camroute.store import make_engine, migrate
from camroute.store.watch import TableWatch, sqlite_file


def _moved(watch: TableWatch, since: int | None, *, within_s: float = 2.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        now = watch.version()
        if now is not None and now != since:
            return True
        time.sleep(0.005)
    return False


def test_a_change_by_hand_in_sql_moves_the_version(store_url: str) -> None:
    engine = make_engine(store_url)
    migrate(engine)
    watch = TableWatch(engine, channel="camroute_auth", count_table="auth_generation")
    watch.start()
    other = make_engine(store_url)  # another process's connection, no camroute code
    try:
        before = watch.version()
        assert before is not None
        assert not _moved(watch, before, within_s=0.2)  # nothing changed: it stays
        with other.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO api_keys (name, role, key_hash, key_prefix, disabled, created_at)"
                    " VALUES ('k', 'integration', 'h', 'p', false, CURRENT_TIMESTAMP)"
                )
            )
        assert _moved(watch, before)
        after = watch.version()
        with other.begin() as conn:  # a rolled-back change is no change
            conn.execute(sa.text("UPDATE api_keys SET disabled = true"))
            conn.rollback()
        assert not _moved(watch, after, within_s=0.3)
    finally:
        watch.stop()
        other.dispose()
        engine.dispose()
    assert watch.version() is None  # stopped: unknown


def test_an_in_memory_store_is_never_known() -> None:
    watch = TableWatch(make_engine("sqlite://"), channel="c", count_table="auth_generation")
    watch.start()
    assert watch.version() is None


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("sqlite:////var/lib/camroute/camroute.db", "/var/lib/camroute/camroute.db"),
        ("sqlite:///camroute.db", "camroute.db"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("sqlite:///file:camroute.db?uri=true", None),
        ("postgresql+psycopg://u@h/db", None),
    ],
)
def test_sqlite_file_only_for_a_file_store(url: str, file: str | None) -> None:
    assert sqlite_file(sa.create_engine(url)) == file
