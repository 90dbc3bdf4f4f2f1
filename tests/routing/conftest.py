"""Scenes in local metres around a fixed origin, turned into WGS84 frames like the registry's."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

from camroute.geo import local_projection
from camroute.location import CallerLocation

ORIGIN_LON, ORIGIN_LAT = 105.0, 10.77  # on the UTM 48 central meridian: grid = true north
PROJ = local_projection(lon=ORIGIN_LON, lat=ORIGIN_LAT)
X0, Y0 = (float(v) for v in PROJ.to_metric(ORIGIN_LON, ORIGIN_LAT))


def to_lonlat(x_m: float, y_m: float) -> tuple[float, float]:
    """Local metres east/north of the origin (UTM grid) to lon, lat."""
    lon, lat = PROJ.to_wgs84(X0 + x_m, Y0 + y_m)
    return float(lon), float(lat)


def camera_frame(rows: Sequence[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Cameras in the registry schema; ``x_m, y_m`` are local metres."""
    records = []
    for n, row in enumerate(rows):
        lon, lat = to_lonlat(row.get("x_m", 0.0), row.get("y_m", 0.0))
        records.append(
            {
                "id": row.get("id", f"CAM-{n}"),
                "name": row.get("name", f"camera {n}"),
                "lon": lon,
                "lat": lat,
                "mount_height_m": row.get("mount_height_m", 5.0),
                "heading_deg": row.get("heading_deg", 0.0),
                "hfov_deg": row.get("hfov_deg", 90.0),
                "range_m": row.get("range_m", 50.0),
                "kind": row.get("kind", "fixed"),
                "status": row.get("status", "online"),
                "access_class": "public_space",
                "fov_assumed": False,
                "heading_source": row.get("heading_source"),
            }
        )
    lons = [r["lon"] for r in records]
    lats = [r["lat"] for r in records]
    return gpd.GeoDataFrame(records, geometry=gpd.points_from_xy(lons, lats), crs=4326)


def building_frame(boxes: Sequence[tuple[float, float, float, float, float]]) -> gpd.GeoDataFrame:
    """Footprints from local-metre boxes ``(minx, miny, maxx, maxy, height_m)``; NaN = unknown."""
    geoms = [
        PROJ.geometry_to_wgs84(shapely.box(X0 + a, Y0 + b, X0 + c, Y0 + d))
        for a, b, c, d, _h in boxes
    ]
    return gpd.GeoDataFrame({"height_m": [float(b[4]) for b in boxes]}, geometry=geoms, crs=4326)


def point_at(x_m: float, y_m: float, *, radius_m: float = 0.0) -> CallerLocation:
    """A caller location at local metres (a point, or a metric circle of ``radius_m``)."""
    lon, lat = to_lonlat(x_m, y_m)
    if radius_m == 0.0:
        region: dict[str, Any] = {"type": "Point", "coordinates": [lon, lat]}
    else:
        disc = PROJ.geometry_to_wgs84(shapely.Point(X0 + x_m, Y0 + y_m).buffer(radius_m, 64))
        region = shapely.geometry.mapping(disc)
    return CallerLocation(
        format="json",
        shape="point" if radius_m == 0.0 else "circle",
        lon=lon,
        lat=lat,
        region=region,
        uncertainty_m=radius_m,
    )


@pytest.fixture
def scene() -> Callable[..., Any]:
    """``scene(cameras, buildings)``: the frames for ``CameraIndex.build``."""

    def make(
        cameras: Sequence[dict[str, Any]],
        buildings: Sequence[tuple[float, float, float, float, float]] = (),
    ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
        return camera_frame(cameras), building_frame(buildings) if buildings else None

    return make


NAN = float(np.nan)
