"""The store opens and migrates the same way on SQLite and PostgreSQL/PostGIS."""

from __future__ import annotations

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
