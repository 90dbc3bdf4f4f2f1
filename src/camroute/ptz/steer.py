"""GIS staff steering a PTZ camera by hand to calibrate it: read its position, nudge it.

Calibration needs the device's pan/tilt while it looks at known places; the page's step turns
the head in small steps (or the installer's own tool does) and reads ``GetStatus``. A nudge
is a move like any other: it takes the camera's lock (no moving a camera a dispatcher is
using), never moves a do-not-move camera, and is audited (``ptz_moved`` with
``calibration``). Nobody watches the picture through camroute while calibrating (the
calibration snapshot is refused for a camera near any protected zone, and a camera with a
live ticket on it is not nudged: :mod:`camroute.ptz.viewers`), so the protected-zone rule of
dispatcher aiming does not apply to it.
"""

from __future__ import annotations

import asyncio

from camroute.auth.models import Principal
from camroute.ptz.aim import PtzPosition
from camroute.ptz.context import Actor, PtzContext, audit_event, camera_setup
from camroute.ptz.guard import Asking, refused, take_control, zones_at
from camroute.ptz.models import NudgeRequest, PtzAction, PtzStatus
from camroute.ptz.onvif_ptz import move_and_settle, read_status
from camroute.ptz.viewers import PtzWatchedError, close_other_views, refuse_if_watched
from camroute.store.txn import writing


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def position(ctx: PtzContext, camera_id: str) -> PtzStatus:
    """Where the camera points now, in its own units (``GetStatus``)."""
    with ctx.engine.connect() as conn:
        setup = camera_setup(conn, camera_id, cipher=ctx.cipher)
    return asyncio.run(read_status(setup.account, timeout_s=ctx.timeout_s, known=ctx.known))


def nudge(ctx: PtzContext, camera_id: str, body: NudgeRequest, *, actor: Principal) -> PtzStatus:
    """Turn the camera by ``body``'s steps (device units, within its ranges) under the lock."""
    who = Actor.of(actor)
    with ctx.engine.connect() as conn:
        setup = camera_setup(conn, camera_id, cipher=ctx.cipher)
    try:
        refuse_if_watched(ctx, camera_id)
    except PtzWatchedError as exc:
        refused(ctx, Asking(who, None, None, None), camera_id, why=exc.detail, code=exc.code)
        raise
    take_control(ctx, camera_id, actor=who, incident_id=None, ticket_id=None)
    ranges = setup.calibration.ranges

    def goal(now: PtzStatus) -> PtzPosition:  # the step from where the head is, on one link
        at = now.position
        return PtzPosition(
            pan=_clamp(at.pan + body.pan, ranges.pan.min, ranges.pan.max),
            tilt=_clamp(at.tilt + body.tilt, ranges.tilt.min, ranges.tilt.max),
            zoom=_clamp(at.zoom + body.zoom, ranges.zoom.min, ranges.zoom.max),
        )

    moved = asyncio.run(
        move_and_settle(setup.account, goal=goal, timeout_s=ctx.timeout_s, known=ctx.known)
    )
    # Nobody watched when it turned; a ticket issued meanwhile must not see a zone now.
    zones = zones_at(ctx, setup, moved.after.position)
    closed = close_other_views(ctx, camera_id, actor=who, incident_id=None, zones=zones)
    with writing(ctx.engine) as conn:
        audit_event(
            conn,
            who,
            PtzAction.moved,
            camera_id,
            None,
            **{"from": moved.before.position.model_dump(), "to": moved.after.position.model_dump()},
            move="absolute",
            calibration=True,
            closed_views=closed or None,
        )
    return moved.after
