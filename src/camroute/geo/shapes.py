"""Uncertainty and view shapes built in metres around a centre, returned in WGS84.

Every vertex is placed with a geodesic forward step (azimuth clockwise from true north,
distance in metres) from the centre, so radii and orientations are exact on the ellipsoid
whatever the latitude.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Geod

_GEOD = Geod(ellps="WGS84")
SEGMENTS = 72


def _ring(
    lon: float, lat: float, az_deg: NDArray[np.float64], dist_m: NDArray[np.float64]
) -> NDArray[np.float64]:
    n = az_deg.shape[0]
    lons, lats, _ = _GEOD.fwd(np.full(n, lon), np.full(n, lat), az_deg, dist_m)
    return np.column_stack([lons, lats])


def _check_positive(name: str, value: float) -> None:
    if not (value > 0.0 and np.isfinite(value)):
        raise ValueError(f"{name} must be a positive number of metres, got {value}")


def circle(*, lon: float, lat: float, radius_m: float, segments: int = SEGMENTS) -> shapely.Polygon:
    """Polygon approximating a circle of ``radius_m`` about ``lon, lat``.

    Examples
    --------
    >>> c = circle(lon=106.7, lat=10.77, radius_m=50.0)
    >>> len(c.exterior.coords)
    73
    """
    _check_positive("radius_m", radius_m)
    az = np.linspace(0.0, 360.0, segments, endpoint=False)
    return shapely.Polygon(_ring(lon, lat, az, np.full(segments, radius_m)))


def ellipse(
    *,
    lon: float,
    lat: float,
    semi_major_m: float,
    semi_minor_m: float,
    orientation_deg: float,
    segments: int = SEGMENTS,
) -> shapely.Polygon:
    """Ellipse whose semi-major axis points ``orientation_deg`` clockwise from north.

    Examples
    --------
    >>> e = ellipse(lon=0.0, lat=0.0, semi_major_m=100.0, semi_minor_m=10.0, orientation_deg=90.0)
    >>> minx, miny, maxx, maxy = e.bounds
    >>> (maxx - minx) > 5 * (maxy - miny)  # long axis runs east-west
    True
    """
    _check_positive("semi_major_m", semi_major_m)
    _check_positive("semi_minor_m", semi_minor_m)
    t = np.linspace(0.0, 2.0 * np.pi, segments, endpoint=False)
    along = semi_major_m * np.cos(t)
    across = semi_minor_m * np.sin(t)
    dist = np.hypot(along, across)
    az = orientation_deg + np.degrees(np.arctan2(across, along))
    return shapely.Polygon(_ring(lon, lat, np.mod(az, 360.0), dist))


def arc_band(
    *,
    lon: float,
    lat: float,
    inner_m: float,
    outer_m: float,
    start_deg: float,
    opening_deg: float,
    segments: int = SEGMENTS,
) -> shapely.Polygon:
    """Ring sector between two radii, from ``start_deg`` clockwise over ``opening_deg``.

    An inner radius of zero gives a pie slice (its apex at the centre).

    Examples
    --------
    >>> band = arc_band(
    ...     lon=0.0, lat=0.0, inner_m=100.0, outer_m=200.0, start_deg=0.0, opening_deg=90.0
    ... )
    >>> band.is_valid, band.centroid.x > 0, band.centroid.y > 0
    (True, True, True)
    """
    _check_positive("outer_m", outer_m)
    if not 0.0 <= inner_m < outer_m:
        raise ValueError(f"inner_m must be in [0, outer_m), got {inner_m} (outer_m {outer_m})")
    if not 0.0 < opening_deg <= 360.0:
        raise ValueError(f"opening_deg must be in (0, 360], got {opening_deg}")
    if opening_deg == 360.0:
        ring = circle(lon=lon, lat=lat, radius_m=outer_m, segments=segments)
        if inner_m == 0.0:
            return ring
        hole = circle(lon=lon, lat=lat, radius_m=inner_m, segments=segments)
        return shapely.Polygon(ring.exterior.coords, [hole.exterior.coords[::-1]])
    n = max(4, int(np.ceil(segments * opening_deg / 360.0)) + 1)
    az = np.mod(start_deg + np.linspace(0.0, opening_deg, n), 360.0)
    outer = _ring(lon, lat, az, np.full(n, outer_m))
    if inner_m == 0.0:
        coords = np.vstack([[[lon, lat]], outer])
    else:
        coords = np.vstack([outer, _ring(lon, lat, az[::-1], np.full(n, inner_m))])
    return shapely.Polygon(coords)


def sector(
    *, lon: float, lat: float, heading_deg: float, hfov_deg: float, range_m: float
) -> shapely.Polygon:
    """A camera's view sector: apex at the camera, centred on ``heading_deg``.

    Examples
    --------
    >>> s = sector(lon=0.0, lat=0.0, heading_deg=0.0, hfov_deg=60.0, range_m=100.0)
    >>> s.centroid.y > 0  # looks north
    True
    """
    if hfov_deg >= 360.0:
        return circle(lon=lon, lat=lat, radius_m=range_m)
    return arc_band(
        lon=lon,
        lat=lat,
        inner_m=0.0,
        outer_m=range_m,
        start_deg=heading_deg - hfov_deg / 2.0,
        opening_deg=hfov_deg,
    )


def max_distance_m(*, lon: float, lat: float, geom: shapely.Geometry) -> float:
    """Largest geodesic distance from ``lon, lat`` to any vertex of ``geom`` (metres).

    Examples
    --------
    >>> round(max_distance_m(lon=0.0, lat=0.0, geom=circle(lon=0.0, lat=0.0, radius_m=25.0)), 6)
    25.0
    """
    coords = shapely.get_coordinates(geom)
    if coords.shape[0] == 0:
        return 0.0
    n = coords.shape[0]
    _f, _b, dist = _GEOD.inv(np.full(n, lon), np.full(n, lat), coords[:, 0], coords[:, 1])
    return float(np.max(dist))
