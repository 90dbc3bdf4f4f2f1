"""The store opens and migrates the same way on SQLite and PostgreSQL/PostGIS."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text

from camroute.store import is_postgres, migrate


def test_migrate_creates_the_base_table(store_engine: Engine) -> None:
    assert "camroute_meta" in inspect(store_engine).get_table_names()


def test_migrate_twice_is_a_no_op(store_engine: Engine) -> None:
    migrate(store_engine)
    with store_engine.connect() as conn:
        heads = conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
    assert heads >= 1


def test_postgres_store_has_postgis(store_engine: Engine) -> None:
    if not is_postgres(store_engine):
        with store_engine.connect() as conn:
            mode = conn.execute(text("PRAGMA journal_mode")).scalar_one()
            sync = conn.execute(text("PRAGMA synchronous")).scalar_one()
        assert (mode, sync) == ("wal", 2)
        return
    with store_engine.connect() as conn:
        version = conn.execute(text("SELECT postgis_version()")).scalar_one()
    assert version.startswith("3.")


def test_json_columns_round_trip_through_orjson_and_its_fallbacks() -> None:
    from camroute.store.engine import json_text, json_value

    # orjson writes compact JSON and takes int keys as the stdlib did (as strings)
    assert json_text({"a": [1, 2.5], 3: "b"}) == '{"a":[1,2.5],"3":"b"}'
    # a 2**70 int is beyond orjson: the stdlib writes it, and it reads back exactly
    assert json_value(json_text({"n": 2**70})) == {"n": 2**70}
    # a row the stdlib wrote with NaN still reads
    value = json_value('{"x": NaN}')
    assert value["x"] != value["x"]


def test_a_stored_json_column_reads_back_equal(store_engine: Engine) -> None:
    import sqlalchemy as sa

    table = sa.Table("json_probe", sa.MetaData(), sa.Column("v", sa.JSON()))
    table.create(store_engine)
    try:
        doc = {"vi": "Đồng Khởi", "n": [1, 2.25, None], "deep": {"k": True}}
        with store_engine.begin() as conn:
            conn.execute(sa.insert(table), {"v": doc})
            assert conn.execute(sa.select(table.c.v)).scalar_one() == doc
    finally:
        table.drop(store_engine)


@pytest.mark.postgres
def test_an_idle_dead_connection_is_replaced_unseen_and_a_busy_one_is_not_pinged(
    pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from camroute.store import engine as engine_module
    from camroute.store import make_engine

    engine = make_engine(pg_database, pool_size=1, max_overflow=0)
    pings: list[int] = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(1) or real_ping(c))
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with engine.connect() as conn:  # used a moment ago: no ping
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() == pid
        assert pings == []
        other = make_engine(pg_database)
        with other.begin() as admin:  # the server ends the pooled session (restart, failover)
            admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        other.dispose()
        monkeypatch.setattr(engine_module, "IDLE_PING_S", 0.0)  # as if idle for a while
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
        assert len(pings) == 1
    finally:
        engine.dispose()
