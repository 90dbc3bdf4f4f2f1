"""View sectors in metres: the vectorised in-sector test and the sector polygons.

Angles are grid bearings in the index's metric CRS, clockwise from grid north.
A half-angle of 180 degrees or more means a camera that can look all round (PTZ, 360).
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

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
