"""``GET /api/coverage/layer``: the map's coverage layer (GIS admins and supervisors)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from camroute.api.deps import EngineDep
from camroute.areas.store import features_signature
from camroute.auth.deps import Role, require_roles
from camroute.coverage.kept import KeptLayers, LayerKey
from camroute.coverage.layer import coverage_layer
from camroute.coverage.models import CoverageLayer
from camroute.coverage.service import registry_coverage
from camroute.coverage.store import load_plan
from camroute.routing.service import IndexHolder

router = APIRouter(
    prefix="/api/coverage",
    tags=["coverage"],
    dependencies=[Depends(require_roles(Role.gis_admin, Role.supervisor))],
)


@router.get("/layer", response_model=CoverageLayer)
def layer(
    request: Request,
    engine: EngineDep,
    months: Annotated[int, Query(ge=1, le=120, description="incidents of the last N months")] = 12,
    top: Annotated[int, Query(ge=0, le=5000, description="blind stretches to draw")] = 300,
) -> CoverageLayer:
    """Union of the views, the blind stretches most called first, the last plan's proposals.

    Computed from the routing snapshot (its cameras, buildings and viewsheds) and kept until
    the snapshot, the streets and wards or the plan change, or for a few minutes of new calls
    (``computed_at`` says when): seconds for a district, tens of seconds for a city. The plan
    is the last ``camroute coverage plan`` run.
    """
    holder: IndexHolder = request.app.state.camera_index
    kept: KeptLayers = request.app.state.coverage_layers
    generation = holder.generation  # before the snapshot: a later one is never mislabelled older
    index = holder.current
    plan = load_plan(engine)
    areas = features_signature(engine, ("streets", "admin"))
    key = LayerKey(generation, areas, plan.made_at if plan else None, months, top)

    def compute() -> CoverageLayer:
        now = datetime.now(UTC)
        result = registry_coverage(engine, since=now - timedelta(days=30 * months), index=index)
        return coverage_layer(result, plan, months=months, top=top, computed_at=now)

    return kept.get(key, compute)
