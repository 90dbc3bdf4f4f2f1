"""PTZ use cases: aim a ticket's camera under a lock, judged by where it would look.

Moving a camera changes what every viewer of it sees, so one user controls it at a time: the
lock lasts ``lock_s`` and each aim renews it; a supervisor may take it over; a camera marked
"do not move" is never moved (:mod:`camroute.ptz.guard`). Every move and refusal is an audit
event. The camera is asked outside any database transaction (a move takes seconds), on one
ONVIF link: the head's position it reads first decides whether the move may sweep there.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from camroute.errors import CamrouteError
from camroute.ptz import store
from camroute.ptz.aim import (
    AimSolution,
    Preset,
    PtzPosition,
    Target,
    good_presets,
    residual_deg,
    share_in_picture,
    solve,
)
from camroute.ptz.context import Actor, PtzContext, Setup, audit_event, now_utc
from camroute.ptz.guard import (
    Asking,
    goal_zones,
    refused,
    swept_zones,
    take_control,
    zones_at,
    zones_on_the_way,
)
from camroute.ptz.models import AimResult, PtzAction, PtzStatus
from camroute.ptz.onvif_ptz import Moved, move_and_settle
from camroute.ptz.viewers import close_other_views
from camroute.routing.models import ProtectedHit
from camroute.store.txn import writing
from camroute.zones.rules import zone_details


@dataclass
class _Checks:
    """One aim's checks that need the camera's answers, run on the move's own link.

    The head may go to a stored preset instead of the computed position (it lands exactly).
    A preset may show more than the computed move (zoomed out, a little off), so it is judged
    by its own picture and its own sweep, once the computed move's are judged and the lock
    taken: one reaching a protected zone the computed move does not is passed over (the
    narrower view is the one to take), whoever asks and why.
    """

    ctx: PtzContext
    setup: Setup
    target: Target
    solution: AimSolution
    asking: Asking
    take_over: bool
    zones: list[ProtectedHit]  # those at the goal, then those swept over too
    until: datetime | None = None
    refusals: list[CamrouteError] = field(default_factory=list)  # audited where raised
    start: PtzPosition | None = None  # where the head pointed before the move
    closed: list[str] = field(default_factory=list)  # whose views the move's zones closed

    def goal(self, before: PtzStatus) -> PtzPosition:
        """Judge the sweep from ``before``, then take the lock: the move may then start."""
        self.start = before.position
        try:
            self.zones = swept_zones(
                self.ctx,
                self.setup,
                self.solution.position,
                self.asking,
                start=before.position,
                at_goal=self.zones,
            )
            self.until = take_control(
                self.ctx,
                self.setup.camera_id,
                actor=self.asking.actor,
                incident_id=self.asking.incident_id,
                ticket_id=self.asking.ticket_id,
                take_over=self.take_over,
            )
        except CamrouteError as exc:
            self.refusals.append(exc)
            raise
        actor = self.asking.actor
        self.closed = close_other_views(
            self.ctx, self.setup.camera_id, actor=actor, zones=self.zones
        )
        return self.solution.position

    def preset(self, presets: list[Preset]) -> Preset | None:
        """The best preset as good as the computed move that shows no other protected zone."""
        if self.start is None:  # cannot happen: the goal is judged first
            return None
        cal, pose = self.setup.calibration, self.setup.pose
        allowed = {h.zone_id for h in self.zones}
        for preset in good_presets(presets, cal, pose, self.target, self.solution):
            assert preset.position is not None  # good presets say where they point
            at_end = zones_at(self.ctx, self.setup, preset.position)
            seen = {h.zone_id for h in at_end}
            passed = zones_on_the_way(self.ctx, self.setup, self.start, preset.position)
            if seen | {h.zone_id for h in passed} <= allowed:
                self.zones = [*at_end, *(h for h in passed if h.zone_id not in seen)]
                return preset
        return None


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
    checks = _Checks(ctx, setup, target, solution, asking, take_over, at_goal)

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
        if exc not in checks.refusals:  # the camera's failure, not a rule's refusal
            refused(ctx, asking, setup.camera_id, why=exc.detail, code=exc.code)
        raise
    if checks.until is None:  # cannot happen: the move starts only once the lock is taken
        raise RuntimeError(f"camera {setup.camera_id} moved without its lock")
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
