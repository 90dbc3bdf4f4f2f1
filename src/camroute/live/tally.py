"""How often relayed snapshots reach the audit log: the first of a ticket, then once a minute.

A map tile without MJPEG refreshes its snapshot about once a second; one audit event per frame
would bury an auditor (four tiles for a shift: over 100,000 events) under rows that say
nothing new. The view is already audited when its ticket is issued, renewed and ended; here
the first snapshot of each ticket is audited at once, and the later ones as one event per
``every_s`` carrying how many snapshots and bytes were relayed since the last.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

SNAPSHOT_AUDIT_EVERY_S = 60.0
FORGET_AFTER_S = 900.0  # longer than a ticket lives (at most 600 s), renewals aside


@dataclass
class _Count:
    snapshots: int = 0
    bytes: int = 0
    audited_at: float | None = None
    seen_at: float = 0.0


@dataclass(frozen=True)
class SnapshotSummary:
    """What one audit event says: snapshots and bytes relayed since the previous one."""

    snapshots: int
    bytes: int
    first: bool


class SnapshotTally:
    """Counts the snapshots relayed per ticket and says when to write an audit event.

    Examples
    --------
    >>> now = [0.0]
    >>> tally = SnapshotTally(every_s=60.0, clock=lambda: now[0])
    >>> tally.add("t1", size_bytes=100)
    SnapshotSummary(snapshots=1, bytes=100, first=True)
    >>> now[0] = 30.0; tally.add("t1", size_bytes=100) is None
    True
    >>> now[0] = 61.0; tally.add("t1", size_bytes=50)
    SnapshotSummary(snapshots=2, bytes=150, first=False)
    """

    def __init__(
        self,
        *,
        every_s: float = SNAPSHOT_AUDIT_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._every_s = every_s
        self._clock = clock
        self._counts: dict[str, _Count] = {}
        self._lock = threading.Lock()
        self._swept_at = clock()

    def add(self, ticket_id: str, *, size_bytes: int) -> SnapshotSummary | None:
        """Count one snapshot; the summary to audit now, or None to wait."""
        now = self._clock()
        with self._lock:
            self._sweep(now)
            count = self._counts.setdefault(ticket_id, _Count())
            count.snapshots += 1
            count.bytes += size_bytes
            count.seen_at = now
            first = count.audited_at is None
            if not first and now - (count.audited_at or 0.0) < self._every_s:
                return None
            summary = SnapshotSummary(snapshots=count.snapshots, bytes=count.bytes, first=first)
            count.snapshots, count.bytes, count.audited_at = 0, 0, now
            return summary

    def __len__(self) -> int:
        return len(self._counts)

    def _sweep(self, now: float) -> None:
        """Forget tickets not seen for ``FORGET_AFTER_S`` (checked once a minute)."""
        if now - self._swept_at < 60.0:
            return
        self._swept_at = now
        stale = [t for t, c in self._counts.items() if now - c.seen_at > FORGET_AFTER_S]
        for ticket_id in stale:
            del self._counts[ticket_id]
