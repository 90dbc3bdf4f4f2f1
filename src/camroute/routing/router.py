"""``POST /api/route``: the cameras that can see a caller location, and the best cover."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from camroute.api.body import read_limited_body
from camroute.api.deps import SettingsDep
from camroute.auth.deps import Role, require_roles
from camroute.location import parse_location
from camroute.routing.index import CameraIndex
from camroute.routing.models import RouteResult
from camroute.routing.rank import rank_cameras
from camroute.routing.service import IndexHolder

ROUTE_ROLES = (Role.dispatcher, Role.supervisor, Role.gis_admin, Role.integration)

router = APIRouter(
    prefix="/api", tags=["routing"], dependencies=[Depends(require_roles(*ROUTE_ROLES))]
)


async def get_index(request: Request) -> CameraIndex:  # no I/O: no pool hop
    """The current camera index snapshot (held by the ``IndexHolder`` on ``app.state``)."""
    holder: IndexHolder = request.app.state.camera_index
    return holder.current


IndexDep = Annotated[CameraIndex, Depends(get_index)]


@router.post(
    "/route",
    response_model=RouteResult,
    summary="Rank the cameras that can see a caller location",
    openapi_extra={
        "requestBody": {
            "description": "A location in any intake format (PIDF-LO, AML, GeoJSON, geo: URI, "
            'JSON); or plain JSON {"lon", "lat", "uncertainty_m"}.',
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def route(
    request: Request,
    settings: SettingsDep,
    index: IndexDep,
    limit: Annotated[int, Query(ge=1, le=50, description="Visible cameras to list.")] = 10,
    k: Annotated[int, Query(ge=0, le=10, description="Cameras in the cover.")] = 3,
    context: Annotated[int, Query(ge=0, le=50, description="Nearby non-seeing cameras.")] = 5,
) -> RouteResult:
    """Visible cameras best first, context cameras that do not see (with why), offline apart."""
    body = await read_limited_body(request, max_bytes=settings.max_body_bytes)
    content_type = request.headers.get("content-type")
    location = parse_location(
        body, content_type=content_type, aml_hmac_key=settings.aml_hmac_key_bytes()
    )
    return await run_in_threadpool(
        rank_cameras, location, index, limit=limit, context_limit=context, cover_k=k
    )
