"""Other live views of a camera a move turns towards a protected zone, and calibration.

A PTZ camera's picture is shared: every live ticket on it shows where the head points. A
ticket is judged by the view when it is issued, so a move that brings a protected zone into
the picture (a supervisor's, with a written reason) would show that zone under a judgement
made for another view: to other users, and to the mover's own tickets for other incidents.
Those tickets are revoked before the head turns, and the move waits until their streams
have noticed (each rechecks its ticket every ``views_recheck_s``); tickets issued while the
head turned (a race the moving head's status mostly closes) are revoked once it stops. A
nudge while calibrating judges no zone, so it waits until nobody watches.
"""

from __future__ import annotations

import time
from typing import ClassVar

from camroute.errors import ConflictError
from camroute.incidents.events import ViewChanged
from camroute.live import store as tickets
from camroute.live.service import revoke_ticket
from camroute.ptz.context import Actor, PtzContext, now_utc
from camroute.routing.models import ProtectedHit
from camroute.store.txn import writing

TURNED_TO_ZONE = "camera_turned_to_protected_zone"  # the tickets' ``revoked_because``


class PtzWatchedError(ConflictError):
    """The camera is being watched for an incident: calibration must not turn it now."""

    code: ClassVar[str] = "ptz_watched"
    title: ClassVar[str] = "The camera is being watched for an incident"


def close_other_views(
    ctx: PtzContext,
    camera_id: str,
    *,
    actor: Actor,
    incident_id: str | None,
    zones: list[ProtectedHit],
    wait: bool = False,
) -> list[str]:
    """Revoke the live tickets on ``camera_id`` but ``actor``'s for ``incident_id``, if ``zones``.

    Returns the holders whose views were closed (each revocation audited as theirs, and
    announced so their tiles close). ``wait``: return only once their streams have noticed.
    """
    if not zones:
        return []
    now = now_utc()
    with writing(ctx.engine) as conn:
        rows = tickets.live_on_camera(conn, camera_id, now=now)
        others = [
            r for r in rows if (r["user_name"], r["incident_id"]) != (actor.name, incident_id)
        ]
        closed = [r for r in others if revoke_ticket(conn, r, because=TURNED_TO_ZONE, now=now)]
    if ctx.bus is not None:
        for row in closed:
            ctx.bus.publish(
                ViewChanged(
                    kind="view.revoked",
                    incident_id=row["incident_id"],
                    ticket_id=row["id"],
                    because=TURNED_TO_ZONE,
                )
            )
    if closed and wait:
        time.sleep(ctx.views_recheck_s)
    return sorted({str(r["user_name"]) for r in closed})


def refuse_if_watched(ctx: PtzContext, camera_id: str) -> None:
    """Raise :class:`PtzWatchedError` naming who watches ``camera_id`` for which incident."""
    with ctx.engine.connect() as conn:
        rows = tickets.live_on_camera(conn, camera_id, now=now_utc())
    if rows:
        who = ", ".join(sorted({f"{r['user_name']} (incident {r['incident_id']})" for r in rows}))
        raise PtzWatchedError(
            f"camera {camera_id} is being watched by {who}: calibrate it once the view ends",
            field="camera_id",
        )
