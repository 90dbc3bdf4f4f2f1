"""Metric STRtrees partitioned by UTM zone: nearest and containment in metres, never degrees.

Pure. Containment is tested on the stored WGS84 geometry; distances in metres. Each feature
goes to the UTM zone of its representative point; a query point is projected
into its own zone and the two neighbouring ones (when they hold features), so a national layer
spanning zones 48 and 49 answers correctly near the seam.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.geo.crs import LocalProjection, local_projection, utm_epsg

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass
class QueryPoint:
    """A WGS84 point that remembers its projection into each metric CRS it was asked for."""

    lon: float
    lat: float
    _projected: dict[int, NDArray[np.object_]] = field(default_factory=dict)
    epsg: int = field(init=False)
    wgs84: NDArray[np.object_] = field(init=False)

    def __post_init__(self) -> None:
        self.epsg = utm_epsg(lon=self.lon, lat=self.lat)
        self.wgs84 = shapely.points(np.array([[self.lon, self.lat]]))

    def metric(self, projection: LocalProjection) -> NDArray[np.object_]:
        """The point in ``projection``'s metres, as a one-element array (cached per CRS).

        A one-element array keeps shapely's vectorised calls on their fast path.
        """
        point = self._projected.get(projection.epsg)
        if point is None:
            x, y = projection._forward.transform(self.lon, self.lat)
            point = shapely.points(np.array([[x, y]]))
            self._projected[projection.epsg] = point
        return point


@dataclass(frozen=True)
class _Partition:
    projection: LocalProjection
    tree: shapely.STRtree
    ids: IntArray


def zone_projection(epsg: int) -> LocalProjection:
    """The metric projection of a UTM zone EPSG code (cached by ``camroute.geo``)."""
    zone = epsg % 100
    lon = -180.0 + (zone - 0.5) * 6.0
    return local_projection(lon=lon, lat=1.0 if epsg < 32700 else -1.0)


class ZonedIndex:
    """STRtrees over geometries projected to metres, one per UTM zone.

    Examples
    --------
    >>> idx = ZonedIndex.build([shapely.Point(106.70, 10.77), shapely.Point(106.71, 10.77)])
    >>> ids, dist_m = idx.nearest(QueryPoint(106.702, 10.77))
    >>> int(ids[0]), round(float(dist_m[0]))
    (0, 219)
    >>> len(idx), len(ZonedIndex.build([]))
    (2, 0)
    """

    def __init__(
        self, partitions: dict[int, _Partition], size: int, wgs84: shapely.STRtree | None = None
    ) -> None:
        self._partitions = partitions
        self._wgs84 = wgs84
        self._size = size
        self._local: dict[int, tuple[_Partition, int]] = {}
        for part in partitions.values():
            self._local.update((int(g), (part, pos)) for pos, g in enumerate(part.ids))

    def __len__(self) -> int:
        return self._size

    @classmethod
    def build(cls, geoms: Sequence[shapely.Geometry] | NDArray[np.object_]) -> ZonedIndex:
        """Partition ``geoms`` (WGS84) by UTM zone and index each partition in metres."""
        arr = np.asarray(geoms, dtype=object)
        if arr.size == 0:
            return cls({}, 0)
        reps = shapely.point_on_surface(arr)
        lons, lats = shapely.get_x(reps), shapely.get_y(reps)
        zones = np.array(
            [utm_epsg(lon=float(x), lat=float(y)) for x, y in zip(lons, lats, strict=True)]
        )
        partitions: dict[int, _Partition] = {}
        for epsg in np.unique(zones):
            ids = np.flatnonzero(zones == epsg).astype(np.int64)
            projection = zone_projection(int(epsg))
            metric = shapely.transform(arr[ids], projection._forward_xy)
            partitions[int(epsg)] = _Partition(projection, shapely.STRtree(metric), ids)
        return cls(partitions, int(arr.size), shapely.STRtree(arr))

    def _near(self, point: QueryPoint) -> list[_Partition]:
        if not self._partitions:
            return []
        epsg = point.epsg
        return [self._partitions[e] for e in (epsg, epsg - 1, epsg + 1) if e in self._partitions]

    def containing(self, point: QueryPoint) -> IntArray:
        """Ids of the geometries that intersect the point (boundary included).

        Tested on the stored WGS84 geometry (edges straight in ``lon, lat``), so a point on a
        shared edge is in both units exactly as the source data draws them.
        """
        if self._wgs84 is None:
            return np.empty(0, np.int64)
        hits = self._wgs84.query(point.wgs84, predicate="intersects")
        return np.asarray(hits[1], dtype=np.int64)

    def nearest(
        self, point: QueryPoint, *, max_distance_m: float | None = None
    ) -> tuple[IntArray, FloatArray]:
        """Ids of the nearest geometries (all ties) and their distances in metres."""
        best_ids: IntArray = np.empty(0, np.int64)
        best_d: FloatArray = np.empty(0, np.float64)
        for p in self._near(point):
            hits, dist = p.tree.query_nearest(
                point.metric(p.projection), max_distance=max_distance_m, return_distance=True
            )
            if hits.size and (best_d.size == 0 or dist[0] < best_d[0]):
                best_ids, best_d = p.ids[hits[1]], np.asarray(dist, np.float64)
        return best_ids, best_d

    def within(self, point: QueryPoint, distance_m: float) -> tuple[IntArray, FloatArray]:
        """Ids of the geometries within ``distance_m`` metres, with their distances."""
        ids: list[IntArray] = []
        dists: list[FloatArray] = []
        for p in self._near(point):
            metric_pt = point.metric(p.projection)
            hits = p.tree.query(metric_pt, predicate="dwithin", distance=distance_m)[1]
            ids.append(p.ids[hits])
            dists.append(shapely.distance(p.tree.geometries[hits], metric_pt[0]))
        if not ids:
            return np.empty(0, np.int64), np.empty(0, np.float64)
        return np.concatenate(ids), np.concatenate(dists).astype(np.float64)

    def nearest_point_on(self, point: QueryPoint, gid: int) -> tuple[float, float]:
        """``lon, lat`` of the point of geometry ``gid`` closest to ``point``."""
        part, pos = self._local[gid]
        line = shapely.shortest_line(part.tree.geometries[pos], point.metric(part.projection)[0])
        x, y = shapely.get_coordinates(line)[0]
        lon, lat = part.projection.to_wgs84(x, y)
        return float(lon), float(lat)
