"""PTZ use cases: aim a ticket's camera under a lock, release it, send idle cameras home.

Moving a camera changes what every viewer of it sees, so one user controls it at a time: the
lock lasts ``lock_s`` and each aim renews it; a supervisor may take it over; a camera marked
"do not move" is never moved. Every move, refusal, take-over, release and return home is an
audit event. The camera is asked outside any database transaction (a move takes seconds).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine

from camroute.audit.service import record
from camroute.auth.models import Principal, Role
from camroute.cameras import onvif_store
from camroute.cameras.secrets import CredentialCipher
from camroute.cameras.store import require_camera
from camroute.errors import CamrouteError
from camroute.events.bus import EventBus
from camroute.ptz import store
from camroute.ptz.aim import (
    AimSolution,
    PtzPosition,
    Target,
    better_preset,
    residual_deg,
    share_in_picture,
    solve,
)
from camroute.ptz.calibration import Calibration, DeviceRanges, Range, uncalibrated
from camroute.ptz.errors import DoNotMoveError, NoPtzError, PtzLockedError
from camroute.ptz.followed import FollowedIncidents
from camroute.ptz.geometry import CameraPose
from camroute.ptz.models import AimResult, PtzAction
from camroute.ptz.onvif_ptz import Moved, PtzAccount, move_and_settle, read_status
from camroute.ptz.protected import (
    IndexFn,
    PtzProtectedZoneError,
    aimed_at,
    move_refusal,
    swept,
    zone_details,
    zones_in_view,
)
from camroute.store.txn import writing

DEFAULT_MOUNT_HEIGHT_M = 6.0


@dataclass(frozen=True)
class PtzContext:
    """What the PTZ rules need from the running app."""

    engine: Engine
    cipher: CredentialCipher | None = None
    lock_s: float = 30.0
    timeout_s: float = 8.0
    max_override_m: float = 150.0  # how far from the caller a dispatcher may aim
    index: IndexFn | None = None  # the routing snapshot (buildings for the aimed view)
    bus: EventBus | None = None  # tells the pages of a move, a take-over, a follow
    followed: FollowedIncidents | None = None  # None: every update asks the store


@dataclass(frozen=True)
class Setup:
    """One camera, ready to aim: its pose, calibration and ONVIF account."""

    camera_id: str
    pose: CameraPose
    calibration: Calibration
    account: PtzAccount
    camera: dict[str, Any]  # its registry row (range, kind, place)


@dataclass(frozen=True)
class Actor:
    """Who acts, for the lock and the audit log (a user, or ``cli:<name>``)."""

    name: str
    role: str
    supervisor: bool = False

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        """The actor for a logged-in user."""
        return cls(principal.name, principal.role.value, principal.role == Role.supervisor)


def now_utc() -> datetime:
    return datetime.now(UTC)


def device_ranges(conn: Connection, camera_id: str) -> DeviceRanges:
    device = onvif_store.get_device(conn, camera_id)
    ptz = device.ptz if device else None
    if ptz is None:
        return DeviceRanges()
    default = DeviceRanges()
    return DeviceRanges(
        pan=Range(min=ptz.pan.min, max=ptz.pan.max) if ptz.pan else default.pan,
        tilt=Range(min=ptz.tilt.min, max=ptz.tilt.max) if ptz.tilt else default.tilt,
        zoom=Range(min=ptz.zoom.min, max=ptz.zoom.max) if ptz.zoom else default.zoom,
    )


def calibration_for(conn: Connection, camera: dict[str, Any]) -> Calibration:
    """The stored calibration, else the uncalibrated assumption from the registry."""
    stored = store.get_calibration(conn, camera["id"])
    if stored is not None:
        return stored[0]
    return uncalibrated(
        heading_deg=camera["heading_deg"],
        hfov_wide_deg=camera["zoom_hfov_max_deg"],
        hfov_tele_deg=camera["zoom_hfov_min_deg"],
        ranges=device_ranges(conn, camera["id"]),
    )


def camera_setup(conn: Connection, camera_id: str, *, cipher: CredentialCipher | None) -> Setup:
    """Everything needed to aim ``camera_id``; :class:`NoPtzError` if it cannot move."""
    camera = require_camera(conn, camera_id)
    if camera["kind"] != "ptz":
        raise NoPtzError(f"camera {camera_id} is a {camera['kind']} camera, not PTZ")
    found = onvif_store.targets(conn, [camera_id], cipher=cipher)
    if not found or found[0].onvif_url is None:
        raise NoPtzError(f"camera {camera_id} has no ONVIF address (onvif_url)")
    height = camera["mount_height_m"]
    pose = CameraPose(
        lon=camera["lon"],
        lat=camera["lat"],
        mount_height_m=height if height and height > 0 else DEFAULT_MOUNT_HEIGHT_M,
    )
    account = PtzAccount(found[0].onvif_url, found[0].username, found[0].password)
    return Setup(camera_id, pose, calibration_for(conn, camera), account, dict(camera))


def audit_event(
    conn: Connection,
    actor: Actor,
    action: PtzAction,
    camera_id: str,
    incident_id: str | None,
    **details: Any,
) -> None:
    """Record one PTZ event as ``actor``'s (details without None values)."""
    record(
        conn,
        actor=actor.name,
        role=actor.role,
        action=action,
        subject=camera_id,
        incident_id=incident_id,
        details={k: v for k, v in details.items() if v is not None},
    )


def _refused(
    ctx: PtzContext, actor: Actor, camera_id: str, incident_id: str | None, **details: Any
) -> None:
    """Record a refused move in its own transaction (the caller raises the error after)."""
    with writing(ctx.engine) as conn:
        audit_event(conn, actor, PtzAction.refused, camera_id, incident_id, **details)


def _locked(control: store.Control, camera_id: str) -> PtzLockedError:
    until = control.lock_until.strftime("%H:%M:%S UTC") if control.lock_until else "?"
    detail = (
        f"camera {camera_id} is controlled by {control.holder} ({control.holder_role}) until "
        f"{until}; ask them, or a supervisor to take over"
    )
    return PtzLockedError(
        detail,
        holder=control.holder,
        holder_role=control.holder_role,
        lock_until=control.lock_until,
    )


def take_control(
    ctx: PtzContext,
    camera_id: str,
    *,
    actor: Actor,
    incident_id: str | None,
    ticket_id: str | None,
    take_over: bool = False,
) -> datetime:
    """Take or renew the camera's lock for ``actor``; refusals are audited, then raised."""
    now = now_utc()
    until = now + timedelta(seconds=ctx.lock_s)
    refusal: CamrouteError | None = None
    with writing(ctx.engine) as conn:
        control = store.ensure_control(conn, camera_id, now=now)
        ids = {"ticket_id": ticket_id}
        if control.do_not_move:
            refusal = DoNotMoveError(f"camera {camera_id} is marked do-not-move", field="camera_id")
        elif control.held_by_other(actor.name, now=now) and not (take_over and actor.supervisor):
            refusal = _locked(control, camera_id)
        if refusal is None and not store.claim(
            conn,
            camera_id,
            user=actor.name,
            role=actor.role,
            incident_id=incident_id,
            ticket_id=ticket_id,
            until=until,
            now=now,
            force=take_over,
        ):
            control = store.ensure_control(conn, camera_id, now=now)  # lost a race: who won
            refusal = _locked(control, camera_id)
        if refusal is not None:
            audit_event(
                conn, actor, PtzAction.refused, camera_id, incident_id, why=refusal.detail, **ids
            )
        elif take_over and control.held_by_other(actor.name, now=now):
            audit_event(
                conn,
                actor,
                PtzAction.taken_over,
                camera_id,
                incident_id,
                taken_from=control.holder,
                **ids,
            )
    if refusal is not None:
        raise refusal
    return until


def _drive(
    ctx: PtzContext, setup: Setup, target: Target, solution: AimSolution
) -> tuple[Moved, PtzPosition]:
    def choose(presets: list[Any]) -> Any:
        return better_preset(presets, setup.calibration, setup.pose, target, solution)

    moved = asyncio.run(
        move_and_settle(
            setup.account, goal=solution.position, choose=choose, timeout_s=ctx.timeout_s
        )
    )
    return moved, solution.position


def check_zones(
    ctx: PtzContext,
    setup: Setup,
    solution: AimSolution,
    *,
    actor: Actor,
    reason: str | None,
    incident_id: str | None,
    ticket_id: str | None,
) -> list[dict[str, str]]:
    """The protected zones the move's view would reach, if its policies allow ``actor``.

    Judged twice: the view at the goal, then what the picture passes over while the head turns
    there from where it points now (read from the camera). Refusals are audited, then raised
    (403 naming the zone); nothing is moved or locked.
    """
    index = ctx.index() if ctx.index is not None else None
    bearing, hfov = aimed_at(setup.calibration, solution.position)
    hits = zones_in_view(ctx.engine, setup.camera, bearing_deg=bearing, hfov_deg=hfov, index=index)
    why = move_refusal(hits, supervisor=actor.supervisor, reason=reason)
    if why is None:
        start = _where_now(ctx, setup, actor, incident_id, ticket_id)
        middle, opening = swept(setup.calibration, start, solution.position)
        at_goal = {h.zone_id for h in hits}
        passed = [
            h
            for h in zones_in_view(
                ctx.engine, setup.camera, bearing_deg=middle, hfov_deg=opening, index=index
            )
            if h.zone_id not in at_goal
        ]
        why = move_refusal(passed, supervisor=actor.supervisor, reason=reason, on_the_way=True)
        hits = [*hits, *passed]
    if why is not None:
        _refused(
            ctx,
            actor,
            setup.camera_id,
            incident_id,
            ticket_id=ticket_id,
            why=why,
            code=PtzProtectedZoneError.code,
            protected_zones=zone_details(hits),
        )
        raise PtzProtectedZoneError(why, zones=hits)
    return zone_details(hits)


def _where_now(
    ctx: PtzContext,
    setup: Setup,
    actor: Actor,
    incident_id: str | None,
    ticket_id: str | None,
) -> PtzPosition:
    """Where the head points before the move (a camera that cannot say is refused, audited)."""
    try:
        return asyncio.run(read_status(setup.account, timeout_s=ctx.timeout_s)).position
    except CamrouteError as exc:
        _refused(
            ctx, actor, setup.camera_id, incident_id, ticket_id=ticket_id, why=exc.detail,
            code=exc.code,
        )  # fmt: skip
        raise


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
    refused before the lock is taken.
    """
    solution = solve(setup.calibration, setup.pose, target)
    zones = check_zones(
        ctx,
        setup,
        solution,
        actor=actor,
        reason=reason,
        incident_id=incident_id,
        ticket_id=ticket_id,
    )
    until = take_control(
        ctx,
        setup.camera_id,
        actor=actor,
        incident_id=incident_id,
        ticket_id=ticket_id,
        take_over=take_over,
    )
    try:
        moved, requested = _drive(ctx, setup, target, solution)
    except CamrouteError as exc:
        _refused(
            ctx,
            actor,
            setup.camera_id,
            incident_id,
            ticket_id=ticket_id,
            why=exc.detail,
            code=exc.code,
        )
        raise
    result = _result(setup, target, moved, requested, actor, incident_id, ticket_id, until)
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
        )
    return result


def _result(
    setup: Setup,
    target: Target,
    moved: Moved,
    requested: PtzPosition,
    actor: Actor,
    incident_id: str | None,
    ticket_id: str | None,
    until: datetime,
) -> AimResult:
    cal, pose, got = setup.calibration, setup.pose, moved.after.position
    solution = solve(cal, pose, target)
    pan_deg, tilt_deg = cal.direction(pan=got.pan, tilt=got.tilt)
    return AimResult(
        camera_id=setup.camera_id,
        incident_id=incident_id,
        ticket_id=ticket_id,
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
        controller=actor.name,
        lock_expires_at=until,
    )
