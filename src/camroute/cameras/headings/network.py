"""Named streets in metres, searchable around a camera: the street side of heading suggestions.

Pure: shapely, numpy and the project's metric projection. Built once per run from the stored
``streets`` layer (WGS84 ``lon, lat``); every length and distance below is in metres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.cameras.headings.names import street_key
from camroute.geo import LocalProjection, local_projection

# Footpaths, steps and driveways are rarely what a street camera watches.
MINOR_CLASSES: Final = frozenset(
    {"footway", "path", "steps", "pedestrian", "cycleway", "service", "track", "corridor"}
)
_LINEAR = (1, 5)  # shapely type ids: LineString, MultiLineString


@dataclass(frozen=True)
class NearbyStreet:
    """One street (all its ways of the same name, merged) near a point, in metres."""

    name: str
    key: str
    minor: bool
    lines: tuple[shapely.LineString, ...]
    distance_m: float


@dataclass(frozen=True, eq=False)
class StreetNetwork:
    """Named street lines projected to metres with a spatial index; build with :meth:`build`."""

    projection: LocalProjection
    names: NDArray[np.object_]
    keys: NDArray[np.object_]
    minor: NDArray[np.bool_]
    lines: NDArray[np.object_]
    tree: shapely.STRtree

    def __len__(self) -> int:
        return int(self.lines.shape[0])

    @classmethod
    def build(
        cls,
        *,
        names: Sequence[str | None],
        lines: Sequence[shapely.Geometry],
        classes: Sequence[str | None] | None = None,
        projection: LocalProjection | None = None,
    ) -> StreetNetwork:
        """Keep the named linear ways of ``lines`` (WGS84) and project them to metres.

        ``classes`` are OSM ``highway`` values; minor ones (footways, driveways) still count
        but rank low. The projection is the one of the streets' centre unless given.

        Examples
        --------
        >>> way = shapely.LineString([(106.7, 10.77), (106.701, 10.77)])
        >>> net = StreetNetwork.build(names=["Lê Lợi", None], lines=[way, way])
        >>> len(net), net.keys[0]
        (1, 'le loi')
        """
        geoms = np.asarray(lines, dtype=object)
        name_arr = np.asarray([n or "" for n in names], dtype=object)
        cls_arr = np.asarray(classes if classes is not None else [None] * len(geoms), dtype=object)
        keep = np.isin(shapely.get_type_id(geoms), _LINEAR) & ~shapely.is_empty(geoms)
        keep &= np.array([bool(str(n).strip()) for n in name_arr], dtype=bool)
        geoms, name_arr, cls_arr = geoms[keep], name_arr[keep], cls_arr[keep]
        if projection is None:
            x0, y0, x1, y1 = shapely.total_bounds(geoms) if geoms.size else (0.0, 0.0, 0.0, 0.0)
            projection = local_projection(lon=(x0 + x1) / 2, lat=(y0 + y1) / 2)
        metric = np.asarray([projection.geometry_to_metric(g) for g in geoms], dtype=object)
        return cls(
            projection=projection,
            names=name_arr,
            keys=np.asarray([street_key(str(n)) for n in name_arr], dtype=object),
            minor=np.asarray([c in MINOR_CLASSES for c in cls_arr], dtype=bool),
            lines=metric,
            tree=shapely.STRtree(metric),
        )

    def near(self, *, x_m: float, y_m: float, radius_m: float) -> list[NearbyStreet]:
        """The streets within ``radius_m`` of the metric point, nearest first."""
        point = shapely.Point(x_m, y_m)
        found = self.tree.query(point, predicate="dwithin", distance=radius_m)
        groups: dict[str, list[int]] = {}
        for i in found.tolist():
            groups.setdefault(str(self.keys[i]), []).append(int(i))
        streets = []
        for key, members in groups.items():
            merged = shapely.line_merge(shapely.union_all(self.lines[members]))
            parts = tuple(p for p in shapely.get_parts(merged) if p.length > 0.0)
            distances = shapely.distance(point, np.asarray(parts, dtype=object))
            streets.append(
                NearbyStreet(
                    name=str(self.names[members[0]]),
                    key=key,
                    minor=bool(self.minor[members].all()),
                    lines=parts,
                    distance_m=float(np.min(distances)),
                )
            )
        return sorted(streets, key=lambda s: s.distance_m)
