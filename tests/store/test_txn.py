from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from psycopg.pq import Trace
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from camroute.store.txn import at_commit, reading, writing


def test_writers_queue_on_sqlite_and_run_side_by_side_on_postgres(store_engine: Engine) -> None:
    meta = sa.table("camroute_meta", sa.column("key"), sa.column("value"))
    inside, peak, lock = 0, 0, threading.Lock()

    def write(n: int) -> None:
        nonlocal inside, peak
        with writing(store_engine) as conn:
            with lock:
                inside += 1
                peak = max(peak, inside)
            conn.execute(sa.insert(meta).values(key=f"txn-{n}", value="x"))
            time.sleep(0.05)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with store_engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count()).select_from(meta).where(meta.c.key.like("txn-%"))
        ).scalar_one()
    assert count == 6
    if store_engine.dialect.name == "sqlite":
        assert peak == 1
    else:
        assert peak > 1


META = sa.table("camroute_meta", sa.column("key"), sa.column("value"))


def _keys(engine: Engine, prefix: str) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(META.c.key).where(META.c.key.like(f"{prefix}%")))
        return sorted(r.key for r in rows)


def test_at_commit_statements_run_last_and_commit(store_engine: Engine) -> None:
    final = sa.insert(META).values(key=sa.bindparam("k"), value="last")
    with writing(store_engine) as conn:
        at_commit(conn, final, {"k": "ac-final"})
        conn.execute(sa.insert(META).values(key="ac-body", value="first"))
        # Not yet run: it goes with the COMMIT, after everything the body does.
        inside = conn.execute(sa.select(META.c.key).where(META.c.key == "ac-final")).first()
        assert inside is None
    assert _keys(store_engine, "ac-") == ["ac-body", "ac-final"]


def test_a_failing_at_commit_statement_rolls_everything_back(store_engine: Engine) -> None:
    with writing(store_engine) as conn:
        conn.execute(sa.insert(META).values(key="dup-1", value="x"))
    duplicate = sa.insert(META).values(key=sa.bindparam("k"), value="y")

    def write() -> None:
        with writing(store_engine) as conn:
            conn.execute(sa.insert(META).values(key="dup-body", value="x"))
            at_commit(conn, duplicate, {"k": "dup-1"})

    with pytest.raises(IntegrityError):
        write()
    assert _keys(store_engine, "dup-") == ["dup-1"]  # the body's row went with it
    # The pool hands out working connections afterwards (PostgreSQL dropped the failed one).
    for n in range(3):
        with writing(store_engine) as conn:
            conn.execute(sa.insert(META).values(key=f"dup-after-{n}", value="z"))
    assert _keys(store_engine, "dup-after-") == ["dup-after-0", "dup-after-1", "dup-after-2"]


def test_at_commit_statements_do_not_run_when_the_body_fails(store_engine: Engine) -> None:
    final = sa.insert(META).values(key="nf-final", value="x")

    def write() -> None:
        with writing(store_engine) as conn:
            at_commit(conn, final, {})
            raise RuntimeError("body failed")

    with pytest.raises(RuntimeError, match="body"):
        write()
    assert _keys(store_engine, "nf-") == []
    with writing(store_engine) as conn:  # the next transaction on that connection starts clean
        conn.execute(sa.insert(META).values(key="nf-next", value="x"))
    assert _keys(store_engine, "nf-") == ["nf-next"]


def test_at_commit_refuses_a_transaction_writing_did_not_open(store_engine: Engine) -> None:
    # engine.begin() commits on its own: a deferred statement would silently never run.
    final = sa.insert(META).values(key="eb-final", value="x")
    with store_engine.begin() as conn, pytest.raises(RuntimeError, match="writing"):
        at_commit(conn, final, {})
    assert _keys(store_engine, "eb-") == []


def test_reading_skips_the_transaction_on_postgres_and_returns_a_transactional_connection(
    store_engine: Engine,
) -> None:
    with reading(store_engine) as conn:
        assert conn.execute(sa.select(1)).scalar_one() == 1
        driver = conn.connection.driver_connection
        if store_engine.dialect.name == "postgresql":
            assert driver is not None
            assert driver.autocommit is True  # no BEGIN / ROLLBACK round trips
    # The pooled connection is transactional again: a failed write leaves nothing behind.

    def write() -> None:
        with writing(store_engine) as conn:
            conn.execute(sa.insert(META).values(key="rd-1", value="x"))
            raise RuntimeError("write failed")

    with pytest.raises(RuntimeError):
        write()
    assert _keys(store_engine, "rd-") == []


@pytest.mark.postgres
def test_a_connection_lost_before_the_pipelined_commit_writes_nothing(pg_database: str) -> None:
    from camroute.store import make_engine, migrate

    engine, other = make_engine(pg_database, pool_size=1, max_overflow=0), make_engine(pg_database)
    migrate(engine)

    def write() -> None:
        with writing(engine) as conn:
            pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
            conn.execute(sa.insert(META).values(key="lost-body", value="x"))
            at_commit(conn, sa.insert(META).values(key="lost-final", value="y"), {})
            with other.begin() as admin:  # the server ends the session (restart, failover)
                admin.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})

    try:
        with pytest.raises(OperationalError):
            write()
        with writing(engine) as conn:  # the one pooled connection was replaced
            conn.execute(sa.insert(META).values(key="lost-after", value="z"))
        assert _keys(engine, "lost-") == ["lost-after"]
    finally:
        engine.dispose()
        other.dispose()


@pytest.mark.postgres
def test_deferred_only_writes_are_one_implicit_transaction(
    pg_database: str, tmp_path: Path
) -> None:
    from camroute.store import make_engine, migrate

    engine = make_engine(pg_database, pool_size=1, max_overflow=0)
    migrate(engine)
    trace = tmp_path / "libpq.trace"
    final = sa.insert(META).values(key=sa.bindparam("k"), value="v")
    try:
        with engine.connect() as conn:  # the pool's one connection, traced from now on
            pgconn = conn.connection.driver_connection.pgconn  # type: ignore[union-attr]
        with trace.open("w") as out:
            pgconn.trace(out.fileno())
            pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)
            with writing(engine) as conn:
                at_commit(conn, final, {"k": "im-1"})
                at_commit(conn, final, {"k": "im-2"})
            pgconn.untrace()
        sent = [line for line in trace.read_text().splitlines() if line.startswith("F")]
        assert [line.split()[2] for line in sent if line.split()[2] == "Sync"] == ["Sync"]
        assert not [line for line in sent if "BEGIN" in line or "COMMIT" in line]
        assert _keys(engine, "im-") == ["im-1", "im-2"]

        def taken() -> None:
            with writing(engine) as conn:
                at_commit(conn, final, {"k": "im-3"})
                at_commit(conn, final, {"k": "im-1"})

        # One failing statement rolls back the ones before it, as the caller's IntegrityError.
        with pytest.raises(IntegrityError):
            taken()
        assert _keys(engine, "im-") == ["im-1", "im-2"]

        def failing_body() -> None:
            with writing(engine) as conn:
                conn.execute(sa.insert(META).values(key="im-body", value="x"))
                assert conn.connection.driver_connection.autocommit is False  # type: ignore[union-attr]
                raise RuntimeError("body failed")

        # The pool's connection is transactional again: a failed body leaves nothing behind.
        with pytest.raises(RuntimeError):
            failing_body()
        assert _keys(engine, "im-") == ["im-1", "im-2"]
    finally:
        engine.dispose()
