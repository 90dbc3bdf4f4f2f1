"""visible_fraction against an independent dense reference on real Helsinki buildings.

The reference uses 2,500 random points per region, the geodesic sector from ``camroute.geo``
and plain shapely segment-vs-building intersection in EPSG:3067 (the Finnish national grid,
not the index's UTM zone); every building blocks (no heights), except the camera's own (the
nearest within 1.5 m and footprints overlapping it), as in the index.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from camroute.geo import sector
from camroute.location import CallerLocation
from camroute.routing import CameraIndex, rank_cameras

N_REF = 2500
N_CASES = 24
FINNISH_GRID = 3067


@pytest.fixture(scope="module")
def helsinki(shared_data: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    folder = shared_data / "helsinki_osm"
    buildings = gpd.read_file(folder / "buildings.geojson")[["geometry"]]
    raw = gpd.read_file(folder / "surveillance.geojson")
    rng = np.random.default_rng(7)
    n = len(raw)
    cams = gpd.GeoDataFrame(
        {
            "id": [f"HEL-{i}" for i in raw["osm_id"]],
            "name": "",
            "lon": raw.geometry.x,
            "lat": raw.geometry.y,
            "heading_deg": rng.uniform(0.0, 360.0, n).round(1),
            "hfov_deg": rng.uniform(50.0, 110.0, n).round(1),
            "range_m": rng.uniform(40.0, 90.0, n).round(1),
            "kind": "fixed",
            "status": "online",
            "mount_height_m": 4.0,
        },
        geometry=raw.geometry,
        crs=4326,
    )
    return cams, buildings


def _cases(cams: gpd.GeoDataFrame) -> list[tuple[int, float, float, float]]:
    """(camera row, region lon, lat, radius): discs half-way down each camera's axis."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    rng = np.random.default_rng(11)
    rows = rng.choice(len(cams), N_CASES, replace=False)
    out = []
    for r in rows.tolist():
        c = cams.iloc[r]
        ahead = c.range_m * rng.uniform(0.35, 0.7)
        lon, lat, _ = geod.fwd(c.lon, c.lat, c.heading_deg + rng.uniform(-20, 20), ahead)
        out.append((r, float(lon), float(lat), float(rng.uniform(8.0, 25.0))))
    return out


def _reference(cam: object, disc_wgs: shapely.Geometry, buildings: gpd.GeoDataFrame) -> float:
    c = cam  # a row of the camera frame
    sec = sector(
        lon=c.lon, lat=c.lat, heading_deg=c.heading_deg, hfov_deg=c.hfov_deg, range_m=c.range_m
    )  # type: ignore[attr-defined]
    frame = gpd.GeoSeries([disc_wgs, sec, shapely.Point(c.lon, c.lat)], crs=4326).to_crs(
        FINNISH_GRID
    )  # type: ignore[attr-defined]
    disc, sec_m, cam_m = frame.to_numpy()
    bld = buildings.to_crs(FINNISH_GRID).geometry.to_numpy()
    bld = bld[~_own(bld, cam_m)]
    rng = np.random.default_rng(3)
    minx, miny, maxx, maxy = disc.bounds
    pts = np.empty((0, 2))
    while len(pts) < N_REF:
        cand = rng.uniform([minx, miny], [maxx, maxy], (4 * N_REF, 2))
        pts = np.vstack([pts, cand[shapely.contains_xy(disc, cand[:, 0], cand[:, 1])]])
    pts = pts[:N_REF]
    in_sec = shapely.contains_xy(sec_m, pts[:, 0], pts[:, 1])
    segs = shapely.linestrings([[(cam_m.x, cam_m.y), (x, y)] for x, y in pts[in_sec]])
    tree = shapely.STRtree(bld)
    hit_seg, _ = tree.query(segs, predicate="intersects")
    clear = np.ones(len(segs), bool)
    clear[np.unique(hit_seg)] = False
    return float(clear.sum() / N_REF)


def _own(bld: np.ndarray, cam: shapely.Point) -> np.ndarray:
    """The camera's building: nearest footprints within 1.5 m and the parts overlapping them."""
    own = np.zeros(len(bld), bool)
    dist = np.array([b.distance(cam) for b in bld])
    if dist.min() > 1.5:
        return own
    nearest = [i for i in range(len(bld)) if dist[i] == dist.min()]
    for i in range(len(bld)):
        if i in nearest:
            own[i] = True
        elif dist[i] <= 1.5:
            own[i] = any(bld[i].relate(bld[j])[0] != "F" for j in nearest)
    return own


def _location(lon: float, lat: float, radius_m: float) -> tuple[CallerLocation, shapely.Geometry]:
    from camroute.geo import circle

    disc = circle(lon=lon, lat=lat, radius_m=radius_m, segments=128)
    loc = CallerLocation(
        format="json",
        shape="circle",
        lon=lon,
        lat=lat,
        region=shapely.geometry.mapping(disc),
        uncertainty_m=radius_m,
    )
    return loc, disc


@pytest.mark.parametrize("method", ["viewshed", "samples"])
def test_visible_fraction_matches_dense_reference(
    helsinki: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame], method: str
) -> None:
    cams, buildings = helsinki
    index = CameraIndex.build(cams, buildings)
    cases = _cases(cams)
    if method == "viewshed":
        index = index.with_viewsheds(np.array([r for r, *_ in cases]))
    errors, partial = [], 0
    for r, lon, lat, radius in cases:
        loc, disc = _location(lon, lat, radius)
        result = rank_cameras(loc, index, limit=50, context_limit=50, include_views=False)
        rows = {c.camera_id: c for c in result.cameras + result.context}
        got = rows[cams.iloc[r].id]
        assert got.method in {method, "none"}
        ref = _reference(cams.iloc[r], disc, buildings)
        partial += 0.02 < ref < 0.98
        errors.append(abs(got.visible_fraction - ref))
    assert max(errors) <= 0.05, errors
    assert partial >= 5  # the cases exercise real occlusion, not only all-or-nothing
