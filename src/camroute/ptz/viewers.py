"""Other users' live views of a camera a move turns towards a protected zone, and calibration.

A PTZ camera's picture is shared: every live ticket on it shows where the head points. A
ticket is judged by the view when it is issued, so a move that brings a protected zone into
the picture (a supervisor's, with a written reason) would show that zone to whoever else
watches, under a judgement made for another view. Those other users' tickets are revoked
before the head moves (their streams end at the next recheck, within a second); the mover's
own stay. A nudge while calibrating judges no zone at all, so it waits until nobody watches.
"""

from __future__ import annotations

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
    ctx: PtzContext, camera_id: str, *, actor: Actor, zones: list[ProtectedHit]
) -> list[str]:
    """Revoke other users' live tickets on ``camera_id`` if the move shows ``zones``.

    Returns the holders whose views were closed (each revocation audited as theirs).
    """
    if not zones:
        return []
    now = now_utc()
    with writing(ctx.engine) as conn:
        rows = tickets.live_on_camera(conn, camera_id, now=now)
        others = [r for r in rows if r["user_name"] != actor.name]
        closed = [r for r in others if revoke_ticket(conn, r, because=TURNED_TO_ZONE, now=now)]
    for row in closed:  # their pages close the tiles now, the streams at their next recheck
        if ctx.bus is not None:
            ctx.bus.publish(
                ViewChanged(
                    kind="view.revoked",
                    incident_id=row["incident_id"],
                    ticket_id=row["id"],
                    because=TURNED_TO_ZONE,
                )
            )
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
