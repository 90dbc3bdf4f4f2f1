"""Result rows: bearings against the ellipsoid, and the numbers the reasons quote."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from camroute.geo import bearing_deg
from camroute.routing import CameraIndex, rank_cameras
from camroute.routing.service import point_location

# (lon, lat, UTM zone of the index): places where grid and true north part most. One index for
# all Vietnam sits in zone 48 (its median camera in HCMC) and stretches to 109.4 E; Helsinki
# (60 N, 2 degrees off its zone's meridian) has its own.
PLACES = [
    (109.4, 12.2, 48),
    (102.2, 22.4, 48),
    (104.8, 8.6, 48),
    (106.7, 10.77, 48),
    (24.94, 60.17, 35),
]


def _cameras(lon: float, lat: float, n: int, prefix: str) -> gpd.GeoDataFrame:
    """PTZ cameras within about 220 m of ``lon, lat``: all of them see a caller there."""
    rng = np.random.default_rng(7)
    cam_lon, cam_lat = lon + rng.uniform(-0.002, 0.002, n), lat + rng.uniform(-0.002, 0.002, n)
    return gpd.GeoDataFrame(
        {
            "id": [f"{prefix}{i:03d}" for i in range(n)],
            "lon": cam_lon,
            "lat": cam_lat,
            "kind": "ptz",
            "range_m": 400.0,
        },
        geometry=gpd.points_from_xy(cam_lon, cam_lat),
        crs=4326,
    )


@pytest.mark.parametrize(("lon", "lat", "zone"), PLACES)
def test_bearings_and_pan_match_the_ellipsoid(lon: float, lat: float, zone: int) -> None:
    # 200 more cameras about the zone's centre decide the index's zone.
    centre = _cameras(106.7, 10.77, 200, "H") if zone == 48 else _cameras(lon, lat + 1.0, 200, "H")
    index = CameraIndex.build(pd.concat([_cameras(lon, lat, 50, "A"), centre], ignore_index=True))
    assert index.projection.epsg == 32600 + zone
    rows = rank_cameras(point_location(lon=lon, lat=lat), index, limit=50).cameras
    assert len(rows) == 50
    got = np.array([r.bearing_deg for r in rows])
    want = bearing_deg(
        from_lon=[r.lon for r in rows], from_lat=[r.lat for r in rows], to_lon=lon, to_lat=lat
    )
    diff = np.abs((got - want + 180.0) % 360.0 - 180.0)
    assert diff.max() < 0.06  # the rows carry a tenth of a degree
    assert [r.pan_deg for r in rows] == got.tolist()


def test_reason_quotes_the_rounded_distance() -> None:
    frame = gpd.GeoDataFrame(
        {"id": ["P"], "lon": [106.7], "lat": [10.77], "kind": ["ptz"], "range_m": [100.0]},
        geometry=gpd.points_from_xy([106.7], [10.77]),
        crs=4326,
    )
    index = CameraIndex.build(frame).with_viewsheds()
    (row,) = rank_cameras(point_location(lon=106.7, lat=10.7704), index).cameras
    assert row.distance_m == pytest.approx(44.2, abs=0.1)
    assert f"{round(row.distance_m)} m away" in row.reason.en
    assert row.pan_deg == pytest.approx(0.0, abs=0.05) or row.pan_deg == pytest.approx(
        360.0, abs=0.05
    )
