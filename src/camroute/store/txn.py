"""Write transactions: queued in-process on SQLite, and a last statement sent with the COMMIT.

SQLite admits one writer; a second one waits in SQLite's busy handler, which sleeps in growing
steps (up to 100 ms) and so turns a burst of calls into second-long tails. One process-wide
lock per database makes writers queue fairly in memory instead. PostgreSQL needs none.

``at_commit`` defers a statement to the end of the transaction. On PostgreSQL it goes out in
one pipeline with the COMMIT: a row lock it takes is released by the same round trip, without
waiting for this thread to get the GIL back and send the COMMIT (the audit chain's head row
is locked by every write; see ``camroute.audit.service``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.sql import Executable

_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def _lock_for(engine: Engine) -> threading.Lock:
    key = str(engine.url)
    with _guard:
        return _locks.setdefault(key, threading.Lock())


_AT_COMMIT = "camroute.at_commit"


def at_commit(conn: Connection, statement: Executable, params: dict[str, Any]) -> None:
    """Run ``statement`` last in ``conn``'s transaction (from :func:`writing`), with its COMMIT.

    On PostgreSQL both go in one round trip. Its result is not read; an error in it rolls the
    whole transaction back and is raised from :func:`writing`.
    """
    require_writing(conn)
    conn.info[_AT_COMMIT].append((statement, params))


def require_writing(conn: Connection) -> None:
    """Refuse a transaction that :func:`writing` did not open.

    ``engine.begin()`` commits by itself, without the statements deferred to its commit: they
    would be lost.
    """
    if _AT_COMMIT not in conn.info:
        raise RuntimeError("at_commit needs a transaction opened by store.txn.writing")


def _commit(conn: Connection) -> None:
    finals: list[tuple[Executable, dict[str, Any]]] = conn.info.pop(_AT_COMMIT)
    if not finals or conn.dialect.name != "postgresql":
        for statement, params in finals:
            conn.execute(statement, params)
        conn.commit()
        return
    driver = conn.connection.driver_connection
    assert driver is not None, "a checked-out connection has its driver connection"
    try:
        with driver.pipeline():
            for statement, params in finals:
                conn.execute(statement, params)
            conn.commit()  # psycopg queues the COMMIT and syncs: one round trip for all
    except BaseException:
        # The pipeline's transaction failed at the sync: SQLAlchemy already counts it ended,
        # so the connection is dropped rather than returned to the pool mid-transaction.
        conn.invalidate()
        raise


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """``engine.begin()``, serialised per database file on SQLite; :func:`at_commit`'s go last."""
    serial = _lock_for(engine) if engine.dialect.name == "sqlite" else nullcontext()
    with serial, engine.connect() as conn:
        conn.begin()
        conn.info[_AT_COMMIT] = []
        try:
            yield conn
        except BaseException:
            conn.info.pop(_AT_COMMIT, None)
            conn.rollback()
            raise
        _commit(conn)


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for one read statement: on PostgreSQL in autocommit.

    A plain checkout opens a transaction with its first statement and rolls it back on
    return: a ``BEGIN`` and a ``ROLLBACK`` round trip around a single ``SELECT``, on paths
    that run on every call (the known-call check) or every location update (aim-follow).
    """
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn
