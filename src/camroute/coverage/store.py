"""What coverage reads from the store besides the registry: the 2025 wards, in metres."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import shapely
from numpy.typing import NDArray
from sqlalchemy import Engine

from camroute.areas.models import AreaFeature
from camroute.areas.store import read_features
from camroute.coverage.wards import ward_cells
from camroute.geo.crs import LocalProjection

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
