"""Whether some tables changed, seen from any process, for caches kept per process.

A migration gives the watched tables triggers (``auth_0002``, ``ptz_0003``). On PostgreSQL a
statement trigger sends ``NOTIFY`` on the tables' channel, delivered when the change commits;
one thread per watch ``LISTEN``s and counts the notices. SQLite has no notices: a trigger
counts the changes in a one-row table, read on a connection of its own (a few microseconds).
Either way :meth:`TableWatch.version` moves after every committed change, made by the API, by
the CLI in another process or by hand in SQL, and is None while it cannot tell (the listener
not connected, the count unreadable, an in-memory database): a cache must then trust nothing.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import Any

import psycopg
from sqlalchemy import Engine

log = logging.getLogger(__name__)


class SqliteCount:
    """A one-row change count (``SELECT generation FROM <table>``), read on its own connection.

    Callers read it on the event loop, so the read never waits: the connection has no busy
    timeout, and a read that fails says "unknown" (None).
    """

    def __init__(self, path: str, table: str) -> None:
        self._conn = sqlite3.connect(path, timeout=0, check_same_thread=False)
        self._sql = f"SELECT generation FROM {table}"  # a name from code, never from input
        self._lock = threading.Lock()

    def __call__(self) -> int | None:
        """The count now, or None when it cannot be read."""
        try:
            with self._lock:
                row = self._conn.execute(self._sql).fetchone()
        except sqlite3.Error as exc:
            log.debug("change count unreadable (%s)", exc)
            return None
        return None if row is None else int(row[0])

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


def sqlite_file(engine: Engine) -> str | None:
    """The file of a SQLite store, or None (in memory, or not SQLite).

    Another connection to an in-memory database would see a different, empty one.
    """
    url = engine.url
    if engine.dialect.name != "sqlite" or url.query.get("uri"):
        return None
    if url.database in (None, "", ":memory:") or url.database.startswith("file:"):
        return None
    return url.database


class TableWatch:
    """The version of a set of tables: ``NOTIFY`` on ``channel``, or SQLite's ``count_table``."""

    def __init__(self, engine: Engine, *, channel: str, count_table: str) -> None:
        self.engine = engine
        self.channel = channel
        self.count_table = count_table
        self._count: SqliteCount | None = None
        self._notices = 0
        self._listening = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def version(self) -> int | None:
        """A number that moves after every committed change; None while unknown."""
        if self._count is not None:
            return self._count()
        return self._notices if self._listening else None

    def start(self, *, timeout_s: float = 10.0) -> None:
        """Start watching; on PostgreSQL returns once ``LISTEN`` is in place."""
        path = sqlite_file(self.engine)
        if path is not None:
            self._count = SqliteCount(path, self.count_table)
            return
        if self.engine.dialect.name != "postgresql" or self._thread is not None:
            return
        ready = threading.Event()
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._listen, args=(ready,), name=f"watch-{self.channel}", daemon=True
        )
        self._thread.start()
        if not ready.wait(timeout_s):
            log.warning("watch of %s did not start within %.1f s", self.channel, timeout_s)

    def stop(self) -> None:
        """Stop watching: the version is unknown from now on."""
        self._stop.set()
        self._listening = False
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None
        if self._count is not None:
            self._count.close()
            self._count = None

    def _listen(self, ready: threading.Event) -> None:
        dsn = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f'LISTEN "{self.channel}"')
                    self._notices += 1  # whatever happened while not listening
                    self._listening = True
                    ready.set()
                    self._pump(conn)
            except psycopg.Error as exc:
                log.warning("watch of %s lost its connection (%s); reconnecting", self.channel, exc)
                self._stop.wait(1.0)
            finally:
                self._listening = False
                self._notices += 1

    def _pump(self, conn: psycopg.Connection[Any]) -> None:
        while not self._stop.is_set():
            for _note in conn.notifies(timeout=0.5):
                self._notices += 1
