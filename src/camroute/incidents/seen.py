"""The call ids this process has written or read lately: a hint, never the truth.

A new call on PostgreSQL is written without reading its call id first (the insert does nothing
when the id is taken, and the call is then handled as the update or repeat it is). A call id
this process has seen is likely to come again as an update, so it is read first, as before:
the hint saves a new call's read without adding a failed insert to each update. A wrong hint
costs one statement either way, never a wrong answer.
"""

from __future__ import annotations

import threading
import weakref

from sqlalchemy import Engine

MAX_IDS = 65_536  # per store: an hour of calls at several per second


class SeenIds:
    """Call ids, the oldest forgotten first once there are ``max_ids``."""

    def __init__(self, max_ids: int = MAX_IDS) -> None:
        self._ids: dict[str, None] = {}
        self._max = max_ids
        self._lock = threading.Lock()

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._ids

    def add(self, call_id: str) -> None:
        with self._lock:
            if call_id in self._ids:
                return
            self._ids[call_id] = None
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
