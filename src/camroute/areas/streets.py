"""Named streets, their intersections and points of interest, for reverse lookup.

Pure core. Intersections are computed once at load from the geometry: every place where two
ways with different (normalised) names share a node or cross. Points of interest named
``"A - B"`` (traffic cameras are named for the corner they watch) add named-point
intersections where no street geometry exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.areas.models import AreaFeature, IntersectionRead, PoiRead, StreetRead
from camroute.areas.spatial import QueryPoint, ZonedIndex
from camroute.areas.textnorm import normalise

_PAIR_SPLIT = " - "
_TAG = re.compile(r"\s*\([^)]*\)\s*$")  # "Điện Biên Phủ (1)", "Hùng Vương (PTZ)"
REPORT_MAX_M = 2_000.0  # a street, corner or landmark farther than this is not "nearby"


@dataclass(frozen=True)
class Intersections:
    """Intersection points: the two names (sorted), position, and where they came from."""

    name_a: NDArray[np.object_]
    name_b: NDArray[np.object_]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    source: NDArray[np.object_]

    def __len__(self) -> int:
        return int(self.lon.size)


def _empty() -> Intersections:
    none = np.empty(0, dtype=object)
    return Intersections(none, none, np.empty(0), np.empty(0), none)


def street_intersections(lines: Sequence[shapely.Geometry], names: Sequence[str]) -> Intersections:
    """Points where lines with different normalised names meet (deduplicated to ~1 m).

    Examples
    --------
    >>> a = shapely.LineString([(0, 0), (0.002, 0)])
    >>> b = shapely.LineString([(0.001, -0.001), (0.001, 0.001)])
    >>> c = shapely.LineString([(0.002, 0), (0.003, 0)])  # same street as a: not a corner
    >>> found = street_intersections([a, b, c], ["Lê Lợi", "Nguyễn Huệ", "LÊ LỢI"])
    >>> len(found), sorted([found.name_a[0], found.name_b[0]]), float(found.lon[0])
    (1, ['Lê Lợi', 'Nguyễn Huệ'], 0.001)
    """
    geoms = np.asarray(lines, dtype=object)
    if geoms.size < 2:
        return _empty()
    keys = np.array([normalise(n) for n in names], dtype=object)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = (left < right) & (keys[left] != keys[right])
    left, right = left[keep], right[keep]
    parts, owner = shapely.get_parts(
        shapely.intersection(geoms[left], geoms[right]), return_index=True
    )
    points = np.where(
        shapely.get_type_id(parts) == 0, parts, shapely.get_point(shapely.boundary(parts), 0)
    )
    ok = ~shapely.is_missing(points) & ~shapely.is_empty(points)
    points, owner = points[ok], owner[ok]
    name_l = np.array(names, dtype=object)[left[owner]]
    name_r = np.array(names, dtype=object)[right[owner]]
    swap = np.array([str(a) > str(b) for a, b in zip(name_l, name_r, strict=True)], dtype=bool)
    name_a, name_b = np.where(swap, name_r, name_l), np.where(swap, name_l, name_r)
    lon, lat = shapely.get_x(points), shapely.get_y(points)
    key = np.array(
        [f"{a}|{b}|{x:.5f}|{y:.5f}" for a, b, x, y in zip(name_a, name_b, lon, lat, strict=True)]
    )
    _, first = np.unique(key, return_index=True) if key.size else (None, np.empty(0, int))
    first = np.sort(first)
    source = np.full(first.size, "geometry", dtype=object)
    return Intersections(name_a[first], name_b[first], lon[first], lat[first], source)


def named_point_intersections(pois: Sequence[AreaFeature]) -> Intersections:
    """Intersections from points named ``"A - B"`` (e.g. HCMC traffic cameras).

    Examples
    --------
    >>> cam = AreaFeature(kind="pois", name="Lê Duẩn - Tôn Đức Thắng",
    ...                   geometry=shapely.Point(106.70, 10.78))
    >>> found = named_point_intersections([cam])
    >>> found.name_a[0], found.name_b[0], found.source[0]
    ('Lê Duẩn', 'Tôn Đức Thắng', 'named-point')
    """
    rows = []
    for poi in pois:
        parts = [_TAG.sub("", p).strip() for p in poi.name.split(_PAIR_SPLIT)]
        if len(parts) == 2 and all(parts) and normalise(parts[0]) != normalise(parts[1]):
            point = shapely.point_on_surface(poi.geometry)
            rows.append((*sorted(parts), point.x, point.y))
    if not rows:
        return _empty()
    a, b, x, y = zip(*rows, strict=True)
    return Intersections(
        np.array(a, dtype=object),
        np.array(b, dtype=object),
        np.array(x, dtype=float),
        np.array(y, dtype=float),
        np.full(len(rows), "named-point", dtype=object),
    )


def _concat(first: Intersections, second: Intersections) -> Intersections:
    return Intersections(
        *(
            np.concatenate([getattr(first, f), getattr(second, f)])
            for f in ("name_a", "name_b", "lon", "lat", "source")
        )
    )


class StreetIndex:
    """Nearest named street, nearest intersection and nearest point of interest."""

    def __init__(self, streets: Sequence[AreaFeature], pois: Sequence[AreaFeature]) -> None:
        self.streets = [s for s in streets if s.name]
        self.pois = list(pois)
        self._streets = ZonedIndex.build([s.geometry for s in self.streets])
        self.intersections = _concat(
            street_intersections(
                [s.geometry for s in self.streets], [s.name for s in self.streets]
            ),
            named_point_intersections(self.pois),
        )
        cross = self.intersections
        self._cross = ZonedIndex.build(shapely.points(cross.lon, cross.lat))
        self._pois = ZonedIndex.build([p.geometry for p in self.pois])

    def street(self, point: QueryPoint) -> StreetRead | None:
        """The nearest named street and the closest point on it."""
        ids, dist = self._streets.nearest(point, max_distance_m=REPORT_MAX_M)
        if not ids.size:
            return None
        gid = int(ids.min())
        lon, lat = self._streets.nearest_point_on(point, gid)
        name = self.streets[gid].name
        return StreetRead.model_construct(
            name=name, distance_m=round(float(dist[0]), 1), lon=lon, lat=lat
        )

    def intersection(self, point: QueryPoint) -> IntersectionRead | None:
        """The nearest intersection of two differently named streets."""
        ids, dist = self._cross.nearest(point, max_distance_m=REPORT_MAX_M)
        if not ids.size:
            return None
        i = int(ids.min())
        c = self.intersections
        return IntersectionRead.model_construct(
            names=[str(c.name_a[i]), str(c.name_b[i])],
            lon=float(c.lon[i]),
            lat=float(c.lat[i]),
            distance_m=round(float(dist[0]), 1),
            source="geometry" if c.source[i] == "geometry" else "named-point",
        )

    def poi(self, point: QueryPoint) -> PoiRead | None:
        """The nearest point of interest."""
        ids, dist = self._pois.nearest(point, max_distance_m=REPORT_MAX_M)
        if not ids.size:
            return None
        poi = self.pois[int(ids.min())]
        where = shapely.point_on_surface(poi.geometry)
        category = poi.props.get("category")
        return PoiRead.model_construct(
            name=poi.name,
            category=None if category is None else str(category),
            lon=where.x,
            lat=where.y,
            distance_m=round(float(dist[0]), 1),
        )
