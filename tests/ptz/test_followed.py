"""Who follows, kept per process: read again only after a follow is turned on or off."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from camroute.ptz import followed as followed_module
from camroute.ptz.followed import FollowedIncidents
from camroute.store import make_engine, migrate


@pytest.fixture
def engines(store_url: str) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    """The process's engine, and another process's (an administrator's SQL, a replica).

    Follow rows stand alone here: their ticket's foreign key is dropped (PostgreSQL, a
    throw-away database) or not enforced (SQLite), as no ticket is needed to watch them.
    """
    mine, other = make_engine(store_url), make_engine(store_url)
    migrate(mine)
    if mine.dialect.name == "postgresql":
        with mine.begin() as conn:
            names = conn.execute(
                sa.text(
                    "SELECT conname FROM pg_constraint"
                    " WHERE conrelid = 'ptz_follow'::regclass AND contype = 'f'"
                )
            ).scalars()
            for name in list(names):
                conn.execute(sa.text(f'ALTER TABLE ptz_follow DROP CONSTRAINT "{name}"'))
    yield mine, other
    mine.dispose()
    other.dispose()


def _follow_row(engine: sa.Engine, sql: str) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction: applies
        conn.execute(sa.text(sql))
        conn.commit()


def _eventually(check: object, within_s: float = 2.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.005)
    return False


INSERT = (
    "INSERT INTO ptz_follow (ticket_id, incident_id, camera_id, enabled, updated_by, updated_at)"
    " VALUES ('t-1', 'inc-1', 'PTZ-1', true, 'ann', CURRENT_TIMESTAMP)"
)


def test_a_follow_turned_on_elsewhere_is_seen_and_nothing_else_reads_again(
    engines: tuple[sa.Engine, sa.Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, other = engines
    followed = FollowedIncidents(mine)
    followed.start()
    reads: list[str] = []
    real = followed_module.store.followed_incidents
    monkeypatch.setattr(
        followed_module.store, "followed_incidents", lambda c: reads.append("r") or real(c)
    )
    try:
        assert followed.may_follow("inc-1") is False
        assert followed.surely_unfollowed("inc-1")
        for _ in range(5):  # updates of unfollowed incidents: no statement
            assert followed.may_follow("inc-1") is False
        assert reads == ["r"]
        _follow_row(other, INSERT)
        assert _eventually(lambda: not followed.surely_unfollowed("inc-1"))
        assert followed.may_follow("inc-1") is True
        assert followed.may_follow("inc-2") is False
        assert reads == ["r", "r"]
        # marking an update done changes nobody's following: no new read
        _follow_row(other, "UPDATE ptz_follow SET followed_key = 'loc-2'")
        time.sleep(0.2)
        assert followed.may_follow("inc-1") is True
        assert reads == ["r", "r"]
        _follow_row(other, "UPDATE ptz_follow SET enabled = false")
        assert _eventually(lambda: followed.may_follow("inc-1") is False)
    finally:
        followed.stop()
    assert followed.may_follow("inc-1") is True  # stopped: cannot tell, so ask the store


def test_an_in_memory_store_always_asks() -> None:
    followed = FollowedIncidents(make_engine("sqlite://"))
    followed.start()
    assert followed.surely_unfollowed("inc-1") is False
    assert followed.may_follow("inc-1") is True
