"""What coverage keeps in and reads from the store besides the registry: wards, the last plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import shapely
import sqlalchemy as sa
from numpy.typing import NDArray
from pydantic import BaseModel
from sqlalchemy import Engine

from camroute.areas.models import AreaFeature
from camroute.areas.store import read_features
from camroute.coverage.models import PlannedCamera
from camroute.coverage.wards import ward_cells
from camroute.geo.crs import LocalProjection
from camroute.store.meta import META, meta_value

EXTENT_MARGIN_M = 500.0


@dataclass(frozen=True)
class WardAreas:
    """Ward codes, names and areas (metres); ``approximate`` when cells stand in for polygons."""

    codes: list[str]
    names: list[str]
    areas_m: NDArray[np.object_]
    approximate: bool


def _current_wards(engine: Engine) -> list[AreaFeature]:
    now = datetime.now(UTC)
    return [
        f
        for f in read_features(engine, kind="admin")
        if (f.level or "").replace("-", "_") == "ward"
        and (f.valid_to is None or f.valid_to.replace(tzinfo=f.valid_to.tzinfo or UTC) > now)
    ]


def ward_areas(
    engine: Engine, projection: LocalProjection, *, extent_m: shapely.Geometry
) -> WardAreas:
    """Polygon wards when any are stored; else the Voronoi cells of the ward points.

    Cells are clipped to ``extent_m`` grown by ``EXTENT_MARGIN_M`` (the streets and calls
    considered), so a border ward's cell does not run off to infinity.
    """
    wards = _current_wards(engine)
    polygons = [w for w in wards if shapely.get_dimensions(w.geometry) == 2]
    chosen = polygons or [w for w in wards if isinstance(w.geometry, shapely.Point)]
    metric = np.asarray([projection.geometry_to_metric(w.geometry) for w in chosen], dtype=object)
    if not polygons and metric.size:
        metric = ward_cells(metric, shapely.buffer(shapely.envelope(extent_m), EXTENT_MARGIN_M))
    return WardAreas(
        codes=[w.code or w.name for w in chosen],
        names=[w.name for w in chosen],
        areas_m=metric,
        approximate=not polygons and bool(chosen),
    )


PLAN_KEY = "coverage_plan"


class SavedPlan(BaseModel):
    """The last ``camroute coverage plan``: its proposals, for the map's plan layer."""

    made_at: datetime
    months: int
    budget: int
    cameras: list[PlannedCamera]


def save_plan(engine: Engine, plan: SavedPlan) -> None:
    """Keep ``plan`` as the last one (one row of ``camroute_meta``; the map reads it)."""
    value = plan.model_dump_json()
    with engine.begin() as conn:
        stored = conn.execute(sa.select(META.c.key).where(META.c.key == PLAN_KEY)).scalar()
        if stored is None:
            conn.execute(sa.insert(META).values(key=PLAN_KEY, value=value))
        else:
            conn.execute(sa.update(META).where(META.c.key == PLAN_KEY).values(value=value))


def load_plan(engine: Engine) -> SavedPlan | None:
    """The last saved plan, or None."""
    stored = meta_value(engine, PLAN_KEY)
    return None if stored is None else SavedPlan.model_validate_json(stored)
