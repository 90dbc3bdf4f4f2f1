"""Credential checks without a store round trip per request, revoked in every process at once.

Every request looked up its API key (or its token's user) in the store: on PostgreSQL a pool
checkout, a ping, the query and a rollback, and a thread-pool hop. ``CredentialCache`` keeps
the principals it found, per process, and forgets all of them whenever any credential changes:

- every change to a user or an API key (``camroute.auth.store``) sends ``NOTIFY`` on
  :data:`CHANNEL` in its own transaction, so PostgreSQL delivers it when the change commits;
  the process that made it empties its own caches right after the commit (:func:`changed_here`);
- one listener thread per process (:class:`CredentialWatch`) bumps the cache's generation on
  each notice. An entry is used only under the generation it was looked up in, so a lookup
  that raced a revocation is never kept;
- while the listener is not connected (starting, or its connection lost) nothing is cached,
  and an entry is used for at most ``ttl_s`` (a change made by hand in SQL, without NOTIFY).

A revoked key therefore stops working in every worker as soon as the notice arrives (the
NOTIFY round trip, well under a millisecond on one host). On SQLite there is no cross-process
notice (the CLI may change a key while the server runs), so nothing is cached there.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, text

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


def announce_change(conn: Connection) -> None:
    """Tell every process's cache, when ``conn``'s transaction commits, that credentials changed."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


class CredentialCache:
    """Principals by credential (an API-key digest or a token), valid for one generation."""

    def __init__(self, *, ttl_s: float, max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.live = False  # True only while a watch delivers every change
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

    def changed(self) -> None:
        """Some credential changed (or changes may have been missed): forget everything."""
        with self._lock:
            self._generation += 1
            self._entries.clear()


class CredentialWatch:
    """``LISTEN`` on :data:`CHANNEL` in a thread; every notice empties the cache."""

    def __init__(self, engine: Engine, cache: CredentialCache) -> None:
        self.engine = engine
        self.cache = cache
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, *, timeout_s: float = 10.0) -> None:
        """Start listening (PostgreSQL only); returns once ``LISTEN`` is in place."""
        if self.engine.dialect.name != "postgresql" or self.cache.ttl_s <= 0:
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
        """Stop the thread; the cache is no longer used."""
        self._stop.set()
        self.cache.live = False
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
