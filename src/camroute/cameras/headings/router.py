"""``/api/cameras/{id}/heading-suggestions`` and ``/api/heading-queue`` (GIS admins).

The street network is built from the area layers' street snapshot once and rebuilt only when
that snapshot is replaced.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from camroute.api.deps import EngineDep
from camroute.auth.deps import Principal, Role, require_roles
from camroute.cameras.headings.network import StreetNetwork
from camroute.cameras.headings.service import (
    HeadingQueue,
    QueueOrder,
    heading_queue,
    street_network,
    suggest_camera,
)
from camroute.cameras.headings.suggest import CameraHeadings

AdminDep = Annotated[Principal, Depends(require_roles(Role.gis_admin))]

router = APIRouter(tags=["cameras"])


def _network(request: Request) -> StreetNetwork:
    streets = request.app.state.area_layers.streets
    cached = getattr(request.app.state, "heading_network", None)
    if cached is None or cached[0] is not streets:
        cached = (streets, street_network(streets.streets))
        request.app.state.heading_network = cached
    network: StreetNetwork = cached[1]
    return network


@router.get("/api/cameras/{camera_id}/heading-suggestions", response_model=CameraHeadings)
def heading_suggestions(
    camera_id: str, engine: EngineDep, principal: AdminDep, request: Request
) -> CameraHeadings:
    """Likely headings of a camera along the stored streets around it, best first."""
    return suggest_camera(engine, camera_id, _network(request))


@router.get("/api/heading-queue", response_model=HeadingQueue)
def queue(
    engine: EngineDep,
    principal: AdminDep,
    lon: Annotated[float, Query(ge=-180.0, le=180.0, description="WGS84 longitude")],
    lat: Annotated[float, Query(ge=-90.0, le=90.0, description="WGS84 latitude")],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    order: Annotated[
        QueueOrder, Query(description="nearest first, or most past calls in range first")
    ] = "nearest",
    months: Annotated[int, Query(ge=1, le=120, description="past calls of the last N months")] = 12,
) -> HeadingQueue:
    """Fixed cameras whose heading no person has confirmed yet, nearest or most-called first."""
    since = datetime.now(UTC) - timedelta(days=30 * months)
    return heading_queue(engine, lon=lon, lat=lat, limit=limit, order=order, since=since)
