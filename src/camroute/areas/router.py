"""``GET /api/lookup`` and ``GET /api/geocode``: thin HTTP over ``lookup`` and ``geocode``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from camroute.areas.layers import AreaLayers
from camroute.areas.lookup import MAX_LIMIT, geocode, lookup
from camroute.areas.models import GeocodeResult, LocationReport
from camroute.auth.deps import Role, require_roles

router = APIRouter(
    prefix="/api",
    tags=["areas"],
    dependencies=[
        Depends(require_roles(Role.dispatcher, Role.supervisor, Role.gis_admin, Role.integration))
    ],
)


async def get_area_layers(request: Request) -> AreaLayers:  # no I/O: no pool hop
    """The layers loaded in the app's lifespan."""
    layers: AreaLayers = request.app.state.area_layers
    return layers


AreaLayersDep = Annotated[AreaLayers, Depends(get_area_layers)]


@router.get("/lookup", response_model=LocationReport)
def lookup_route(
    layers: AreaLayersDep,
    lon: Annotated[float, Query(ge=-180.0, le=180.0, description="WGS84 longitude")],
    lat: Annotated[float, Query(ge=-90.0, le=90.0, description="WGS84 latitude")],
    at: Annotated[datetime | None, Query(description="ISO-8601 time with offset")] = None,
) -> LocationReport:
    """Ward (2025 and legacy), responsible 113/114/115 units, nearest street and corner."""
    return lookup(lon=lon, lat=lat, at=at, layers=layers)


@router.get("/geocode", response_model=GeocodeResult)
def geocode_route(
    layers: AreaLayersDep,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Address text")],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 5,
) -> GeocodeResult:
    """Ranked places for an address, intersection, landmark or typed coordinates."""
    return geocode(q, layers=layers, limit=limit)
