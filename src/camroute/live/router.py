"""HTTP edge of live view: tickets per incident, and the ticket-authenticated relay."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse

from camroute.auth.deps import COOKIE_NAME, PrincipalDep, Role, require_roles
from camroute.auth.service import principal_from_api_key, principal_from_token
from camroute.errors import AuthenticationError
from camroute.live import calview, mine, service
from camroute.live.codec import Stream
from camroute.live.models import ViewCreate, ViewRead
from camroute.live.session import RelayContext, relay_mjpeg, relay_snapshot, stamp
from camroute.live.video import relay_video

router = APIRouter(tags=["live"])
VIEWERS = (Role.dispatcher, Role.supervisor)
JPEG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}}, "description": "the camera's bytes, unchanged"}
}
VIDEO: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"video/mp4": {}},
        "description": "fragmented MP4 of the camera's own frames (remuxed, never decoded); "
        "the codec string is the X-Video-Codec header, the stream (main or sub) X-Video-Stream",
    }
}
MJPEG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"multipart/x-mixed-replace": {}}, "description": "MJPEG, unchanged"}
}


def live_context(request: Request) -> service.LiveContext:
    """The ticket rules' view of the app (engine, settings, key, event bus)."""
    state = request.app.state
    key = service.ticket_key(state.engine, state.settings)
    return service.LiveContext(
        state.engine,
        state.settings,
        key,
        state.events,
        # A PTZ camera's zones where it points now (set by the app: live does not know ptz).
        aimed_zones=getattr(state, "aimed_zones", None),
    )


def viewer_name(request: Request) -> str | None:
    """Who the request's own credentials name, if it carries valid ones (else None).

    The ticket is the credential of the relay; when the request also carries a user's
    credentials (the page's cookie, a bearer token, an API key), they must name the ticket's
    holder, so a ticket copied to another logged-in user does not open.
    """
    state = request.app.state
    key = request.headers.get("x-api-key")
    auth = request.headers.get("authorization", "")
    token = auth[7:] if auth.lower().startswith("bearer ") else request.cookies.get(COOKIE_NAME)
    try:
        if key:
            return principal_from_api_key(state.engine, key).name
        if token:
            return principal_from_token(state.engine, state.settings, token).name
    except AuthenticationError:
        return None
    return None


def relay_context(request: Request) -> RelayContext:
    """The relay's view of the app (adds the shared upstream HTTP client and the viewer)."""
    live = live_context(request)
    return RelayContext(
        live.engine,
        live.settings,
        live.key,
        request.app.state.http,
        live.bus,
        viewer=viewer_name(request),
        tally=getattr(request.app.state, "snapshot_tally", None),
        auth_schemes=getattr(request.app.state, "camera_auth_schemes", None),
    )


LiveDep = Annotated[service.LiveContext, Depends(live_context)]
RelayDep = Annotated[RelayContext, Depends(relay_context)]


@router.post(
    "/api/incidents/{incident_id}/views",
    status_code=201,
    response_model=ViewRead,
    dependencies=[Depends(require_roles(*VIEWERS))],
)
def open_view(
    incident_id: str, body: ViewCreate, ctx: LiveDep, principal: PrincipalDep
) -> ViewRead:
    """A ticket to watch one camera for this open incident (403 with the reason if not allowed)."""
    return service.issue_view(ctx, incident_id, body, actor=principal)


@router.post(
    "/api/incidents/{incident_id}/views/{ticket_id}/renew",
    response_model=ViewRead,
    dependencies=[Depends(require_roles(*VIEWERS))],
)
def renew_view(incident_id: str, ticket_id: str, ctx: LiveDep, principal: PrincipalDep) -> ViewRead:
    """A new expiry and ticket for a live view, while the incident is open."""
    return service.renew_view(ctx, incident_id, ticket_id, actor=principal)


@router.delete(
    "/api/incidents/{incident_id}/views/{ticket_id}",
    status_code=204,
    dependencies=[Depends(require_roles(*VIEWERS))],
)
def end_view(incident_id: str, ticket_id: str, ctx: LiveDep, principal: PrincipalDep) -> Response:
    """End a live view now: its ticket is revoked and running streams stop."""
    service.end_view(ctx, incident_id, ticket_id, actor=principal)
    return Response(status_code=204)


@router.get(
    "/api/live/mine",
    response_model=list[ViewRead],
    dependencies=[Depends(require_roles(*VIEWERS))],
)
def my_views(ctx: LiveDep, principal: PrincipalDep, response: Response) -> list[ViewRead]:
    """The caller's own live views (to re-open or end them), with their tickets, oldest first."""
    response.headers["Cache-Control"] = "no-store"  # tickets are credentials
    return mine.list_mine(ctx, actor=principal)


@router.delete(
    "/api/live/mine/{ticket_id}",
    status_code=204,
    dependencies=[Depends(require_roles(*VIEWERS))],
)
def end_my_view(ticket_id: str, ctx: LiveDep, principal: PrincipalDep) -> Response:
    """End one of the caller's own live views now (its slot comes back)."""
    mine.end_mine(ctx, ticket_id, actor=principal)
    return Response(status_code=204)


@router.get("/api/live/{ticket}/snapshot.jpg", response_class=Response, responses=JPEG)
async def live_snapshot(ticket: str, ctx: RelayDep) -> Response:
    """The camera's snapshot through the relay; the ticket is the credential."""
    return await relay_snapshot(ctx, ticket)


@router.get("/api/live/{ticket}/mjpeg", response_class=StreamingResponse, responses=MJPEG)
async def live_mjpeg(ticket: str, ctx: RelayDep) -> StreamingResponse:
    """The camera's MJPEG stream through the relay, until the ticket ends."""
    return await relay_mjpeg(ctx, ticket)


@router.get("/api/live/{ticket}/video.mp4", response_class=StreamingResponse, responses=VIDEO)
async def live_video(
    ticket: str,
    ctx: RelayDep,
    request: Request,
    stream: Stream = Stream.main,
    h265: bool | None = None,
) -> StreamingResponse:
    """The camera's RTSP stream as fMP4 through the relay, until the ticket ends.

    ``stream=sub``: the camera's H.264 sub-stream (404 ``no_sub_stream`` when it has none).
    ``h265=0``: this browser cannot play H.265, so an H.265 camera is given its H.264
    sub-stream (404 ``no_sub_stream`` when it has none); ``X-Video-Stream`` says which.
    """
    hub = request.app.state.video_hub
    return await relay_video(ctx, hub, ticket, stream=stream, h265_ok=h265)


def calibration_context(request: Request) -> calview.CalibrationContext:
    """The calibration snapshot's view of the app (engine, settings, upstream client)."""
    state = request.app.state
    return calview.CalibrationContext(
        state.engine,
        state.settings,
        state.http,
        auth_schemes=getattr(state, "camera_auth_schemes", None),
    )


CalibrationDep = Annotated[calview.CalibrationContext, Depends(calibration_context)]


@router.get(
    "/api/cameras/{camera_id}/calibration-snapshot",
    response_class=Response,
    responses=JPEG,
    dependencies=[Depends(require_roles(Role.gis_admin))],
)
async def calibration_snapshot(
    camera_id: str, ctx: CalibrationDep, principal: PrincipalDep
) -> Response:
    """The camera's current JPEG while a GIS administrator calibrates it (no incident needed).

    403 ``calibration_refused`` for a restricted camera or one whose view reaches a protected
    zone; 409 ``no_snapshot_url``; 502 ``camera_unreachable``. Audited, never stored.
    """
    snap = await calview.calibration_snapshot(ctx, camera_id, actor=principal)
    headers = {"Cache-Control": "no-store", "Last-Frame-At": stamp(snap.received_at)}
    return Response(snap.content, media_type=snap.media_type, headers=headers)
