"""``POST /api/locate``: a raw caller-location body in, one ``CallerLocation`` out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from camroute.api.body import read_limited_body
from camroute.api.deps import SettingsDep
from camroute.auth.deps import Role, require_roles
from camroute.location.models import CallerLocation
from camroute.location.parse import parse_location

router = APIRouter(prefix="/api", tags=["location"])

_EXAMPLES = {
    "application/pidf+xml": {"schema": {"type": "string"}},
    "text/plain": {"schema": {"type": "string"}, "example": "geo:10.7769,106.7009;u=35"},
    "application/json": {
        "schema": {"type": "object"},
        "example": {"lon": 106.7009, "lat": 10.7769, "uncertainty_m": 35, "confidence": 68},
    },
    "application/x-www-form-urlencoded": {"schema": {"type": "string"}},
}


@router.post(
    "/locate",
    response_model=CallerLocation,
    dependencies=[
        Depends(require_roles(Role.dispatcher, Role.supervisor, Role.gis_admin, Role.integration))
    ],
    openapi_extra={"requestBody": {"required": True, "content": _EXAMPLES}},
    responses={413: {"description": "Body too large"}, 422: {"description": "Not a location"}},
)
async def locate(request: Request, settings: SettingsDep) -> CallerLocation:
    """Parse PIDF-LO, AML (SMS or HTTPS form), JSON/GeoJSON, a geo URI or a plus code.

    The body's ``Content-Type`` must agree with its content. Free text is refused as
    ``needs_geocoding`` (the address lookup handles it).
    """
    body = await read_limited_body(request, max_bytes=settings.max_body_bytes)
    content_type = request.headers.get("content-type")
    return await run_in_threadpool(
        parse_location,
        body,
        content_type=content_type,
        aml_hmac_key=settings.aml_hmac_key_bytes(),
    )
