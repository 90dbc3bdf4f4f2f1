"""The call ids this process has written or read lately, with their incidents: a hint.

On PostgreSQL a call is written without reading its call id first. A call id this process has
not seen is written as a new incident (the insert does nothing when the id is taken); a seen
one as a location update of the incident it had (the update does nothing unless that incident
is open, on the call's hotline and not at this location already). When the write does nothing
the call goes round: read, then answered as the repeat, update or refusal it is. A call whose
location's fingerprint is the one last seen is read first, as a likely repeat. A wrong hint
costs a statement, never a wrong answer: a call id's incident never changes.
"""

from __future__ import annotations

import threading
import weakref
from typing import NamedTuple

from sqlalchemy import Engine

MAX_IDS = 65_536  # per store: an hour of calls at several per second


class Seen(NamedTuple):
    """What this process last saw of a call id: its incident and the location's fingerprint."""

    incident_id: str
    fingerprint: str | None


class SeenIds:
    """Call ids and what was seen of them, the oldest forgotten first beyond ``max_ids``."""

    def __init__(self, max_ids: int = MAX_IDS) -> None:
        self._ids: dict[str, Seen] = {}
        self._max = max_ids
        self._lock = threading.Lock()

    def get(self, call_id: str) -> Seen | None:
        """What this process last saw of ``call_id``; None if it has not seen it."""
        return self._ids.get(call_id)

    def add(self, call_id: str, incident_id: str, fingerprint: str | None) -> None:
        with self._lock:
            self._ids[call_id] = Seen(incident_id, fingerprint)
            if len(self._ids) > self._max:
                del self._ids[next(iter(self._ids))]

    def __len__(self) -> int:
        return len(self._ids)


_by_engine: weakref.WeakKeyDictionary[Engine, SeenIds] = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def seen_ids(engine: Engine) -> SeenIds:
    """The call ids this process has seen in ``engine``'s store."""
    found = _by_engine.get(engine)
    if found is None:
        with _guard:
            found = _by_engine.setdefault(engine, SeenIds())
    return found
