"""Credential checks without a store round trip per request, revoked in every process at once.

Every request looked up its API key (or its token's user) in the store: a pool checkout, the
query, and a thread-pool hop. ``CredentialCache`` keeps the principals it found, per process,
and forgets all of them whenever any credential changes. The tables' triggers (migration
``auth_0002``) announce every change to users and API keys, made by the API, by the CLI in
another process or by hand in SQL:

- PostgreSQL: the trigger sends ``NOTIFY`` on :data:`CHANNEL`, delivered when the change
  commits. One listener thread per process (:class:`CredentialWatch`) empties the cache on
  each notice; while it is not connected (starting, or its connection lost) nothing is cached;
- SQLite has no notices: the trigger counts changes in the one-row table ``auth_generation``,
  and the cache reads that count (:class:`StoreGeneration`, a few microseconds on a connection
  of its own) before each use, emptying itself when it moved;
- an entry is used only under the generation it was looked up in, so a lookup that raced a
  revocation is never kept, and for at most ``ttl_s``.

The process that made a change also empties its own caches right after the commit
(:func:`changed_here`). A revoked key therefore stops working in every worker as soon as the
notice arrives (the NOTIFY round trip, well under a millisecond on one host), or at the next
request on SQLite.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy import Engine

from camroute.auth.models import Principal

log = logging.getLogger(__name__)
CHANNEL = "camroute_auth"


# Every cache of this process (one per app), so a change made here empties them at once.
_LOCAL: weakref.WeakSet[CredentialCache] = weakref.WeakSet()


def changed_here() -> None:
    """After a credential change has committed: empty this process's caches without waiting.

    Other processes learn of it by the change's ``NOTIFY`` (:func:`announce_change`).
    """
    for cache in list(_LOCAL):
        cache.changed()


class CredentialCache:
    """Principals by credential (an API-key digest or a token), valid for one generation."""

    def __init__(self, *, ttl_s: float, max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.live = False  # True only while a watch delivers every change
        # SQLite: the store's change count, read before each use (None: unreadable now).
        self.probe: Callable[[], int | None] | None = None
        self._seen: int | None = None
        self._generation = 0
        self._entries: dict[str, tuple[int, float, Principal]] = {}
        self._lock = threading.Lock()
        _LOCAL.add(self)

    @property
    def generation(self) -> int:
        """Take this before a lookup and hand it to :meth:`put` with the result."""
        return self._generation

    def get(self, credential: str) -> Principal | None:
        """The cached principal, or None (not cached, a change since, too old, or not live)."""
        if self.probe is not None:
            self._check_store(self.probe)
        entry = self._entries.get(credential)
        if entry is None or not self.live:
            return None
        generation, stored_at, principal = entry
        if generation != self._generation or time.monotonic() - stored_at > self.ttl_s:
            return None
        return principal

    def put(self, credential: str, principal: Principal, *, generation: int) -> None:
        """Keep ``principal``, looked up under ``generation`` (dropped if that has passed)."""
        if not self.live or self.ttl_s <= 0:
            return
        with self._lock:
            if generation != self._generation:
                return
            if len(self._entries) >= self.max_entries:
                self._entries.clear()  # a flood of distinct credentials: start again
            self._entries[credential] = (generation, time.monotonic(), principal)

    def _check_store(self, probe: Callable[[], int | None]) -> None:
        seen = probe()
        if seen is None:  # cannot tell whether something changed: trust nothing
            self.live = False
            return
        if seen != self._seen:
            self._seen = seen
            self.changed()
        self.live = True

    def changed(self) -> None:
        """Some credential changed (or changes may have been missed): forget everything."""
        with self._lock:
            self._generation += 1
            self._entries.clear()


class StoreGeneration:
    """SQLite's count of credential changes (``auth_generation``), read on its own connection.

    The cache reads it on the event loop before each use, so the read must never wait: the
    connection has no busy timeout, and a read that fails says "unknown" (None), which makes
    the cache look credentials up in the store as if it were not there.
    """

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, timeout=0, check_same_thread=False)
        self._lock = threading.Lock()

    def __call__(self) -> int | None:
        """The count now, or None when it cannot be read."""
        try:
            with self._lock:
                row = self._conn.execute("SELECT generation FROM auth_generation").fetchone()
        except sqlite3.Error as exc:
            log.debug("credential change count unreadable (%s): not caching", exc)
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


class CredentialWatch:
    """Keeps ``cache`` told of credential changes.

    PostgreSQL: ``LISTEN`` on :data:`CHANNEL` in a thread. SQLite: :class:`StoreGeneration`.
    """

    def __init__(self, engine: Engine, cache: CredentialCache) -> None:
        self.engine = engine
        self.cache = cache
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._count: StoreGeneration | None = None

    def start(self, *, timeout_s: float = 10.0) -> None:
        """Start watching; on PostgreSQL returns once ``LISTEN`` is in place."""
        if self.cache.ttl_s <= 0:
            return
        path = sqlite_file(self.engine)
        if path is not None:
            self._count = StoreGeneration(path)
            self.cache.probe = self._count
            return
        if self.engine.dialect.name != "postgresql":
            return
        ready = threading.Event()
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._listen, args=(ready,), name="camroute-auth-watch", daemon=True
        )
        self._thread.start()
        if not ready.wait(timeout_s):
            log.warning("credential watch did not start within %.1f s: not caching", timeout_s)

    def stop(self) -> None:
        """Stop watching; the cache is no longer used."""
        self._stop.set()
        self.cache.probe = None
        self.cache.live = False
        if self._count is not None:
            self._count.close()
            self._count = None
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None

    def _listen(self, ready: threading.Event) -> None:
        dsn = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f'LISTEN "{CHANNEL}"')
                    self.cache.changed()  # whatever happened while not listening
                    self.cache.live = True
                    ready.set()
                    self._pump(conn)
            except psycopg.Error as exc:
                log.warning("credential watch lost its connection (%s); reconnecting", exc)
                self._stop.wait(1.0)
            finally:
                self.cache.live = False
                self.cache.changed()

    def _pump(self, conn: psycopg.Connection[Any]) -> None:
        while not self._stop.is_set():
            for _note in conn.notifies(timeout=0.5):
                self.cache.changed()
