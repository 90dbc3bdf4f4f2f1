"""Credential checks without a store round trip per request, revoked in every process at once.

Every request looked up its API key (or its token's user) in the store: a pool checkout, the
query, and a thread-pool hop. ``CredentialCache`` keeps the principals it found, per process,
and forgets all of them whenever any credential changes. The tables' triggers (migration
``auth_0002``) announce every change to users and API keys, made by the API, by the CLI in
another process or by hand in SQL:

- PostgreSQL: the trigger sends ``NOTIFY`` on :data:`CHANNEL`, delivered when the change
  commits; SQLite, which has no notices, counts changes in the one-row table
  ``auth_generation``. The cache reads the tables' version (:class:`TableWatch`) before each
  use and empties itself when it moved; while the version is unknown (the listener not
  connected, the count unreadable) nothing is cached;
- an entry is used only under the generation it was looked up in, so a lookup that raced a
  revocation is never kept, and for at most ``ttl_s``.

The process that made a change also empties its own caches right after the commit
(:func:`changed_here`). A revoked key therefore stops working in every worker as soon as the
notice arrives (the NOTIFY round trip, well under a millisecond on one host), or at the next
request on SQLite.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable

from sqlalchemy import Engine

from camroute.auth.models import Principal
from camroute.store.watch import TableWatch

CHANNEL = "camroute_auth"


# Every cache of this process (one per app), so a change made here empties them at once.
_LOCAL: weakref.WeakSet[CredentialCache] = weakref.WeakSet()


def changed_here() -> None:
    """After a credential change has committed: empty this process's caches without waiting.

    Other processes learn of it from the tables' triggers (migration ``auth_0002``).
    """
    for cache in list(_LOCAL):
        cache.changed()


class CredentialCache:
    """Principals by credential (an API-key digest or a token), valid for one generation."""

    def __init__(self, *, ttl_s: float, max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.live = False  # True only while a watch delivers every change
        # The watched tables' version (TableWatch.version), read before each use (None: unknown).
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


class CredentialWatch:
    """Keeps ``cache`` told of credential changes (a :class:`TableWatch` of users and keys)."""

    def __init__(self, engine: Engine, cache: CredentialCache) -> None:
        self.cache = cache
        self.watch = TableWatch(engine, channel=CHANNEL, count_table="auth_generation")

    def start(self, *, timeout_s: float = 10.0) -> None:
        """Start watching; on PostgreSQL returns once ``LISTEN`` is in place."""
        if self.cache.ttl_s <= 0:
            return
        self.watch.start(timeout_s=timeout_s)
        self.cache.probe = self.watch.version

    def stop(self) -> None:
        """Stop watching; the cache is no longer used."""
        self.cache.probe = None
        self.cache.live = False
        self.watch.stop()
