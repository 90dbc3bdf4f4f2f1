"""Polygons kept as flat ring arrays, and the exact area each shares with a disc.

For rings oriented counter-clockwise (holes clockwise), the area of a polygon inside a circle
is the sum over its edges P→Q of the signed area of (triangle centre, P, Q) ∩ disc: the piece
of the edge inside the circle adds its triangle, the pieces outside add the circular sector
they subtend. That is numpy over every edge of every asked-for polygon at once, with no
geometry built per query, and it is exact for the true circle rather than a polygon of it.

Vertices are float32 offsets from an anchor per polygon (the camera): 9 bytes a vertex, and
about 1e-5 m of rounding within a camera's range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.routing.jit import compiled

Floats = NDArray[np.float64]
Indices = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class RingStore:
    """Rings of many polygons: polygon ``i`` owns vertices ``offsets[i]:offsets[i + 1]``."""

    offsets: NDArray[np.int64]
    dx_m: NDArray[np.float32]
    dy_m: NDArray[np.float32]
    closing: NDArray[np.bool_]  # True at a ring's last vertex: no edge starts there

    @classmethod
    def empty(cls, n: int) -> RingStore:
        """``n`` polygons, none with a vertex."""
        return cls(
            offsets=np.zeros(n + 1, np.int64),
            dx_m=np.zeros(1, np.float32),
            dy_m=np.zeros(1, np.float32),
            closing=np.ones(1, bool),
        )

    @classmethod
    def from_polygons(
        cls, geoms: NDArray[np.object_], *, anchor_x_m: Floats, anchor_y_m: Floats
    ) -> RingStore:
        """Flatten ``geoms`` (Polygon, MultiPolygon, empty or None) about their anchors.

        Examples
        --------
        >>> store = RingStore.from_polygons(
        ...     np.array([shapely.box(0, 0, 2, 2), None], dtype=object),
        ...     anchor_x_m=np.array([1.0, 0.0]), anchor_y_m=np.array([1.0, 0.0]))
        >>> store.offsets.tolist(), store.dx_m[:5].tolist()
        ([0, 5, 5], [1.0, 1.0, -1.0, -1.0, 1.0])
        """
        n = len(geoms)
        present = np.array([g is not None for g in geoms], bool)
        if not present.any():
            return cls.empty(n)
        which = np.flatnonzero(present)
        parts, part_owner = polygon_parts(geoms[which])
        oriented = shapely.orient_polygons(parts, exterior_cw=False)
        rings, ring_part = shapely.get_rings(oriented, return_index=True)
        coords, vertex_ring = shapely.get_coordinates(rings, return_index=True)
        owner = which[part_owner[ring_part[vertex_ring]]]
        counts = np.bincount(owner, minlength=n)
        offsets = np.zeros(n + 1, np.int64)
        np.cumsum(counts, out=offsets[1:])
        closing = np.ones(coords.shape[0] + 1, bool)  # plus one guard vertex at the end
        closing[:-1] = np.r_[vertex_ring[1:] != vertex_ring[:-1], True]
        pad = np.zeros(1)
        return cls(
            offsets=offsets,
            dx_m=np.r_[coords[:, 0] - anchor_x_m[owner], pad].astype(np.float32),
            dy_m=np.r_[coords[:, 1] - anchor_y_m[owner], pad].astype(np.float32),
            closing=closing,
        )

    def replaced(self, which: Indices, other: RingStore) -> RingStore:
        """A new store where polygon ``which[k]`` is polygon ``k`` of ``other``.

        Examples
        --------
        >>> a = RingStore.from_polygons(np.array([shapely.box(0, 0, 1, 1)] * 2),
        ...     anchor_x_m=np.zeros(2), anchor_y_m=np.zeros(2))
        >>> b = RingStore.from_polygons(np.array([shapely.box(0, 0, 2, 1)]),
        ...     anchor_x_m=np.zeros(1), anchor_y_m=np.zeros(1))
        >>> c = a.replaced(np.array([1]), b)
        >>> c.offsets.tolist(), float(c.dx_m[5:10].max())
        ([0, 5, 10], 2.0)
        """
        counts = np.diff(self.offsets)
        counts[which] = np.diff(other.offsets)
        offsets = np.zeros(counts.size + 1, np.int64)
        np.cumsum(counts, out=offsets[1:])
        size = int(offsets[-1]) + 1  # plus the guard vertex
        dx, dy, closing = (
            np.zeros(size, np.float32),
            np.zeros(size, np.float32),
            np.ones(size, bool),
        )
        keep = np.ones(counts.size, bool)
        keep[which] = False
        kept = np.flatnonzero(keep)
        moves = (
            (vertex_ids(offsets, kept), vertex_ids(self.offsets, kept), self),
            (vertex_ids(offsets, which), vertex_ids(other.offsets, np.arange(which.size)), other),
        )
        for dst, src, store in moves:
            dx[dst], dy[dst], closing[dst] = store.dx_m[src], store.dy_m[src], store.closing[src]
        return RingStore(offsets=offsets, dx_m=dx, dy_m=dy, closing=closing)

    def disc_overlap_m2(
        self, which: Indices, *, centre_dx_m: Floats, centre_dy_m: Floats, radius_m: float
    ) -> Floats:
        """Area of each polygon ``which`` inside a disc, the centre given from its anchor.

        Examples
        --------
        >>> square = RingStore.from_polygons(np.array([shapely.box(-10, -10, 10, 10)]),
        ...     anchor_x_m=np.zeros(1), anchor_y_m=np.zeros(1))
        >>> a = square.disc_overlap_m2(np.array([0, 0]), centre_dx_m=np.array([0.0, 10.0]),
        ...     centre_dy_m=np.array([0.0, 10.0]), radius_m=5.0)
        >>> (a / (np.pi * 25)).round(6).tolist()
        [1.0, 0.25]
        """
        result: Floats = _disc_overlap(
            self.offsets,
            self.dx_m,
            self.dy_m,
            self.closing,
            np.asarray(which, np.int64),
            np.asarray(centre_dx_m, np.float64),
            np.asarray(centre_dy_m, np.float64),
            float(radius_m),
        )
        return result

    def covers_points(
        self,
        which: Indices,
        *,
        points_dx_m: Floats,
        points_dy_m: Floats,
        mask: NDArray[np.bool_],
        tolerance_m: float,
    ) -> NDArray[np.bool_]:
        """Polygon ``which[i]`` x point ``j`` where ``mask[i, j]``: the polygon holds the point.

        ``points_dx_m[i, j]`` is point ``j`` from polygon ``which[i]``'s anchor. One pass over
        each polygon's edges for all of its points (no GEOS, so nothing is prepared inside
        geometries that threads share); where ``mask`` is False the answer is False.

        Examples
        --------
        >>> ring = RingStore.from_polygons(np.array([shapely.box(0, 0, 10, 10)]),
        ...     anchor_x_m=np.zeros(1), anchor_y_m=np.zeros(1))
        >>> ring.covers_points(np.zeros(1, np.intp), points_dx_m=np.array([[5.0, 5.0, 20.0]]),
        ...     points_dy_m=np.array([[5.0, 5.0, 5.0]]), mask=np.array([[True, False, True]]),
        ...     tolerance_m=1e-3).tolist()
        [[True, False, False]]
        """
        result: NDArray[np.bool_] = _covers_points(
            self.offsets,
            self.dx_m,
            self.dy_m,
            self.closing,
            np.asarray(which, np.int64),
            np.ascontiguousarray(points_dx_m, np.float64),
            np.ascontiguousarray(points_dy_m, np.float64),
            np.ascontiguousarray(mask, np.bool_),
            float(tolerance_m),
        )
        return result


def polygon_parts(geoms: NDArray[np.object_]) -> tuple[NDArray[np.object_], Indices]:
    """The non-empty polygons of ``geoms`` and their owners, grouped by owner in order.

    Multi-parts and collections are opened at any depth: ``make_valid`` turns a bow-tie
    footprint into a collection holding a multi-polygon, which must not be lost.

    Examples
    --------
    >>> bow = shapely.make_valid(shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)]))
    >>> lone = shapely.GeometryCollection([bow, shapely.LineString([(5, 5), (6, 6)])])
    >>> parts, owner = polygon_parts(np.array([shapely.box(0, 0, 1, 1), lone], dtype=object))
    >>> owner.tolist(), shapely.area(parts).round(2).tolist()
    ([0, 1, 1], [1.0, 1.0, 1.0])
    """
    parts, owner = np.asarray(geoms, dtype=object), np.arange(len(geoms))
    while True:
        nested = shapely.get_type_id(parts) >= 4  # multi-parts and collections
        if not nested.any():
            break
        inner, at = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], inner])
        owner = np.concatenate([owner[~nested], owner[nested][at]])
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    parts, owner = parts[keep], owner[keep]
    order = np.argsort(owner, kind="stable")  # offsets assume each owner's parts together
    return parts[order], owner[order]


def vertex_ids(offsets: NDArray[np.int64], which: Indices) -> Indices:
    """The vertex positions of polygons ``which``, concatenated in that order."""
    starts = offsets[which]
    counts = offsets[which + 1] - starts
    shift = starts - (np.cumsum(counts) - counts)
    ids: Indices = np.arange(int(counts.sum())) + np.repeat(shift, counts)
    return ids


@compiled
def _disc_overlap(
    offsets: NDArray[np.int64],
    dx: NDArray[np.float32],
    dy: NDArray[np.float32],
    closing: NDArray[np.bool_],
    which: NDArray[np.int64],
    cdx: Floats,
    cdy: Floats,
    r: float,
) -> Floats:
    out = np.zeros(which.size)
    for k in range(which.size):
        i = which[k]
        total = 0.0
        for j in range(offsets[i], offsets[i + 1]):
            if not closing[j]:
                total += _edge_disc_area(
                    dx[j] - cdx[k], dy[j] - cdy[k], dx[j + 1] - cdx[k], dy[j + 1] - cdy[k], r
                )
        out[k] = total
    return out


@compiled
def _edge_disc_area(px: float, py: float, qx: float, qy: float, r: float) -> float:
    """Signed area of (origin, P, Q) ∩ disc of radius ``r`` about the origin."""
    ex, ey = qx - px, qy - py
    a = ex * ex + ey * ey
    b = px * ex + py * ey
    disc = b * b - a * (px * px + py * py - r * r)
    t1 = t2 = 1.0  # no crossing: the whole edge is outside
    if disc > 0.0 and a > 0.0:
        root = np.sqrt(disc)
        t1 = min(max((-b - root) / a, 0.0), 1.0)
        t2 = min(max((-b + root) / a, 0.0), 1.0)
    m1x, m1y = px + t1 * ex, py + t1 * ey
    m2x, m2y = px + t2 * ex, py + t2 * ey
    arcs = 0.0  # an empty piece adds nothing (its angle is noise when P or Q is the centre)
    if t1 > 0.0:
        arcs += np.arctan2(px * m1y - py * m1x, px * m1x + py * m1y)
    if t2 < 1.0:
        arcs += np.arctan2(m2x * qy - m2y * qx, m2x * qx + m2y * qy)
    area: float = 0.5 * r * r * arcs + 0.5 * (m1x * m2y - m1y * m2x)
    return area


@compiled
def ring_covers(
    offsets: NDArray[np.int64],
    dx: NDArray[np.float32],
    dy: NDArray[np.float32],
    closing: NDArray[np.bool_],
    i: int,
    x: float,
    y: float,
    tol: float,
) -> bool:
    """Whether polygon ``i`` of the store's arrays holds the point ``x, y`` (from its anchor).

    Parity of crossings first (even-odd: holes and several parts need nothing more); only a
    point found outside is then checked against the edges within ``tol`` of it.
    """
    inside = False
    for j in range(offsets[i], offsets[i + 1]):
        if closing[j]:
            continue
        ay, by = dy[j] - y, dy[j + 1] - y
        if (ay > 0.0) != (by > 0.0):
            ax, bx = dx[j] - x, dx[j + 1] - x
            if ax + (bx - ax) * (-ay) / (by - ay) > 0.0:
                inside = not inside
    return inside or _near_edge(offsets, dx, dy, closing, i, x, y, tol)


@compiled
def _near_edge(
    offsets: NDArray[np.int64],
    dx: NDArray[np.float32],
    dy: NDArray[np.float32],
    closing: NDArray[np.bool_],
    i: int,
    x: float,
    y: float,
    tol: float,
) -> bool:
    """A point within ``tol`` of an edge of polygon ``i`` (on the boundary, give or take)."""
    for j in range(offsets[i], offsets[i + 1]):
        if closing[j]:
            continue
        ax, ay, bx, by = dx[j] - x, dy[j] - y, dx[j + 1] - x, dy[j + 1] - y
        if min(ax, bx) > tol or max(ax, bx) < -tol or min(ay, by) > tol or max(ay, by) < -tol:
            continue  # the edge's box is farther than tol
        ex, ey = bx - ax, by - ay
        length2 = ex * ex + ey * ey
        t = 0.0 if length2 == 0.0 else min(max(-(ax * ex + ay * ey) / length2, 0.0), 1.0)
        cx, cy = ax + t * ex, ay + t * ey
        if cx * cx + cy * cy <= tol * tol:
            return True
    return False


@compiled
def _covers_points(
    offsets: NDArray[np.int64],
    dx: NDArray[np.float32],
    dy: NDArray[np.float32],
    closing: NDArray[np.bool_],
    which: NDArray[np.int64],
    px: Floats,
    py: Floats,
    mask: NDArray[np.bool_],
    tol: float,
) -> NDArray[np.bool_]:
    out = np.zeros(mask.shape, np.bool_)
    xs, ys = np.empty(mask.shape[1]), np.empty(mask.shape[1])
    flip = np.zeros(mask.shape[1], np.bool_)
    at = np.empty(mask.shape[1], np.int64)
    for row in range(which.size):
        i, n = which[row], 0
        for k in range(mask.shape[1]):  # the asked points of this polygon, packed
            if mask[row, k]:
                xs[n], ys[n], at[n], flip[n] = px[row, k], py[row, k], k, False
                n += 1
        for j in range(offsets[i], offsets[i + 1]):  # edges outer: parity for every point
            if closing[j]:
                continue
            ax0, ay0, bx0, by0 = dx[j], dy[j], dx[j + 1], dy[j + 1]
            for m in range(n):
                ay, by = ay0 - ys[m], by0 - ys[m]
                if (ay > 0.0) != (by > 0.0):
                    ax = ax0 - xs[m]
                    if ax + (bx0 - ax0) * (-ay) / (by - ay) > 0.0:
                        flip[m] = not flip[m]
        for m in range(n):  # outside by parity: on an edge within tol counts
            hit = flip[m] or _near_edge(offsets, dx, dy, closing, i, xs[m], ys[m], tol)
            out[row, at[m]] = hit
    return out
