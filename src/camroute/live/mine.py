"""A holder's own live views: list them, end one, end them all, and end the orphaned ones.

A view whose page went away (closed, reloaded, crashed) would otherwise hold one of the
user's ``live_max_views_per_user`` slots until it expires. So the page lists its user's views
(``GET /api/live/mine``) to re-open or end them; logging out (or being disabled) ends them;
and a ticket no stream client has used for ``live_orphan_grace_s`` (no MJPEG stream open, no
snapshot polled) is ended as ``client_gone`` by :func:`end_orphans`, which the app runs in
the background. A reload re-attaches within the grace.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, RowMapping

from camroute.auth.models import Principal
from camroute.errors import NotFoundError
from camroute.events.bus import EventBus
from camroute.incidents.events import ViewChanged
from camroute.live import store
from camroute.live.models import ViewRead
from camroute.live.service import LiveContext, revoke_ticket, view_read
from camroute.store.txn import writing

log = logging.getLogger(__name__)
CLIENT_GONE = "client_gone"


def list_mine(ctx: LiveContext, *, actor: Principal) -> list[ViewRead]:
    """The live (unexpired, unrevoked) views ``actor`` holds, oldest first, with their tickets.

    Only the actor's own: the ticket is the holder's credential, never shown to another user.
    """
    with ctx.engine.connect() as conn:
        rows = store.live_of_user(conn, user_name=actor.name, now=datetime.now(UTC))
    return [view_read(row, ctx.key) for row in rows]


def end_mine(ctx: LiveContext, ticket_id: str, *, actor: Principal) -> None:
    """End one of ``actor``'s own live views (404 for anyone else's, or an unknown one)."""
    now = datetime.now(UTC)
    with writing(ctx.engine) as conn:
        row = store.get_ticket(conn, ticket_id)
        if row is None or row["user_name"] != actor.name:
            raise NotFoundError(f"you hold no live view {ticket_id!r}", field="ticket_id")
        ended = revoke_ticket(conn, row, because="ended", now=now)
    if ended:
        _publish(ctx.bus, row)


def end_user_views(
    engine: Engine, user_name: str, *, because: str, bus: EventBus | None = None
) -> list[str]:
    """End every live view of ``user_name`` (logout, user disabled); return the ticket ids."""
    now = datetime.now(UTC)
    with writing(engine) as conn:
        rows = store.live_of_user(conn, user_name=user_name, now=now)
        ended = [row for row in rows if revoke_ticket(conn, row, because=because, now=now)]
    for row in ended:
        _publish(bus, row)
    return [row["id"] for row in ended]


def end_orphans(
    engine: Engine, *, grace_s: float, bus: EventBus | None = None, now: datetime | None = None
) -> list[str]:
    """End the live tickets no stream client has used for ``grace_s``; return their ids."""
    now = now or datetime.now(UTC)
    seen_before = now - timedelta(seconds=grace_s)
    with engine.connect() as conn:  # read first: on SQLite a write would take the file lock
        if not store.unseen_since(conn, seen_before=seen_before, now=now):
            return []
    with writing(engine) as conn:
        rows = store.unseen_since(conn, seen_before=seen_before, now=now)
        ended = [row for row in rows if revoke_ticket(conn, row, because=CLIENT_GONE, now=now)]
    for row in ended:
        _publish(bus, row)
    return [row["id"] for row in ended]


def _publish(bus: EventBus | None, row: RowMapping) -> None:
    if bus is not None:
        bus.publish(
            ViewChanged(
                kind="view.ended",
                incident_id=row["incident_id"],
                ticket_id=row["id"],
                camera_id=row["camera_id"],
                user=row["user_name"],
            )
        )


class OrphanSweeper:
    """Runs :func:`end_orphans` every quarter of the grace in a background thread (the app)."""

    def __init__(self, engine: Engine, *, grace_s: float, bus: EventBus | None = None) -> None:
        self._engine, self._grace_s, self._bus = engine, grace_s, bus
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start sweeping."""
        self._thread = threading.Thread(target=self._run, name="live-orphan-sweep", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop and wait for the thread (before the engine is disposed)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _run(self) -> None:
        while not self._stop.wait(self._grace_s / 4):
            try:
                end_orphans(self._engine, grace_s=self._grace_s, bus=self._bus)
            except Exception:  # a store hiccup must not end the sweeping for good
                log.exception("ending orphaned live views failed; trying again")
