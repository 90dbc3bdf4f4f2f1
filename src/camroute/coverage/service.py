"""Coverage of the registry: viewsheds unioned, against the stored street layer.

Stored viewsheds are used and missing ones computed. The figures are exact in the index's
metric CRS; output is WGS84.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import Engine

from camroute.areas.service import stored_streets
from camroute.buildings.store import load_buildings
from camroute.cameras.store import load_cameras
from camroute.coverage.incidents import IncidentsSeen, incidents_seen
from camroute.coverage.streets import Coverage, seen_area, seen_lengths_m, street_coverage
from camroute.incidents.service import incident_places
from camroute.routing.index import CameraIndex
from camroute.routing.store import buildings_key, load_viewsheds, with_stored_viewsheds


@dataclass(frozen=True)
class CoverageResult:
    """The figures, the seen area (WGS84) and each street way with its seen length."""

    coverage: Coverage
    seen_wgs84: shapely.Geometry
    ways: gpd.GeoDataFrame
    incidents: IncidentsSeen


def _index(engine: Engine) -> CameraIndex:
    index = CameraIndex.build(load_cameras(engine), load_buildings(engine))
    index = with_stored_viewsheds(index, load_viewsheds(engine, key=buildings_key(engine)))
    missing = np.flatnonzero(~index.has_viewshed & index.can_have_viewshed())
    return index.with_viewsheds(missing) if missing.size else index


def registry_coverage(engine: Engine, *, since: datetime) -> CoverageResult:
    """What the cameras that are not offline see: streets, and incident places since ``since``.

    Incident places are the ones not yet purged by retention.
    """
    index = _index(engine)
    seeing = np.flatnonzero(index.can_have_viewshed() & ~index.offline)
    seen = seen_area(index.views(seeing)) if seeing.size else shapely.Polygon()
    streets = stored_streets(engine)
    metric = [index.projection.geometry_to_metric(s.geometry) for s in streets]
    names = [s.name for s in streets]
    coverage = street_coverage(seen, metric, names, cameras=int(seeing.size))
    lines = np.asarray(metric, dtype=object)
    inside = seen_lengths_m(seen, lines)
    ways = gpd.GeoDataFrame(
        {
            "name": names,
            "length_m": np.round(shapely.length(lines), 1) if lines.size else [],
            "seen_m": np.round(inside, 1),
        },
        geometry=[s.geometry for s in streets],
        crs=4326,
    )
    places = incident_places(engine, since=since)
    px, py = index.projection.to_metric([p.lon for p in places], [p.lat for p in places])
    seen_calls = incidents_seen(seen, px, py, [p.ward_name for p in places])
    return CoverageResult(coverage, index.projection.geometry_to_wgs84(seen), ways, seen_calls)


def export_gpkg(result: CoverageResult, path: Path) -> None:
    """Write layers ``seen`` (the union of viewsheds) and ``streets`` (each way) to a GeoPackage."""
    seen = gpd.GeoDataFrame(
        {"cameras": [result.coverage.cameras], "area_m2": [result.coverage.seen_area_m2]},
        geometry=[result.seen_wgs84],
        crs=4326,
    )
    seen.to_file(path, layer="seen", driver="GPKG")
    result.ways.to_file(path, layer="streets", driver="GPKG")
