"""Viewsheds: what a camera can see on the ground = its sector minus the shadows of buildings.

The shadow of a footprint ``P`` seen from the camera ``c`` is the sweep of ``P`` under the
homothety about ``c`` with factors ``[1, k]``: ``P`` itself plus, for every edge, the trapezoid
between the edge and its image scaled by ``k``. For a building of height ``h`` lower than the
camera height ``H`` the sight line over the roof meets the ground at ``d * H / (H - h)``, so
``k = H / (H - h)``; a building of unknown height or at least as tall shadows to the range.
Courtyards are treated as part of the footprint. The camera's own building (the nearest
footprint within ``facade_m``) casts no shadow.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.routing.footprints import Footprints
from camroute.routing.los import FACADE_TOLERANCE_M, effective_height_m, own_building


def shadow_factor(
    *,
    distance_m: NDArray[np.float64],
    building_height_m: NDArray[np.float64],
    camera_height_m: float,
    range_m: float,
) -> NDArray[np.float64]:
    """Scale factor about the camera at which each building's shadow ends (beyond the range).

    Examples
    --------
    >>> shadow_factor(distance_m=np.array([10.0, 10.0, 10.0]),
    ...               building_height_m=np.array([3.0, np.nan, 9.0]),
    ...               camera_height_m=6.0, range_m=50.0).round(3).tolist()
    [2.0, 5.05, 5.05]
    """
    to_range = range_m * 1.01 / np.maximum(distance_m, 1e-3)
    h = building_height_m
    low = np.isfinite(h) & (h < camera_height_m)
    with np.errstate(divide="ignore", invalid="ignore"):
        k_low = camera_height_m / (camera_height_m - np.where(low, h, 0.0))
    result: NDArray[np.float64] = np.where(low, np.minimum(k_low, to_range), to_range)
    return result


def viewshed(
    sector: shapely.Geometry,
    *,
    x_m: float,
    y_m: float,
    height_m: float,
    range_m: float,
    footprints: Footprints,
    facade_m: float = FACADE_TOLERANCE_M,
) -> shapely.Geometry:
    """``sector`` minus the shadows of the buildings that reach into it (metres).

    Examples
    --------
    >>> sector = shapely.box(-10.0, 0.0, 10.0, 20.0)
    >>> wall = Footprints.from_polygons(np.array([shapely.box(-1.0, 5.0, 1.0, 6.0)]),
    ...                                 np.array([np.nan]))
    >>> vs = viewshed(sector, x_m=0.0, y_m=0.0, height_m=5.0, range_m=30.0, footprints=wall)
    >>> vs.contains(shapely.Point(0.0, 15.0)), vs.contains(shapely.Point(5.0, 15.0))
    (False, True)
    """
    if len(footprints) == 0:
        return sector
    idx = footprints.around(np.array([x_m]), np.array([y_m]), np.array([range_m]))
    polys = footprints.polygons(idx)
    cam = shapely.Point(x_m, y_m)
    own = own_building(  # among all nearby footprints, not only those the sector meets
        polys,
        np.full(idx.size, cam, dtype=object),
        np.zeros(idx.size, np.intp),
        facade_m=facade_m,
    )
    shading = ~own & shapely.intersects(polys, sector)
    near, heights = polys[shading], footprints.height_m[idx[shading]]
    if near.size == 0:
        return sector
    k = shadow_factor(
        distance_m=shapely.distance(near, cam),
        building_height_m=heights,
        camera_height_m=float(effective_height_m(height_m)),
        range_m=range_m,
    )
    shadows = _sweeps(near, k, x_m, y_m)
    return shapely.difference(sector, shapely.union_all(shadows))


def _sweeps(
    polys: NDArray[np.object_], k: NDArray[np.float64], cx: float, cy: float
) -> NDArray[np.object_]:
    """Footprints (filled) plus the edge trapezoids of their sweep to factor ``k``."""
    parts, owner = shapely.get_parts(polys, return_index=True)
    shells = shapely.get_exterior_ring(parts)
    filled = shapely.polygons(shells)
    coords, ring = shapely.get_coordinates(shells, return_index=True)
    same = ring[:-1] == ring[1:]
    a, b = coords[:-1][same], coords[1:][same]
    kk = k[owner[ring[:-1][same]]][:, None]
    c = np.array([cx, cy])
    b2, a2 = c + kk * (b - c), c + kk * (a - c)
    quad = np.stack([a, b, b2, a2, a], axis=1)
    x, y = quad[:, :4, 0], quad[:, :4, 1]
    area2 = np.abs(np.sum(x * np.roll(y, -1, 1) - np.roll(x, -1, 1) * y, axis=1))
    quads = shapely.polygons(quad[area2 > 1e-6])
    result: NDArray[np.object_] = np.concatenate([filled, quads])
    return result
