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

from camroute.areas.models import AreaFeature
from camroute.areas.service import stored_streets
from camroute.areas.streets import street_intersections
from camroute.buildings.store import load_buildings
from camroute.cameras.headings.service import street_network
from camroute.cameras.headings.suggest import CameraSite, suggest_headings
from camroute.cameras.store import load_cameras
from camroute.coverage.blind import MIN_LENGTH_M, NEAR_M, BlindStretch, blind_stretches
from camroute.coverage.incidents import IncidentsSeen, incidents_seen
from camroute.coverage.models import PlannedCamera
from camroute.coverage.plan import greedy_plan, way_weights
from camroute.coverage.store import ward_areas
from camroute.coverage.streets import Coverage, seen_area, seen_lengths_m, street_coverage
from camroute.coverage.wards import WardCoverage, ward_coverage
from camroute.incidents.service import incident_places
from camroute.routing.index import CameraIndex
from camroute.routing.store import buildings_key, load_viewsheds, with_stored_viewsheds


@dataclass(frozen=True)
class CoverageResult:
    """The figures, the seen area (WGS84), each street way with its seen length, per ward.

    ``blind`` holds the unseen pieces in metres; ``blind_wgs84`` the same pieces in WGS84.
    """

    coverage: Coverage
    seen_wgs84: shapely.Geometry
    ways: gpd.GeoDataFrame
    incidents: IncidentsSeen
    wards: list[WardCoverage]
    blind: list[BlindStretch]
    blind_wgs84: list[shapely.Geometry]
    wards_approximate: bool
    ward_areas_wgs84: dict[str, shapely.Geometry]


def _index(engine: Engine) -> CameraIndex:
    index = CameraIndex.build(load_cameras(engine), load_buildings(engine))
    return _complete(
        with_stored_viewsheds(index, load_viewsheds(engine, key=buildings_key(engine)))
    )


def _complete(index: CameraIndex) -> CameraIndex:
    """``index`` with the viewsheds it still lacks computed (none once the app has made them)."""
    missing = np.flatnonzero(~index.has_viewshed & index.can_have_viewshed())
    return index.with_viewsheds(missing) if missing.size else index


def registry_coverage(
    engine: Engine,
    *,
    since: datetime,
    near_m: float = NEAR_M,
    min_blind_m: float = MIN_LENGTH_M,
    index: CameraIndex | None = None,
) -> CoverageResult:
    """What the cameras that are not offline see: streets, wards, incident places since ``since``.

    Incident places are the ones not yet purged by retention. Blind stretches count the
    places within ``near_m`` and leave out pieces shorter than ``min_blind_m``. ``index``: the
    app's routing snapshot (the store's cameras, buildings and viewsheds, already loaded);
    without it they are read from the store.
    """
    index = _index(engine) if index is None else _complete(index)
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
    extent = shapely.union_all(
        [*metric, shapely.multipoints(np.c_[px, py]) if len(places) else None]
    )
    areas = ward_areas(engine, index.projection, extent_m=extent)
    wards = ward_coverage(
        seen, areas.areas_m, areas.codes, areas.names, lines, px, py, approximate=areas.approximate
    )
    blind = blind_stretches(seen, lines, names, px, py, near_m=near_m, min_length_m=min_blind_m)
    return CoverageResult(
        coverage=coverage,
        seen_wgs84=index.projection.geometry_to_wgs84(seen),
        ways=ways,
        incidents=seen_calls,
        wards=wards,
        blind=blind,
        blind_wgs84=[index.projection.geometry_to_wgs84(b.geometry) for b in blind],
        wards_approximate=areas.approximate,
        ward_areas_wgs84={
            code: index.projection.geometry_to_wgs84(area)
            for code, area in zip(areas.codes, areas.areas_m, strict=True)
        },
    )


def export_gpkg(result: CoverageResult, path: Path) -> None:
    """Write layers ``seen`` (union of views), ``streets``, ``blind`` and ``wards`` (figures)."""
    seen = gpd.GeoDataFrame(
        {"cameras": [result.coverage.cameras], "area_m2": [result.coverage.seen_area_m2]},
        geometry=[result.seen_wgs84],
        crs=4326,
    )
    seen.to_file(path, layer="seen", driver="GPKG")
    result.ways.to_file(path, layer="streets", driver="GPKG")
    if result.blind:
        blind = gpd.GeoDataFrame(
            [b.model_dump(exclude={"way"}) for b in result.blind],
            geometry=result.blind_wgs84,
            crs=4326,
        )
        blind.to_file(path, layer="blind", driver="GPKG")
    if result.wards:
        wards = gpd.GeoDataFrame(
            [{**w.model_dump(), "approximate": result.wards_approximate} for w in result.wards],
            geometry=[result.ward_areas_wgs84[w.code] for w in result.wards],
            crs=4326,
        )
        wards.to_file(path, layer="wards", driver="GPKG")


CANDIDATE_HFOV_DEG = 60.0
CANDIDATE_RANGE_M = 100.0
CANDIDATE_HEIGHT_M = 6.0


def _candidate_sites(
    streets: list[AreaFeature], points: list[AreaFeature] | None
) -> list[tuple[str, float, float]]:
    if points is not None:
        return [(p.name, p.geometry.x, p.geometry.y) for p in points]
    corners = street_intersections([s.geometry for s in streets], [s.name for s in streets])
    return [
        (f"{a} - {b}", float(x), float(y))
        for a, b, x, y in zip(corners.name_a, corners.name_b, corners.lon, corners.lat, strict=True)
    ]


def _candidates(streets: list[AreaFeature], points: list[AreaFeature] | None) -> gpd.GeoDataFrame:
    """A fixed camera per suggested heading at each site (street corners by default)."""
    network = street_network(streets)
    names: list[str] = []
    lons: list[float] = []
    lats: list[float] = []
    headings: list[float] = []
    for name, lon, lat in _candidate_sites(streets, points):
        found = suggest_headings(CameraSite(id=name, name=name, lon=lon, lat=lat), network)
        for s in found.suggestions:
            names.append(name)
            lons.append(lon)
            lats.append(lat)
            headings.append(s.heading_deg)
    n = len(names)
    frame = {
        "id": [f"cand-{i}" for i in range(n)],
        "name": names,
        "lon": lons,
        "lat": lats,
        "heading_deg": headings,
        "hfov_deg": [CANDIDATE_HFOV_DEG] * n,
        "range_m": [CANDIDATE_RANGE_M] * n,
        "mount_height_m": [CANDIDATE_HEIGHT_M] * n,
        "kind": ["fixed"] * n,
        "status": ["online"] * n,
    }
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lons, lats), crs=4326)


def plan_cameras(
    engine: Engine, *, budget: int, since: datetime, sites: list[AreaFeature] | None = None
) -> list[PlannedCamera]:
    """Up to ``budget`` new cameras that add the most incident-weighted unseen street length.

    Sites are ``sites`` (points) or, by default, the corners of the stored streets; at each,
    the candidate headings are the street directions suggested there. Buildings shadow the
    candidates' views as they do the registry's.
    """
    index = _index(engine)
    seeing = np.flatnonzero(index.can_have_viewshed() & ~index.offline)
    seen = seen_area(index.views(seeing)) if seeing.size else shapely.Polygon()
    streets = stored_streets(engine)
    frame = _candidates(streets, sites)
    if frame.empty:
        return []
    cands = CameraIndex.build(frame, load_buildings(engine), projection=index.projection)
    views = cands.with_viewsheds().views(np.arange(len(cands)))
    lines = [index.projection.geometry_to_metric(s.geometry) for s in streets]
    places = incident_places(engine, since=since)
    px, py = index.projection.to_metric([p.lon for p in places], [p.lat for p in places])
    picks = greedy_plan(views, lines, way_weights(lines, px, py), seen_m=seen, budget=budget)
    return [
        PlannedCamera(
            rank=n + 1,
            lon=float(cands.lon[p.candidate]),
            lat=float(cands.lat[p.candidate]),
            heading_deg=float(cands.heading_deg[p.candidate]),
            hfov_deg=CANDIDATE_HFOV_DEG,
            range_m=CANDIDATE_RANGE_M,
            site=str(cands.names[p.candidate]),
            gain_m=p.gain_m,
            weighted_gain=p.weighted_gain,
        )
        for n, p in enumerate(picks)
    ]
