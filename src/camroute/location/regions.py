"""Turn a parsed shape into the WGS84 uncertainty region, its reference point and its size.

Every shape is built in metres by :mod:`camroute.geo`; the reference point is the centre of a
circle or ellipse, the centroid of an arc band (closed form, on the bisector) or of a polygon
(in the local metric projection). ``uncertainty_m`` is the largest geodesic distance from the
reference point to the region.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import numpy as np
import orjson
import shapely
from numpy.typing import NDArray
from pydantic import ValidationError
from pyproj import Geod
from shapely.geometry.polygon import orient

from camroute import geo
from camroute.location.errors import LocationParseError
from camroute.location.models import CallerLocation, LocationFormat, Shape

_GEOD = Geod(ellps="WGS84")
MAX_UNCERTAINTY_M = 100_000.0


@dataclass(frozen=True)
class Region:
    """A caller's uncertainty region in WGS84 with its reference point and size in metres."""

    shape: Shape
    lon: float
    lat: float
    geometry: shapely.Geometry
    uncertainty_m: float

    @cached_property
    def area_m2(self) -> float:
        """Geodesic area in square metres, measured on first use.

        Only a few formats compare regions by it; measuring a circle's 72 vertices is ~40 µs,
        a fifth of parsing one.
        """
        if self.shape == "point":
            return 0.0
        return _area_m2(self.geometry)


@dataclass
class Extras:
    """What a parser knows besides the region (all optional)."""

    confidence: float | None = None
    method: str | None = None
    time: datetime | None = None
    civic: dict[str, str] | None = None
    altitude_m: float | None = None
    warnings: list[str] = field(default_factory=list)


def point_region(*, lon: float, lat: float) -> Region:
    """A point with no uncertainty region (``uncertainty_m`` 0).

    Examples
    --------
    >>> point_region(lon=106.698, lat=10.7725).geometry.geom_type
    'Point'
    """
    return Region("point", lon, lat, shapely.Point(lon, lat), 0.0)


def circle_region(*, lon: float, lat: float, radius_m: float) -> Region:
    """A disc of ``radius_m`` about ``lon, lat``.

    Examples
    --------
    >>> round(circle_region(lon=106.698, lat=10.7725, radius_m=35.0).uncertainty_m, 6)
    35.0
    """
    polygon = geo.circle(lon=lon, lat=lat, radius_m=radius_m)
    # Every vertex lies radius_m away by construction (geodesic forward): no need to measure.
    return finish_region("circle", lon, lat, polygon, uncertainty_m=radius_m)


def ellipse_region(
    *,
    lon: float,
    lat: float,
    semi_major_m: float,
    semi_minor_m: float,
    orientation_deg: float,
    field: str = "ellipse",
) -> Region:
    """An ellipse whose semi-major axis points ``orientation_deg`` clockwise from north."""
    if semi_minor_m > semi_major_m:
        raise LocationParseError(
            f"{field}.semiMinorAxis: {semi_minor_m} m exceeds semiMajorAxis {semi_major_m} m",
            field=f"{field}.semiMinorAxis",
        )
    polygon = geo.ellipse(
        lon=lon,
        lat=lat,
        semi_major_m=semi_major_m,
        semi_minor_m=semi_minor_m,
        orientation_deg=orientation_deg,
    )
    return finish_region("ellipse", lon, lat, polygon)


def arcband_region(
    *,
    lon: float,
    lat: float,
    inner_m: float,
    outer_m: float,
    start_deg: float,
    opening_deg: float,
    field: str = "arcband",
) -> Region:
    """An arc band about an antenna at ``lon, lat``; the reference point is its centroid.

    The centroid lies on the bisector at ``(2/3)(r2³-r1³)/(r2²-r1²)·sin(a)/a`` from the
    antenna, ``a`` being half the opening angle.

    Examples
    --------
    >>> band = arcband_region(
    ...     lon=153.2176, lat=-43.5723, inner_m=3594, outer_m=4148, start_deg=20, opening_deg=20
    ... )
    >>> round(band.lat, 6), round(band.lon, 6)
    (-43.542226, 153.241467)
    """
    if inner_m >= outer_m:
        raise LocationParseError(
            f"{field}.innerRadius: {inner_m} m is not below outerRadius {outer_m} m",
            field=f"{field}.innerRadius",
        )
    if not 0.0 < opening_deg <= 360.0:
        raise LocationParseError(
            f"{field}.openingAngle: {opening_deg} degrees is outside (0, 360]",
            field=f"{field}.openingAngle",
        )
    polygon = geo.arc_band(
        lon=lon,
        lat=lat,
        inner_m=inner_m,
        outer_m=outer_m,
        start_deg=start_deg % 360.0,
        opening_deg=opening_deg,
    )
    half = math.radians(opening_deg) / 2.0
    radial = (2.0 / 3.0) * (outer_m**3 - inner_m**3) / (outer_m**2 - inner_m**2)
    distance_m = radial * math.sin(half) / half
    bisector_deg = (start_deg + opening_deg / 2.0) % 360.0
    c_lon, c_lat, _ = _GEOD.fwd(lon, lat, bisector_deg, distance_m)
    return finish_region("arcband", float(c_lon), float(c_lat), polygon)


def polygon_region(ring: NDArray[np.float64], *, field: str) -> Region:
    """A simple polygon from a closed ``lon, lat`` ring, oriented counter-clockwise.

    The reference point is the centroid computed in the local metric projection.
    """
    lons = ring[:, 0]
    if float(np.max(lons) - np.min(lons)) > 180.0:
        raise LocationParseError(f"{field}: polygon spans the antimeridian", field=field)
    polygon = shapely.Polygon(ring)
    if not polygon.is_valid or polygon.area == 0.0:
        reason = shapely.is_valid_reason(polygon)
        raise LocationParseError(f"{field}: polygon is not valid ({reason})", field=field)
    polygon = orient(polygon, sign=1.0)
    proj = geo.local_projection(lon=float(lons[0]), lat=float(ring[0, 1]))
    centroid = proj.geometry_to_metric(polygon).centroid
    c_lon, c_lat = proj.to_wgs84(centroid.x, centroid.y)
    return finish_region("polygon", float(c_lon), float(c_lat), polygon)


def close_ring(
    ring: NDArray[np.float64], *, field: str, warnings: list[str]
) -> NDArray[np.float64]:
    """Check a ring has enough positions; close an open ring with a warning."""
    if ring.shape[0] < 3:
        raise LocationParseError(
            f"{field}: a ring needs at least 4 positions, got {ring.shape[0]}", field=field
        )
    if not np.array_equal(ring[0], ring[-1]):
        warnings.append(f"{field}: ring was not closed; closed it")
        ring = np.vstack([ring, ring[:1]])
    if ring.shape[0] < 4:
        raise LocationParseError(
            f"{field}: a ring needs at least 4 positions, got {ring.shape[0]}", field=field
        )
    return ring


def to_location(region: Region, *, fmt: LocationFormat, extras: Extras) -> CallerLocation:
    """Assemble the :class:`CallerLocation` (any model violation becomes a parse error)."""
    confidence = extras.confidence
    warnings = list(dict.fromkeys(extras.warnings))
    if region.shape == "point":
        if confidence is not None:
            warnings.append("confidence ignored: a point has no region to be confident about")
        confidence = None
        warnings.append("no uncertainty given: uncertainty unknown, not zero")
    try:
        return CallerLocation(
            format=fmt,
            shape=region.shape,
            lon=region.lon,
            lat=region.lat,
            region=_geojson(region.geometry),
            uncertainty_m=region.uncertainty_m,
            confidence=95.0 if confidence is None else confidence,
            method=extras.method,
            time=extras.time,
            civic=extras.civic,
            altitude_m=extras.altitude_m,
            warnings=warnings,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"]) or "location"
        raise LocationParseError(f"{name}: {first['msg']}", field=name) from None


def finish_region(
    shape: Shape,
    lon: float,
    lat: float,
    polygon: shapely.Geometry,
    *,
    uncertainty_m: float | None = None,
) -> Region:
    """Measure ``polygon`` about the reference point; refuse broken or implausible regions.

    ``uncertainty_m``: the farthest distance when the shape knows it (a circle's radius).
    """
    minx, _miny, maxx, _maxy = polygon.bounds
    if not polygon.is_valid or maxx - minx > 180.0:
        raise LocationParseError(
            f"{shape}: region about {lat:.5f}, {lon:.5f} crosses the antimeridian or a pole",
            field=shape,
        )
    if uncertainty_m is None:
        farthest_m = geo.max_distance_m(lon=lon, lat=lat, geom=polygon)
    else:
        farthest_m = uncertainty_m
    # to the millimetre: finer digits are the polygon's float noise, not information
    uncertainty_m = round(farthest_m, 3)
    if uncertainty_m > MAX_UNCERTAINTY_M:
        raise LocationParseError(
            f"{shape}: region reaches {uncertainty_m:.0f} m from its centre, more than "
            f"{MAX_UNCERTAINTY_M:.0f} m (implausible for a caller location)",
            field=shape,
        )
    return Region(shape, lon, lat, polygon, uncertainty_m)


def _area_m2(polygon: shapely.Polygon) -> float:
    """Geodesic area in square metres (exterior minus holes), from numpy coordinates."""
    rings = [polygon.exterior, *polygon.interiors]
    areas = []
    for ring in rings:
        xy = shapely.get_coordinates(ring)
        area, _perimeter = _GEOD.polygon_area_perimeter(xy[:-1, 0], xy[:-1, 1])
        areas.append(abs(area))
    return float(areas[0] - sum(areas[1:]))


def _geojson(geometry: shapely.Geometry) -> dict[str, Any]:
    if isinstance(geometry, shapely.Polygon):  # every region but a point: a third of the time
        rings = [geometry.exterior, *geometry.interiors]
        return {
            "type": "Polygon",
            "coordinates": [shapely.get_coordinates(ring).tolist() for ring in rings],
        }
    result: dict[str, Any] = orjson.loads(shapely.to_geojson(geometry))
    return result
