"""The incidents some ticket follows, kept per process and read again only after a change.

Every replica hears every location update. Asking the store which tickets follow the incident
cost a statement per update per replica (11.5 % of a worker's GIL time under updates), though few
incidents are followed. The trigger of ``ptz_0003`` announces every follow turned on or off
(:class:`~camroute.store.watch.TableWatch`), and the set is read again only then.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from camroute.ptz import store
from camroute.store.txn import reading
from camroute.store.watch import TableWatch

CHANNEL = "camroute_follow"


class FollowedIncidents:
    """Which incidents have a following ticket, as of the last committed change."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.watch = TableWatch(engine, channel=CHANNEL, count_table="follow_generation")
        self._seen: int | None = None
        self._ids: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start watching ``ptz_follow`` (on PostgreSQL, once ``LISTEN`` is in place)."""
        self.watch.start()

    def stop(self) -> None:
        """Stop watching: every incident may be followed again."""
        self.watch.stop()

    def surely_unfollowed(self, incident_id: str) -> bool:
        """True when no ticket follows the incident and nothing changed since: no statement."""
        version = self.watch.version()
        return version is not None and version == self._seen and incident_id not in self._ids

    def may_follow(self, incident_id: str) -> bool:
        """False only when no ticket follows the incident; reads the set again after a change."""
        version = self.watch.version()  # before the read: a change during it moves it again
        if version is None:
            return True  # cannot tell: the caller asks the store
        with self._lock:
            if version != self._seen:
                with reading(self.engine) as conn:
                    self._ids = frozenset(store.followed_incidents(conn))
                self._seen = version
            return incident_id in self._ids
