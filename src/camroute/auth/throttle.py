"""Login throttling: failed passwords per user name and per client address, with back-off.

Without it, 50 wrong passwords then the right one succeeded, and 16 clients guessing 7 times
a second cost 0.9 GB (argon2 takes 64 MiB a check) and slowed every other route 40 times.
Here each user name and each client address has a window of recent failures; once the count
reaches its limit the key is locked for ``lock_s``, and every further failure after a lock
doubles the lock, up to ``lock_max_s``. A locked attempt is refused before any password is
checked (429 with ``Retry-After``), even with the right password: a guesser learns nothing.
A success clears the user name, never the address (one good account must not reset a
guessing address). The address limit is higher: a call centre shares one address.

State is kept in this process: each replica counts for itself (an attacker spreading over N
replicas gets N times the attempts, still far too few). It is bounded: idle keys are
forgotten, and at most ``max_tracked`` keys are held, oldest first out.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_TRACKED_KEYS = 100_000
MAX_NAME_CHARS = 128


@dataclass
class _Record:
    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0


@dataclass(frozen=True)
class ThrottlePolicy:
    """Limits: failures per user name and per address within ``window_s``, then locks."""

    max_failures_per_user: int = 5
    max_failures_per_address: int = 30
    window_s: float = 900.0
    lock_s: float = 30.0
    lock_max_s: float = 300.0


class LoginThrottle:
    """Counts failed logins per user name and address; says how long a login must wait.

    Examples
    --------
    >>> now = [0.0]
    >>> policy = ThrottlePolicy(max_failures_per_user=2, lock_s=30.0, lock_max_s=100.0)
    >>> throttle = LoginThrottle(policy, clock=lambda: now[0])
    >>> throttle.failed(user="an", address="10.0.0.9")
    >>> throttle.retry_after_s(user="an", address="10.0.0.9") is None
    True
    >>> throttle.failed(user="an", address="10.0.0.9")
    >>> throttle.retry_after_s(user="an", address="10.0.0.9")
    30.0
    >>> now[0] = 31.0; throttle.failed(user="an", address="10.0.0.9")
    >>> throttle.retry_after_s(user="an", address="10.0.0.9")
    60.0
    >>> throttle.retry_after_s(user="bo", address="10.0.0.9") is None
    True
    """

    def __init__(
        self,
        policy: ThrottlePolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = MAX_TRACKED_KEYS,
    ) -> None:
        self.policy = policy or ThrottlePolicy()
        self._clock = clock
        self._max_tracked = max_tracked
        self._records: dict[tuple[str, str], _Record] = {}
        self._lock = threading.Lock()
        self._swept_at = clock()

    def retry_after_s(self, *, user: str, address: str | None) -> float | None:
        """Seconds until this user name and address may try again; None when not locked."""
        now = self._clock()
        with self._lock:
            waits = [
                record.locked_until - now
                for key in self._keys(user, address)
                if (record := self._records.get(key)) is not None and record.locked_until > now
            ]
        return max(waits) if waits else None

    def failed(self, *, user: str, address: str | None) -> None:
        """Count one failed password check; lock a key that reached its limit."""
        now = self._clock()
        with self._lock:
            self._sweep(now)
            for key in self._keys(user, address):
                record = self._records.pop(key, None) or _Record()
                self._records[key] = record  # re-inserted: the dict stays oldest-first
                while record.failures and now - record.failures[0] > self.policy.window_s:
                    record.failures.popleft()
                record.failures.append(now)
                excess = len(record.failures) - self._limit(key)
                if excess >= 0:
                    lock_s = self.policy.lock_s * 2 ** min(excess, 32)
                    record.locked_until = now + min(lock_s, self.policy.lock_max_s)
            while len(self._records) > self._max_tracked:
                del self._records[next(iter(self._records))]

    def succeeded(self, *, user: str) -> None:
        """The user proved the password: forget the user name's failures (not the address's)."""
        with self._lock:
            self._records.pop(("user", user[:MAX_NAME_CHARS]), None)

    def __len__(self) -> int:
        return len(self._records)

    def _keys(self, user: str, address: str | None) -> list[tuple[str, str]]:
        keys = [("user", user[:MAX_NAME_CHARS])]
        if address:
            keys.append(("address", address))
        return keys

    def _limit(self, key: tuple[str, str]) -> int:
        if key[0] == "user":
            return self.policy.max_failures_per_user
        return self.policy.max_failures_per_address

    def _sweep(self, now: float) -> None:
        """Forget keys with no failure in the window and no lock (checked once a minute)."""
        if now - self._swept_at < 60.0:
            return
        self._swept_at = now
        idle = [
            key
            for key, record in self._records.items()
            if record.locked_until <= now
            and (not record.failures or now - record.failures[-1] > self.policy.window_s)
        ]
        for key in idle:
            del self._records[key]
