"""PTZ use cases: aim a ticket's camera under a lock, judged by where it would look.

Moving a camera changes what every viewer of it sees, so one user controls it at a time: the
lock lasts ``lock_s`` and each aim renews it; a supervisor may take it over; a camera marked
"do not move" is never moved (:mod:`camroute.ptz.guard`). Every move and refusal is an audit
event. The camera is asked outside any database transaction (a move takes seconds), on one
ONVIF link: the head's position it reads first decides whether the move may sweep there.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from camroute.errors import CamrouteError
from camroute.live import store as tickets
from camroute.live.models import MIN_REASON_CHARS
from camroute.ptz import store
from camroute.ptz.aim import AimSolution, Target, residual_deg, share_in_picture, solve
from camroute.ptz.checks import MoveChecks
from camroute.ptz.context import Actor, PtzContext, Setup, audit_event, now_utc
from camroute.ptz.guard import Asking, goal_zones, refused
from camroute.ptz.models import AimResult, PtzAction
from camroute.ptz.onvif_ptz import Moved, move_and_settle
from camroute.store.txn import writing
from camroute.zones.rules import zone_details


def aim(
    ctx: PtzContext,
    setup: Setup,
    target: Target,
    *,
    actor: Actor,
    incident_id: str | None,
    ticket_id: str | None,
    take_over: bool = False,
    reason: str | None = None,
    follow: bool = False,
) -> AimResult:
    """Aim ``setup``'s camera at ``target`` under the lock; audited whatever happens.

    A move whose view would reach a protected zone its policy keeps ``actor`` out of is
    refused before the lock is taken: the goal's view at once, what the picture would sweep
    over once the head says where it points.
    """
    solution = solve(setup.calibration, setup.pose, target)
    asking = Asking(actor, reason, incident_id, ticket_id)
    at_goal = goal_zones(ctx, setup, solution.position, asking)
    checks = MoveChecks(ctx, setup, target, solution, asking, take_over, at_goal)

    try:
        moved = asyncio.run(
            move_and_settle(
                setup.account,
                goal=checks.goal,
                choose=checks.preset,
                timeout_s=ctx.timeout_s,
                known=ctx.known,
            )
        )
    except CamrouteError as exc:
        if checks.sending:  # the head may have turned: a ticket issued meanwhile sees its end
            checks.close_views()
        if exc not in checks.refusals:  # the camera's failure, not a rule's refusal
            refused(
                ctx,
                asking,
                setup.camera_id,
                why=exc.detail,
                code=exc.code,
                closed_views=checks.closed or None,  # closed before the move failed
            )
        raise
    if checks.until is None:  # cannot happen: the move starts only once the lock is taken
        raise RuntimeError(f"camera {setup.camera_id} moved without its lock")
    checks.close_views()  # any ticket issued while the head turned
    result = _result(setup, target, moved, solution, asking, checks.until, checks.closed)
    zones = zone_details(checks.zones)
    with writing(ctx.engine) as conn:
        store.moved(
            conn,
            setup.camera_id,
            result.read_back,
            now=now_utc(),
            result=result.model_dump(mode="json"),
        )
        audit_event(
            conn,
            actor,
            PtzAction.moved,
            setup.camera_id,
            incident_id,
            ticket_id=ticket_id,
            **{"from": result.before.model_dump(), "to": result.read_back.model_dump()},
            move=result.move,
            residual_deg=result.residual_deg,
            share_in_picture=result.share_in_picture,
            calibrated=result.calibrated,
            protected_zones=zones or None,
            reason=reason if zones else None,
            follow=follow or None,  # re-aimed at a location update (aim-follow)
            closed_views=checks.closed or None,
        )
        if zones and reason and ticket_id:  # renewals judge the ticket by what it now shows
            tickets.keep_reason(conn, ticket_id, reason, shorter_than=MIN_REASON_CHARS)
    return result


def _result(
    setup: Setup,
    target: Target,
    moved: Moved,
    solution: AimSolution,
    asking: Asking,
    until: datetime,
    closed: list[str],
) -> AimResult:
    cal, pose, got = setup.calibration, setup.pose, moved.after.position
    requested = solution.position
    pan_deg, tilt_deg = cal.direction(pan=got.pan, tilt=got.tilt)
    return AimResult(
        camera_id=setup.camera_id,
        incident_id=asking.incident_id,
        ticket_id=asking.ticket_id,
        move="preset" if moved.preset else "absolute",
        preset_name=moved.preset.name if moved.preset else None,
        requested=moved.preset.position if moved.preset and moved.preset.position else requested,
        before=moved.before.position,
        read_back=got,
        bearing_deg=round(solution.bearing_deg, 2),
        pan_deg=round(pan_deg, 2),
        tilt_deg=round(tilt_deg, 2),
        hfov_deg=round(cal.zoom_curve.hfov_deg(got.zoom), 2),
        residual_deg=round(residual_deg(cal, pose, target, got), 2),
        share_in_picture=share_in_picture(cal, pose, target, got),
        calibrated=cal.calibrated,
        expected_error_deg=round(cal.expected_error_deg, 2),
        limited=solution.limited,
        settle_s=round(moved.took_s, 2),
        controller=asking.actor.name,
        lock_expires_at=until,
        closed_views=closed,
    )
