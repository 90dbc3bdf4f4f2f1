"""Line of sight from cameras to ground points, through building footprints with heights.

A sight line from a camera at height ``H`` to a ground point at distance ``t`` passes a building
of height ``h`` at distance ``s`` at height ``H * (1 - s / t)``; it is blocked when that is below
the roof anywhere inside the footprint, that is when the far crossing ``s_far > t * (1 - h / H)``.
A building of unknown height, or as tall as the camera, blocks every line through it. The
building a camera is mounted on (the nearest footprint within ``facade_m``) never blocks it.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from camroute.routing.footprints import Footprints

FACADE_TOLERANCE_M = 1.5
DEFAULT_MOUNT_HEIGHT_M = 5.0
PER_LINE_SEARCH_MAX = 32  # up to this many lines, footprints are searched line by line


def effective_height_m(height_m: ArrayLike) -> NDArray[np.float64]:
    """Mount height with the documented default (``DEFAULT_MOUNT_HEIGHT_M``) where unknown.

    Examples
    --------
    >>> effective_height_m([12.0, np.nan]).tolist()
    [12.0, 5.0]
    """
    h = np.asarray(height_m, float)
    result: NDArray[np.float64] = np.where(np.isfinite(h) & (h > 0), h, DEFAULT_MOUNT_HEIGHT_M)
    return result


def own_building(
    near: NDArray[np.object_],
    cams: NDArray[np.object_],
    group: NDArray[np.intp],
    *,
    facade_m: float = FACADE_TOLERANCE_M,
) -> NDArray[np.bool_]:
    """Mark, per ``group`` (a camera or a sight line), the building the camera is on.

    That is the nearest footprint within ``facade_m`` of the camera point, with footprints
    whose interiors overlap it (OSM ``building:part``); a neighbour that only shares the wall
    is not the camera's building and still blocks.

    Examples
    --------
    >>> near = np.array([shapely.box(-10, -10, 0, 0), shapely.box(0, -10, 10, 0),
    ...                  shapely.box(-5, -5, 0, 0)])
    >>> cams = shapely.points([[-0.5, 0.2]] * 3)
    >>> own_building(near, cams, np.array([0, 0, 0])).tolist()
    [True, False, True]
    """
    dist = shapely.distance(near, cams)
    if dist.size == 0:
        return np.zeros(0, bool)
    best = np.full(int(group.max()) + 1, np.inf)
    np.minimum.at(best, group, dist)
    own = (dist <= facade_m) & (dist == best[group])
    other = np.flatnonzero((dist <= facade_m) & ~own)
    if other.size:
        first = np.zeros(best.size, np.intp)
        first[group[own]] = np.flatnonzero(own)
        anchor = near[first[group[other]]]
        own[other] = shapely.relate_pattern(near[other], anchor, "T********")
    result: NDArray[np.bool_] = own
    return result


def blocked(
    *,
    cam_x_m: ArrayLike,
    cam_y_m: ArrayLike,
    cam_height_m: ArrayLike,
    target_x_m: ArrayLike,
    target_y_m: ArrayLike,
    footprints: Footprints,
    facade_m: float = FACADE_TOLERANCE_M,
) -> NDArray[np.bool_]:
    """True where the sight line from camera ``i`` to target ``i`` is blocked by a building.

    The footprints within reach of the cameras are made into polygons once, and one tree query
    pairs them with every line; building heights NaN mean unknown (blocks).

    Examples
    --------
    >>> wall = Footprints.from_polygons(np.array([shapely.box(4.0, -1.0, 5.0, 1.0)]),
    ...                                 np.array([np.nan]))
    >>> blocked(cam_x_m=[0.0, 0.0, 0.0], cam_y_m=[0.0, 0.0, 0.0], cam_height_m=[5.0, 5.0, 5.0],
    ...         target_x_m=[10.0, 10.0, 3.0], target_y_m=[0.0, 5.0, 0.0],
    ...         footprints=wall).tolist()
    [True, False, False]
    """
    cx, cy, tx, ty = (
        np.atleast_1d(np.asarray(a, float)) for a in (cam_x_m, cam_y_m, target_x_m, target_y_m)
    )
    ch = np.broadcast_to(effective_height_m(cam_height_m), cx.shape)
    out = np.zeros(cx.shape, bool)
    if cx.size == 0 or len(footprints) == 0:
        return out
    length = np.hypot(tx - cx, ty - cy)
    if cx.size <= PER_LINE_SEARCH_MAX:  # a disc about each line's middle: few footprints
        near = footprints.around((cx + tx) / 2.0, (cy + ty) / 2.0, length / 2.0 + facade_m)
    else:  # many lines from few cameras (an area's samples): one disc about each camera
        cams, line_cam = np.unique(np.column_stack([cx, cy]), axis=0, return_inverse=True)
        reach = np.zeros(cams.shape[0])
        np.maximum.at(reach, line_cam.ravel(), length + facade_m)
        near = footprints.around(cams[:, 0], cams[:, 1], reach)
    if near.size == 0:
        return out
    buildings = footprints.polygons(near)
    tree = shapely.STRtree(buildings)
    segs = shapely.linestrings(np.stack([np.stack([cx, cy], -1), np.stack([tx, ty], -1)], 1))
    si, bi = tree.query(segs, predicate="intersects")
    if si.size == 0:
        return out
    # each camera's own building, among all footprints at its mount (not only those a line
    # crosses: a line leaving from the corner of its own wall may just miss it)
    points = shapely.points(cx, cy)
    ci, cj = tree.query(points, predicate="dwithin", distance=facade_m)
    own = own_building(buildings[cj], points[ci], ci, facade_m=facade_m)
    mine = np.isin(si * buildings.size + bi, ci[own] * buildings.size + cj[own])
    si, bi = si[~mine], bi[~mine]
    h = footprints.height_m[near[bi]]
    tall = ~np.isfinite(h) | (h >= ch[si])
    out[si[tall]] = True
    low_s, low_b = si[~tall], bi[~tall]
    if low_s.size:
        out[low_s[_blocked_by_low(segs, low_s, low_b, buildings, h[~tall], cx, cy, tx, ty, ch)]] = (
            True
        )
    return out


def _blocked_by_low(
    segs: NDArray[np.object_],
    si: NDArray[np.intp],
    bi: NDArray[np.intp],
    buildings: NDArray[np.object_],
    h: NDArray[np.float64],
    cx: NDArray[np.float64],
    cy: NDArray[np.float64],
    tx: NDArray[np.float64],
    ty: NDArray[np.float64],
    ch: NDArray[np.float64],
) -> NDArray[np.bool_]:
    """Say for (line, lower building) pairs whether the line passes below the roof."""
    inter = shapely.intersection(segs[si], buildings[bi])
    coords, pair = shapely.get_coordinates(inter, return_index=True)
    s_far = np.zeros(si.size)
    if coords.size:
        dist = np.hypot(coords[:, 0] - cx[si][pair], coords[:, 1] - cy[si][pair])
        np.maximum.at(s_far, pair, dist)
    t = np.hypot(tx[si] - cx[si], ty[si] - cy[si])
    result: NDArray[np.bool_] = s_far > t * (1.0 - h / ch[si]) + 1e-9
    return result
