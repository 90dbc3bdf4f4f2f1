"""HTTP edge of PTZ control: aim a live ticket's camera, release it; calibration for GIS staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request

from camroute.auth.deps import PrincipalDep, Role, require_roles
from camroute.cameras.secrets import cipher_for
from camroute.live.session import recheck_s
from camroute.ptz import admin, context, follow, homing, steer, views
from camroute.ptz.models import (
    AimRequest,
    AimResult,
    CalibrationFit,
    CalibrationInput,
    CalibrationRead,
    ControlRead,
    DoNotMoveRequest,
    FollowRequest,
    NudgeRequest,
    PtzStatus,
    PtzTileRead,
    ReleaseResult,
)

router = APIRouter(tags=["ptz"])
CONTROLLERS = (Role.dispatcher, Role.supervisor)
PROBLEMS: dict[int | str, dict[str, str]] = {
    403: {"description": "the camera is marked do-not-move, or the ticket is not yours"},
    409: {
        "description": "another dispatcher controls the camera (the detail names who); for a "
        "calibration nudge, somebody watches it for an incident (ptz_watched)"
    },
    422: {"description": "the camera cannot be moved, or refused the move (outside its limits)"},
    502: {"description": "the camera failed (unreachable, refused the account)"},
    504: {"description": "the camera did not answer or settle in time"},
}


def ptz_context(request: Request) -> context.PtzContext:
    """The PTZ rules' view of the app (engine, the credentials cipher, lock and timeouts)."""
    state = request.app.state
    settings = state.settings
    holder = state.camera_index
    return context.PtzContext(
        state.engine,
        cipher_for(settings.credentials_key),
        # The settings, unless a test turned them down on the running app.
        lock_s=getattr(state, "ptz_lock_s", settings.ptz_lock_s),
        timeout_s=getattr(state, "ptz_timeout_s", settings.ptz_settle_timeout_s),
        max_override_m=settings.live_max_distance_m,
        index=lambda: holder.current,
        bus=state.events,
        known=state.ptz_known,
        views_recheck_s=recheck_s(settings),
    )


PtzDep = Annotated[context.PtzContext, Depends(ptz_context)]


@router.post(
    "/api/incidents/{incident_id}/views/{ticket_id}/aim",
    response_model=AimResult,
    responses=PROBLEMS,
    dependencies=[Depends(require_roles(*CONTROLLERS))],
)
def aim_view(
    incident_id: str,
    ticket_id: str,
    ctx: PtzDep,
    principal: PrincipalDep,
    body: Annotated[AimRequest | None, Body()] = None,
) -> AimResult:
    """Point the ticket's PTZ camera at the caller; the answer says where it stopped and how well.

    Takes (or renews) the camera's control lock; a supervisor may ``take_over``.
    """
    return views.aim_view(ctx, incident_id, ticket_id, body or AimRequest(), actor=principal)


@router.post(
    "/api/incidents/{incident_id}/views/{ticket_id}/aim/release",
    response_model=ReleaseResult,
    dependencies=[Depends(require_roles(*CONTROLLERS))],
)
def release_view(
    incident_id: str, ticket_id: str, ctx: PtzDep, principal: PrincipalDep
) -> ReleaseResult:
    """Give up control of the camera; it returns home when nobody watches it any more."""
    return homing.release_view(ctx, incident_id, ticket_id, actor=principal)


@router.get(
    "/api/cameras/{camera_id}/ptz/calibration",
    response_model=CalibrationRead,
    dependencies=[Depends(require_roles(Role.gis_admin, *CONTROLLERS))],
)
def get_calibration(camera_id: str, ctx: PtzDep) -> CalibrationRead:
    """The camera's calibration (``assumed`` when nobody calibrated it)."""
    return admin.read_calibration(ctx.engine, camera_id)


@router.put(
    "/api/cameras/{camera_id}/ptz/calibration",
    response_model=CalibrationRead,
    dependencies=[Depends(require_roles(Role.gis_admin))],
)
def put_calibration(
    camera_id: str, body: CalibrationInput, ctx: PtzDep, principal: PrincipalDep
) -> CalibrationRead:
    """Fit and store the camera's calibration from landmarks; the fit error is reported."""
    return admin.calibrate_camera(
        ctx.engine, camera_id, body, actor=principal.name, role=principal.role.value
    )


@router.get(
    "/api/incidents/{incident_id}/views/{ticket_id}/ptz",
    response_model=PtzTileRead,
    dependencies=[Depends(require_roles(*CONTROLLERS))],
)
def tile_state(
    incident_id: str, ticket_id: str, ctx: PtzDep, principal: PrincipalDep
) -> PtzTileRead:
    """The tile's PTZ state: who controls the camera until when, aim-follow, the last aim."""
    return follow.tile_state(ctx, incident_id, ticket_id, actor=principal)


@router.put(
    "/api/incidents/{incident_id}/views/{ticket_id}/aim/follow",
    response_model=PtzTileRead,
    responses=PROBLEMS,
    dependencies=[Depends(require_roles(*CONTROLLERS))],
)
def put_follow(
    incident_id: str, ticket_id: str, body: FollowRequest, ctx: PtzDep, principal: PrincipalDep
) -> PtzTileRead:
    """Aim-follow on or off: a location update of the incident re-aims the camera (audited)."""
    return follow.set_follow(
        ctx, incident_id, ticket_id, body.follow, actor=principal, reason=body.reason
    )


@router.put(
    "/api/cameras/{camera_id}/ptz/do-not-move",
    response_model=ControlRead,
    dependencies=[Depends(require_roles(Role.gis_admin, Role.supervisor))],
)
def put_do_not_move(
    camera_id: str, body: DoNotMoveRequest, ctx: PtzDep, principal: PrincipalDep
) -> ControlRead:
    """Mark (or clear) a camera camroute must never move, e.g. on a traffic patrol (audited)."""
    return admin.set_do_not_move(ctx.engine, camera_id, body.do_not_move, actor=principal)


@router.get(
    "/api/cameras/{camera_id}/ptz/status",
    response_model=PtzStatus,
    responses=PROBLEMS,
    dependencies=[Depends(require_roles(Role.gis_admin))],
)
def get_status(camera_id: str, ctx: PtzDep) -> PtzStatus:
    """Where the camera points now, in its own units (to record a calibration landmark)."""
    return steer.position(ctx, camera_id)


@router.post(
    "/api/cameras/{camera_id}/ptz/nudge",
    response_model=PtzStatus,
    responses=PROBLEMS,
    dependencies=[Depends(require_roles(Role.gis_admin))],
)
def post_nudge(
    camera_id: str, body: NudgeRequest, ctx: PtzDep, principal: PrincipalDep
) -> PtzStatus:
    """Turn the camera a small step while calibrating (under the lock; audited)."""
    return steer.nudge(ctx, camera_id, body, actor=principal)


@router.post(
    "/api/cameras/{camera_id}/ptz/calibration/fit",
    response_model=CalibrationFit,
    dependencies=[Depends(require_roles(Role.gis_admin))],
)
def post_fit(camera_id: str, body: CalibrationInput, ctx: PtzDep) -> CalibrationFit:
    """Fit the landmarks and report the fit error, storing nothing (PUT stores it)."""
    cal = admin.preview_calibration(ctx.engine, camera_id, body)
    return CalibrationFit(
        camera_id=camera_id, calibration=cal, fit_error_deg=cal.fit_error_deg or 0.0
    )
