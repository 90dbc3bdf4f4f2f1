"""``GET /api/coverage/layer``: the map's coverage layer (GIS admins and supervisors)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from camroute.api.deps import EngineDep
from camroute.auth.deps import Role, require_roles
from camroute.coverage.layer import coverage_layer
from camroute.coverage.models import CoverageLayer
from camroute.coverage.service import registry_coverage
from camroute.coverage.store import load_plan

router = APIRouter(
    prefix="/api/coverage",
    tags=["coverage"],
    dependencies=[Depends(require_roles(Role.gis_admin, Role.supervisor))],
)


@router.get("/layer", response_model=CoverageLayer)
def layer(
    engine: EngineDep,
    months: Annotated[int, Query(ge=1, le=120, description="incidents of the last N months")] = 12,
    top: Annotated[int, Query(ge=0, le=5000, description="blind stretches to draw")] = 300,
) -> CoverageLayer:
    """Union of the views, the blind stretches most called first, the last plan's proposals.

    Computed on request (seconds for a district; the viewsheds stored by ``camroute
    viewsheds`` are reused); the plan is the last ``camroute coverage plan`` run.
    """
    since = datetime.now(UTC) - timedelta(days=30 * months)
    result = registry_coverage(engine, since=since)
    return coverage_layer(result, load_plan(engine), months=months, top=top)
