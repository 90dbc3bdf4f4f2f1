"""View sectors in metres: the vectorised in-sector test and the sector polygons.

Angles are grid bearings in the index's metric CRS, clockwise from grid north.
A half-angle of 180 degrees or more means a camera that can look all round (PTZ, 360).
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from camroute.routing.jit import compiled

ARC_STEP_DEG = 5.0


def grid_bearing_deg(dx_m: ArrayLike, dy_m: ArrayLike) -> NDArray[np.float64]:
    """Bearing in [0, 360) of the offset ``dx_m, dy_m`` (east, north), clockwise from north.

    Examples
    --------
    >>> grid_bearing_deg([0.0, 1.0, 0.0, -1.0], [1.0, 0.0, -1.0, 0.0]).tolist()
    [0.0, 90.0, 180.0, 270.0]
    """
    b = np.degrees(np.arctan2(np.asarray(dx_m, float), np.asarray(dy_m, float)))
    result: NDArray[np.float64] = np.mod(b, 360.0)
    return result


def offset_deg(bearing_deg: ArrayLike, heading_deg: ArrayLike) -> NDArray[np.float64]:
    """Signed angle from ``heading_deg`` to ``bearing_deg`` in (-180, 180], across 0/360.

    Examples
    --------
    >>> offset_deg([5.0, 355.0, 180.0], [355.0, 5.0, 0.0]).tolist()
    [10.0, -10.0, 180.0]
    """
    d = np.mod(np.asarray(bearing_deg, float) - np.asarray(heading_deg, float), 360.0)
    result: NDArray[np.float64] = np.where(d > 180.0, d - 360.0, d)
    return result


def in_sector(
    *,
    distance_m: ArrayLike,
    offset_deg: ArrayLike,
    half_fov_deg: ArrayLike,
    range_m: ArrayLike,
    slack_m: ArrayLike = 0.0,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """``(in_fov, in_range)`` for targets at ``distance_m`` and ``offset_deg`` off axis.

    ``slack_m`` widens both tests for a disc of that radius about the target (conservative:
    a disc that may touch the sector passes). Boundaries count as inside. A NaN offset (unknown
    heading) is never in the field of view, unless the camera looks all round.

    Examples
    --------
    >>> fov, rng = in_sector(
    ...     distance_m=[10.0, 10.0, 100.0, 100.0001],
    ...     offset_deg=[30.0, 30.0001, 0.0, 0.0],
    ...     half_fov_deg=30.0,
    ...     range_m=100.0,
    ... )
    >>> fov.tolist(), rng.tolist()
    ([True, False, True, True], [True, True, True, False])
    """
    d = np.asarray(distance_m, float)
    off = np.abs(np.asarray(offset_deg, float))
    half = np.asarray(half_fov_deg, float)
    slack = np.asarray(slack_m, float)
    all_round = half >= 180.0
    if slack.ndim == 0 and slack == 0.0:  # a point: the exact test, no widening
        fov = all_round | (off <= half + 1e-6)
    else:
        widen = np.degrees(np.arcsin(np.minimum(slack / np.maximum(d, 1e-9), 1.0)))
        fov = all_round | (off <= half + widen + 1e-6) | (d <= slack)
    rng = d <= np.asarray(range_m, float) + slack + 1e-6
    return np.asarray(fov, bool), np.asarray(rng, bool)


def screen(
    idx: NDArray[np.intp],
    *,
    cam_x_m: NDArray[np.float64],
    cam_y_m: NDArray[np.float64],
    heading_deg: NDArray[np.float64],
    half_fov_deg: NDArray[np.float64],
    range_m: NDArray[np.float64],
    x_m: float,
    y_m: float,
    slack_m: float,
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """``(distance_m, in_fov, in_range, heading_known)`` of cameras ``idx`` for a target.

    :func:`in_sector` for the target at ``x_m, y_m`` with ``slack_m``, with the bearing and
    offset worked out on the way, for the candidates of one query in a single compiled loop
    (the camera arrays are the whole index's; only ``idx`` is read).

    Examples
    --------
    >>> d, fov, rng, known = screen(np.array([0, 1]), cam_x_m=np.zeros(2), cam_y_m=np.zeros(2),
    ...     heading_deg=np.array([0.0, np.nan]), half_fov_deg=np.array([30.0, 30.0]),
    ...     range_m=np.array([50.0, 50.0]), x_m=0.0, y_m=10.0, slack_m=0.0)
    >>> d.tolist(), fov.tolist(), rng.tolist(), known.tolist()
    ([10.0, 10.0], [True, False], [True, True], [True, False])
    """
    return _screen(
        np.asarray(idx, np.int64),
        cam_x_m,
        cam_y_m,
        heading_deg,
        half_fov_deg,
        range_m,
        float(x_m),
        float(y_m),
        float(slack_m),
    )


@compiled
def screen_one(
    dx: float, dy: float, head: float, half: float, rng: float, slack: float
) -> tuple[float, bool, bool, bool]:
    """Compiled scalar core of :func:`screen`: one camera, target at ``dx, dy`` from it."""
    d = np.sqrt(dx * dx + dy * dy)
    in_rng = d <= rng + slack + 1e-6
    all_round = half >= 180.0
    known = all_round or np.isfinite(head)
    fov = all_round
    if known and not all_round:
        off = (np.degrees(np.arctan2(dx, dy)) - head) % 360.0
        off = 360.0 - off if off > 180.0 else off
        widen = 0.0
        if slack > 0.0:
            widen = np.degrees(np.arcsin(min(slack / max(d, 1e-9), 1.0)))
        fov = off <= half + widen + 1e-6 or (slack > 0.0 and d <= slack)
    return d, fov, in_rng, known


@compiled
def _screen(
    idx: NDArray[np.int64],
    cx: NDArray[np.float64],
    cy: NDArray[np.float64],
    head: NDArray[np.float64],
    half: NDArray[np.float64],
    rng: NDArray[np.float64],
    x: float,
    y: float,
    slack: float,
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    n = idx.size
    dist = np.empty(n)
    fov, in_rng, known = np.zeros(n, np.bool_), np.zeros(n, np.bool_), np.zeros(n, np.bool_)
    for k in range(n):
        i = idx[k]
        dist[k], fov[k], in_rng[k], known[k] = screen_one(
            x - cx[i], y - cy[i], head[i], half[i], rng[i], slack
        )
    return dist, fov, in_rng, known


def in_sector_matrix(
    *,
    cam_x_m: NDArray[np.float64],
    cam_y_m: NDArray[np.float64],
    heading_deg: NDArray[np.float64],
    half_fov_deg: NDArray[np.float64],
    range_m: NDArray[np.float64],
    x_m: NDArray[np.float64],
    y_m: NDArray[np.float64],
) -> NDArray[np.bool_]:
    """Camera x point matrix: point ``j`` lies in camera ``i``'s field of view and range.

    The same test as :func:`in_sector` for a point target, by dot products (no arctangent
    per point) in one compiled loop, for the many sample points of an area.

    Examples
    --------
    >>> in_sector_matrix(cam_x_m=np.zeros(2), cam_y_m=np.zeros(2),
    ...     heading_deg=np.array([0.0, np.nan]), half_fov_deg=np.array([45.0, 45.0]),
    ...     range_m=np.array([50.0, 50.0]), x_m=np.array([0.0, 10.0, 0.0, -1.0]),
    ...     y_m=np.array([10.0, 10.0, 51.0, 0.0])).tolist()
    [[True, True, False, False], [False, False, False, False]]
    """
    f = np.float64
    result: NDArray[np.bool_] = _sector_matrix(
        np.asarray(cam_x_m, f),
        np.asarray(cam_y_m, f),
        np.asarray(heading_deg, f),
        np.asarray(half_fov_deg, f),
        np.asarray(range_m, f),
        np.asarray(x_m, f),
        np.asarray(y_m, f),
    )
    return result


def sector_shares(
    cams: NDArray[np.intp],
    *,
    cam_x_m: NDArray[np.float64],
    cam_y_m: NDArray[np.float64],
    heading_deg: NDArray[np.float64],
    half_fov_deg: NDArray[np.float64],
    range_m: NDArray[np.float64],
    x_m: NDArray[np.float64],
    y_m: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Share of the points in each camera ``cams``'s sector and range (columns of all cameras).

    ``in_sector_matrix(...)[i].mean()`` for each camera, to the bit (the count over the
    number of points), without gathering the columns or leaving the compiled loop.

    Examples
    --------
    >>> sector_shares(np.array([1]), cam_x_m=np.zeros(2), cam_y_m=np.zeros(2),
    ...     heading_deg=np.array([90.0, 0.0]), half_fov_deg=np.array([45.0, 45.0]),
    ...     range_m=np.array([50.0, 50.0]), x_m=np.array([0.0, 10.0, 0.0, -1.0]),
    ...     y_m=np.array([10.0, 10.0, 51.0, 0.0])).tolist()
    [0.5]
    """
    shares: NDArray[np.float64] = _sector_shares(
        np.asarray(cams, np.int64),
        cam_x_m,
        cam_y_m,
        heading_deg,
        half_fov_deg,
        range_m,
        np.ascontiguousarray(x_m, np.float64),
        np.ascontiguousarray(y_m, np.float64),
    )
    return shares


@compiled
def _sector_shares(
    cams: NDArray[np.int64],
    cx: NDArray[np.float64],
    cy: NDArray[np.float64],
    head: NDArray[np.float64],
    half: NDArray[np.float64],
    rng: NDArray[np.float64],
    px: NDArray[np.float64],
    py: NDArray[np.float64],
) -> NDArray[np.float64]:
    inside = _sector_matrix(cx[cams], cy[cams], head[cams], half[cams], rng[cams], px, py)
    out = np.empty(cams.size)
    for i in range(cams.size):
        out[i] = inside[i].sum() / px.size  # as numpy's mean of booleans: exact count / n
    return out


@compiled
def _sector_matrix(
    cx: NDArray[np.float64],
    cy: NDArray[np.float64],
    head: NDArray[np.float64],
    half: NDArray[np.float64],
    rng: NDArray[np.float64],
    px: NDArray[np.float64],
    py: NDArray[np.float64],
) -> NDArray[np.bool_]:
    out = np.zeros((cx.size, px.size), np.bool_)
    for i in range(cx.size):
        all_round = half[i] >= 180.0
        sin_h, cos_h = np.sin(np.radians(head[i])), np.cos(np.radians(head[i]))
        cos_half = np.cos(np.radians(min(half[i], 180.0))) - 1e-9
        reach = rng[i] + 1e-6
        for j in range(px.size):
            dx, dy = px[j] - cx[i], py[j] - cy[i]
            d = np.sqrt(dx * dx + dy * dy)
            if d <= reach and (all_round or dx * sin_h + dy * cos_h >= d * cos_half):
                out[i, j] = True
    return out


def sector_polygons(
    *,
    x_m: ArrayLike,
    y_m: ArrayLike,
    heading_deg: ArrayLike,
    hfov_deg: ArrayLike,
    range_m: ArrayLike,
) -> NDArray[np.object_]:
    """Sector polygons (apex at each camera) built at once; ``hfov_deg >= 360`` gives a disc.

    The arc has a vertex every ``ARC_STEP_DEG`` degrees at most, placed *on* the arc, so the
    polygon lies inside the true sector.

    Examples
    --------
    >>> (p,) = sector_polygons(x_m=[0.0], y_m=[0.0], heading_deg=[90.0], hfov_deg=[90.0],
    ...                        range_m=[10.0])
    >>> round(p.area / (np.pi * 100 / 4), 3), p.centroid.x > 0
    (1.0, True)
    """
    x = np.atleast_1d(np.asarray(x_m, float))
    y = np.atleast_1d(np.asarray(y_m, float))
    head = np.broadcast_to(np.asarray(heading_deg, float), x.shape)
    fov = np.minimum(np.broadcast_to(np.asarray(hfov_deg, float), x.shape), 360.0)
    rng = np.broadcast_to(np.asarray(range_m, float), x.shape)
    n_arc = int(np.ceil(360.0 / ARC_STEP_DEG)) + 1
    t = np.linspace(0.0, 1.0, n_arc)
    full = fov >= 360.0
    start = np.where(full, 0.0, head - fov / 2.0)
    az = np.radians(start[:, None] + fov[:, None] * t[None, :])
    arc_x = x[:, None] + rng[:, None] * np.sin(az)
    arc_y = y[:, None] + rng[:, None] * np.cos(az)
    apex_x = np.where(full, arc_x[:, 0], x)[:, None]
    apex_y = np.where(full, arc_y[:, 0], y)[:, None]
    ring_x = np.hstack([apex_x, arc_x, apex_x])
    ring_y = np.hstack([apex_y, arc_y, apex_y])
    coords = np.stack([ring_x, ring_y], axis=-1)
    polys: NDArray[np.object_] = shapely.polygons(coords)
    return polys
