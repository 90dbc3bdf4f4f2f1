"""Building footprints kept compact, with polygons made only for the few a query touches.

As shapely polygons with an STRtree, two million footprints take about 960 MB; here each is
its exterior ring as float32 offsets from its centre, the centre, a radius and a height (about
100 bytes), found through a k-d tree of the centres. Footprints wider than
``LARGE_RADIUS_M`` (a terminal, a mall) would widen every k-d search, so those few stay as
polygons in an STRtree of their own. Courtyards are treated as part of the footprint (a sight
line into one crosses a wall anyway) and the parts of a multi-part building are footprints
of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from camroute.routing.jit import compiled
from camroute.routing.rings import polygon_parts, vertex_ids

LARGE_RADIUS_M = 40.0
Floats = NDArray[np.float64]
Indices = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Footprints:
    """Footprints in metres; footprint ``i`` owns vertices ``offsets[i]:offsets[i + 1]``."""

    offsets: NDArray[np.int64]
    dx_m: NDArray[np.float32]
    dy_m: NDArray[np.float32]
    x_m: Floats
    y_m: Floats
    radius_m: NDArray[np.float32]
    height_m: Floats
    small_tree: Any  # scipy cKDTree over the centres of the small footprints
    small: Indices  # footprint number of each point in ``small_tree``
    large: Indices  # footprint number of each polygon in ``large_tree``
    large_tree: shapely.STRtree | None

    def __len__(self) -> int:
        return int(self.x_m.size)

    @classmethod
    def from_polygons(cls, geoms: NDArray[np.object_], height_m: Floats) -> Footprints:
        """Footprints from metric (Multi)Polygons with one height each (NaN: unknown).

        Examples
        --------
        >>> fp = Footprints.from_polygons(
        ...     np.array([shapely.box(0, 0, 10, 4), shapely.box(0, 0, 200, 100)]),
        ...     np.array([6.0, np.nan]))
        >>> len(fp), fp.large.tolist(), fp.polygons(np.array([0]))[0].bounds
        (2, [1], (0.0, 0.0, 10.0, 4.0))
        """
        kind = shapely.get_type_id(geoms)
        keep = (kind >= 3) & ~shapely.is_empty(geoms)
        plain = keep & (kind == 3) & (shapely.get_num_interior_rings(geoms) == 0)
        simple = np.flatnonzero(plain)  # most buildings: the coordinates are the one ring
        coords, vertex_of = shapely.get_coordinates(geoms[simple], return_index=True)
        bounds = shapely.bounds(geoms[simple])
        other = np.flatnonzero(keep & ~plain)  # holes or several parts: copy those few
        if other.size:
            parts, part_of = polygon_parts(geoms[other])
            shells = shapely.get_exterior_ring(parts)
            extra, extra_of = shapely.get_coordinates(shells, return_index=True)
            coords = np.vstack([coords, extra])
            vertex_of = np.concatenate([vertex_of, extra_of + simple.size])
            bounds = np.vstack([bounds, shapely.bounds(parts)])
            owner = np.concatenate([simple, other[part_of]])
        else:
            owner = simple
        offsets = np.zeros(owner.size + 1, np.int64)
        np.cumsum(np.bincount(vertex_of, minlength=owner.size), out=offsets[1:])
        centre = (bounds[:, :2] + bounds[:, 2:]) / 2.0
        return cls._of(coords, offsets, centre, np.asarray(height_m, float)[owner])

    @classmethod
    def _of(
        cls,
        coords: Floats,
        offsets: NDArray[np.int64],
        centre: Floats,
        height_m: Floats,
    ) -> Footprints:
        x, y = centre[:, 0].copy(), centre[:, 1].copy()
        dx, dy, radius = _relative(np.ascontiguousarray(coords), offsets, x, y)
        large = np.flatnonzero(radius > LARGE_RADIUS_M)
        small = np.flatnonzero(radius <= LARGE_RADIUS_M)
        big = _polygons(offsets, dx, dy, x, y, large)  # made from the stored floats, as later
        return cls(
            offsets=offsets,
            dx_m=dx,
            dy_m=dy,
            x_m=x,
            y_m=y,
            radius_m=radius,
            height_m=height_m,
            small_tree=_kd_tree(centre[small]) if small.size else None,
            small=small,
            large=large,
            large_tree=shapely.STRtree(big) if large.size else None,
        )

    @classmethod
    def empty(cls) -> Footprints:
        """No footprints at all."""
        return cls.from_polygons(np.empty(0, dtype=object), np.empty(0))

    def near(self, x_m: Floats, y_m: Floats, reach_m: Floats) -> tuple[Indices, Indices]:
        """Pairs ``(query, footprint)``: footprints that may come within ``reach_m`` of a point.

        A superset (bounding circles and envelopes); callers test the polygons exactly.
        """
        x, y = np.atleast_1d(x_m), np.atleast_1d(y_m)
        reach = np.broadcast_to(np.asarray(reach_m, float), x.shape)
        out_q, out_f = [np.empty(0, np.intp)], [np.empty(0, np.intp)]
        if self.small_tree is not None and x.size:
            found = self.small_tree.query_ball_point(
                np.column_stack([x, y]), reach + LARGE_RADIUS_M, return_sorted=False
            )
            counts = np.fromiter((len(f) for f in found), np.intp, x.size)
            if counts.sum():
                q = np.repeat(np.arange(x.size), counts)
                f = self.small[np.concatenate([np.asarray(f, np.intp) for f in found if f])]
                close = np.hypot(self.x_m[f] - x[q], self.y_m[f] - y[q])
                ok = close <= reach[q] + self.radius_m[f]
                out_q.append(q[ok])
                out_f.append(f[ok])
        if self.large_tree is not None and x.size:
            boxes = shapely.box(x - reach, y - reach, x + reach, y + reach)
            q, t = self.large_tree.query(boxes)
            out_q.append(q)
            out_f.append(self.large[t])
        return np.concatenate(out_q), np.concatenate(out_f)

    def polygons(self, which: Indices) -> NDArray[np.object_]:
        """Shapely polygons (metres) of footprints ``which``, made now."""
        return _polygons(self.offsets, self.dx_m, self.dy_m, self.x_m, self.y_m, which)

    def around(self, x_m: Floats, y_m: Floats, reach_m: Floats) -> Indices:
        """Footprints that may come within ``reach_m`` of any of the points (sorted, unique).

        Examples
        --------
        >>> fp = Footprints.from_polygons(
        ...     np.array([shapely.box(10, 0, 12, 2), shapely.box(90, 0, 92, 2)]),
        ...     np.array([np.nan, np.nan]))
        >>> fp.around(np.array([0.0]), np.array([0.0]), np.array([20.0])).tolist()
        [0]
        """
        return np.unique(self.near(x_m, y_m, reach_m)[1])


@compiled
def _relative(
    coords: Floats, offsets: NDArray[np.int64], x: Floats, y: Floats
) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
    """Vertex offsets from each footprint's centre (float32, one spare slot) and radii.

    One pass over the vertices; as whole-array steps the same work costs a second at two
    million footprints, most of the index build.
    """
    n = offsets.size - 1
    dx = np.zeros(coords.shape[0] + 1, np.float32)
    dy = np.zeros(coords.shape[0] + 1, np.float32)
    radius = np.zeros(n, np.float32)
    for i in range(n):
        reach = 0.0
        for v in range(offsets[i], offsets[i + 1]):
            rx, ry = coords[v, 0] - x[i], coords[v, 1] - y[i]
            dx[v], dy[v] = rx, ry
            reach = max(reach, np.sqrt(rx * rx + ry * ry))
        radius[i] = reach + 1e-3  # float32 rounding must not shrink it
    return dx, dy, radius


def _kd_tree(points: Floats) -> Any:
    """A k-d tree with sliding-midpoint splits: twice as fast to build as median splits.

    Queries on evenly spread points cost about the same either way.
    """
    return cKDTree(points, balanced_tree=False, compact_nodes=False)


def _polygons(
    offsets: NDArray[np.int64],
    dx: NDArray[np.float32],
    dy: NDArray[np.float32],
    x: Floats,
    y: Floats,
    which: Indices,
) -> NDArray[np.object_]:
    if which.size == 0:
        return np.empty(0, dtype=object)
    verts = vertex_ids(offsets, which)
    counts = offsets[which + 1] - offsets[which]
    owner = np.repeat(which, counts)
    coords = np.column_stack([x[owner] + dx[verts], y[owner] + dy[verts]])
    ring_offsets = np.zeros(which.size + 1, np.int64)
    np.cumsum(counts, out=ring_offsets[1:])
    polys: NDArray[np.object_] = shapely.from_ragged_array(
        shapely.GeometryType.POLYGON, coords, (ring_offsets, np.arange(which.size + 1))
    )
    return polys
