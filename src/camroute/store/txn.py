"""Write transactions: queued in-process on SQLite, and a last statement sent with the COMMIT.

SQLite admits one writer; a second one waits in SQLite's busy handler, which sleeps in growing
steps (up to 100 ms) and so turns a burst of calls into second-long tails. One process-wide
lock per database makes writers queue fairly in memory instead. PostgreSQL needs none.

``at_commit`` defers a statement to the end of the transaction. On PostgreSQL it goes out in
one pipeline with the COMMIT: a row lock it takes is released by the same round trip, without
waiting for this thread to get the GIL back and send the COMMIT (the audit chain's head row
is locked by every write; see ``camroute.audit.service``). A transaction whose statements
were all deferred (a repeat call's event) sends no BEGIN and no COMMIT: one round trip in all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable

_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def _lock_for(engine: Engine) -> threading.Lock:
    key = str(engine.url)
    with _guard:
        return _locks.setdefault(key, threading.Lock())


_AT_COMMIT = "camroute.at_commit"
_IDLE = TransactionStatus.IDLE  # no BEGIN sent yet: nothing of the transaction reached the server


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
    if driver.info.transaction_status == _IDLE:
        _implicit(conn, driver, finals)
        return
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


def _implicit(
    conn: Connection, driver: psycopg.Connection[Any], finals: list[tuple[Executable, Any]]
) -> None:
    """Nothing was sent yet: the statements go as one transaction closed by the pipeline's Sync.

    In the extended query protocol the statements up to a Sync run in one transaction, which
    the Sync commits, or rolls back whole if one fails. So neither BEGIN (a round trip of its
    own: psycopg syncs after it) nor COMMIT is sent: one round trip in all.
    """
    driver.autocommit = True
    try:
        with driver.pipeline():  # its exit sends the Sync: an error is raised there
            for statement, params in finals:
                conn.execute(statement, params)
    except conn.dialect.loaded_dbapi.Error as exc:
        conn.invalidate()  # as below: SQLAlchemy still counts a transaction open on it
        # Raised by psycopg, not through SQLAlchemy: wrapped as SQLAlchemy would have done
        # (a taken call id must still be an IntegrityError to its caller).
        raise DBAPIError.instance(None, None, exc, conn.dialect.loaded_dbapi.Error) from exc
    except BaseException:
        conn.invalidate()
        raise
    finally:
        if not driver.closed:
            driver.autocommit = False  # back to a transactional connection for the pool
    conn.commit()  # SQLAlchemy's transaction ends; psycopg has nothing left to commit


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
    if engine.dialect.name == "postgresql":
        with autocommit(engine) as conn:
            yield conn
        return
    with engine.connect() as conn:
        yield conn


@contextmanager
def autocommit(engine: Engine) -> Iterator[Connection]:
    """PostgreSQL: a connection whose every statement is its own transaction.

    For one statement that reads, or that writes all it writes (CTEs included): no BEGIN
    and no COMMIT round trip. SQLite's writers use :func:`writing`, which queues them.
    """
    if engine.dialect.name != "postgresql":
        raise RuntimeError("autocommit is for PostgreSQL; SQLite's writes go through writing()")
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn
