"""How often failed logins reach the audit log: the first at once, then one event a minute.

A guessing client fails several times a second; one hash-chained event per failure floods the
chain (and makes every guess cost a serialised write). As for relayed snapshots
(:mod:`camroute.live.tally`), the first failure of a user name from an address is audited at
once, and later ones as one event per ``every_s`` carrying how many failed since and why
(``bad_password``, ``unknown_user``, ``disabled``, ``throttled``). Counts still pending are
written by :meth:`LoginFailureTally.due` (polled by the app) and :meth:`drain` (at shutdown).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

FAILURE_AUDIT_EVERY_S = 60.0
MAX_TRACKED = 100_000


@dataclass
class _Entry:
    audited_at: float
    reasons: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class FailureSummary:
    """One audit event: failures of ``user`` from ``client`` since the previous event."""

    user: str
    client: str | None
    count: int
    reasons: dict[str, int]

    def details(self) -> dict[str, object]:
        """The audit event's details."""
        return {"client": self.client, "count": self.count, "reasons": self.reasons}


class LoginFailureTally:
    """Counts failed logins per (user name, client) and says when to write an audit event.

    Examples
    --------
    >>> now = [0.0]
    >>> tally = LoginFailureTally(every_s=60.0, clock=lambda: now[0])
    >>> tally.add(user="an", client="10.0.0.9", reason="bad_password").count
    1
    >>> now[0] = 5.0; tally.add(user="an", client="10.0.0.9", reason="throttled") is None
    True
    >>> now[0] = 30.0; tally.due()
    []
    >>> now[0] = 61.0; tally.due()
    [FailureSummary(user='an', client='10.0.0.9', count=1, reasons={'throttled': 1})]
    """

    def __init__(
        self, *, every_s: float = FAILURE_AUDIT_EVERY_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._every_s = every_s
        self._clock = clock
        self._entries: dict[tuple[str, str | None], _Entry] = {}
        self._lock = threading.Lock()

    def add(self, *, user: str, client: str | None, reason: str) -> FailureSummary | None:
        """Count one failure; the summary to audit now, or None when it waits for the minute."""
        now = self._clock()
        key = (user, client)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or now - entry.audited_at >= self._every_s:
                pending = entry.reasons if entry is not None else Counter[str]()
                pending[reason] += 1
                self._entries[key] = _Entry(audited_at=now)
                self._bound()
                return _summary(key, pending)
            entry.reasons[reason] += 1
            return None

    def due(self) -> list[FailureSummary]:
        """Summaries whose minute has passed (their entries then forgotten)."""
        now = self._clock()
        with self._lock:
            expired = [k for k, e in self._entries.items() if now - e.audited_at >= self._every_s]
            entries = [(key, self._entries.pop(key)) for key in expired]
        return [_summary(key, entry.reasons) for key, entry in entries if entry.reasons]

    def drain(self) -> list[FailureSummary]:
        """Every pending summary, due or not (the process is stopping)."""
        with self._lock:
            entries, self._entries = self._entries, {}
        return [_summary(key, entry.reasons) for key, entry in entries.items() if entry.reasons]

    def __len__(self) -> int:
        return len(self._entries)

    def _bound(self) -> None:
        # Many names from many addresses: drop the oldest entries (their first failure was
        # audited; only the count since is lost), never grow without limit.
        while len(self._entries) > MAX_TRACKED:
            del self._entries[next(iter(self._entries))]


def _summary(key: tuple[str, str | None], reasons: Counter[str]) -> FailureSummary:
    return FailureSummary(
        user=key[0],
        client=key[1],
        count=sum(reasons.values()),
        reasons=dict(sorted(reasons.items())),
    )
