"""The composition root's hooks: what ``live`` does when an incident closes or a user leaves.

``incidents`` and ``auth`` only know they have hooks; ``live`` depends on both, so the wiring
lives here, above all three, and ``create_app`` and the CLI call :func:`wire` before any
request or command. Idempotent: every app and every command may call it.
"""

from __future__ import annotations

from sqlalchemy import Engine

from camroute.auth.service import on_user_ended
from camroute.events.bus import EventBus
from camroute.incidents.retention import on_retention
from camroute.incidents.service import on_incident_closed
from camroute.live import store as tickets
from camroute.live.mine import end_user_views


def _end_views(engine: Engine, user_name: str, *, because: str, bus: object | None) -> list[str]:
    """A user who leaves loses their live views (a new login starts with every slot free)."""
    events = bus if isinstance(bus, EventBus) else None
    return end_user_views(engine, user_name, because=because, bus=events)


def wire() -> None:
    """Register ``live``'s hooks with ``incidents`` and ``auth``."""
    # Same transaction as the close: no ticket of a closed incident outlives the commit.
    on_incident_closed(tickets.revoke_on_close)
    on_retention(tickets.delete_expired)
    on_user_ended(_end_views)
