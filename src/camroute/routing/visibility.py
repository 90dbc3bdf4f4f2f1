"""How much of a region each candidate camera sees, as arrays (no loop over cameras).

A point region is seen or not (1 or 0). For an area, a camera with a viewshed gets the exact
share ``area(viewshed ∩ region) / area(region)``; one without gets the share of sample points
inside its sector and range with a clear line of sight (the fallback).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.routing.index import CameraIndex
from camroute.routing.los import blocked
from camroute.routing.sector import grid_bearing_deg, in_sector, offset_deg

TARGET_SAMPLES = 256
_EMPTY = shapely.Polygon()
BOUNDARY_TOLERANCE_M = 1e-3  # a point on a viewshed's edge counts as seen
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


@dataclass(frozen=True)
class Assessment:
    """Per-candidate arrays, aligned with ``idx`` (indices into the index)."""

    idx: NDArray[np.intp]
    distance_m: Floats
    in_fov: Bools
    in_range: Bools
    heading_known: Bools
    sector_fraction: Floats
    visible_fraction: Floats
    has_viewshed: Bools
    seen_polygons: NDArray[np.object_] | None
    seen_samples: Bools | None
    samples: Floats | None  # the sample points of an areal region (metres)


def region_samples(region_m: shapely.Geometry, *, target: int = TARGET_SAMPLES) -> Floats:
    """About ``target`` grid points inside an areal region (its centroid if none fall in).

    Examples
    --------
    >>> pts = region_samples(shapely.box(0.0, 0.0, 10.0, 10.0), target=100)
    >>> pts.shape
    (100, 2)
    """
    minx, miny, maxx, maxy = region_m.bounds
    step = np.sqrt(max(region_m.area, 1e-9) / target)
    gx = np.arange(minx + step / 2, maxx, step)
    gy = np.arange(miny + step / 2, maxy, step)
    xx, yy = (a.ravel() for a in np.meshgrid(gx, gy))
    inside = shapely.contains_xy(region_m, xx, yy)
    if not inside.any():
        c = region_m.centroid
        return np.array([[c.x, c.y]])
    return np.column_stack([xx[inside], yy[inside]])


def assess(
    index: CameraIndex,
    idx: NDArray[np.intp],
    region_m: shapely.Geometry,
    *,
    x_m: float,
    y_m: float,
    radius_m: float,
    samples: Floats | None = None,
) -> Assessment:
    """Assess cameras ``idx`` against ``region_m`` (metres) with reference point ``x_m, y_m``.

    ``samples`` (n x 2, metres) stand for an areal region in the sample-based parts; by
    default a grid of about ``TARGET_SAMPLES`` points inside it.
    """
    dx, dy = x_m - index.x[idx], y_m - index.y[idx]
    dist = np.hypot(dx, dy)
    off = offset_deg(grid_bearing_deg(dx, dy), index.heading_grid_deg[idx])
    fov, rng = in_sector(
        distance_m=dist,
        offset_deg=off,
        half_fov_deg=index.half_fov_deg[idx],
        range_m=index.range_m[idx],
        slack_m=radius_m,
    )
    known = np.isfinite(index.heading_grid_deg[idx]) | (index.half_fov_deg[idx] >= 180.0)
    fov &= known
    has_vs = index.has_viewshed[idx]
    polys: NDArray[np.object_] | None
    seen: Bools | None
    pts: Floats | None = None
    if shapely.get_type_id(region_m) == 0:
        sec, vis = _point(index, idx, fov & rng, has_vs, x_m, y_m)
        polys, seen = None, vis[:, None] > 0
    else:
        pts = region_samples(region_m) if samples is None else samples
        sec, vis, polys, seen = _area(index, idx, fov & rng, has_vs, region_m, pts)
    return Assessment(
        idx=idx,
        distance_m=dist,
        in_fov=fov,
        in_range=rng,
        heading_known=known,
        sector_fraction=np.minimum(sec, 1.0),
        visible_fraction=np.minimum(vis, 1.0),
        has_viewshed=has_vs,
        seen_polygons=polys,
        seen_samples=seen,
        samples=pts,
    )


def _point(
    index: CameraIndex, idx: NDArray[np.intp], possible: Bools, has_vs: Bools, x: float, y: float
) -> tuple[Floats, Floats]:
    vis = np.zeros(idx.size, bool)
    by_vs = possible & has_vs
    views = index.viewsheds[idx[by_vs]]
    hit = shapely.intersects_xy(views, x, y)  # prepared viewsheds: no Point object needed
    if not hit.all():  # a point on an edge may miss by rounding: allow a millimetre
        hit |= shapely.dwithin(views, shapely.Point(x, y), BOUNDARY_TOLERANCE_M)
    vis[by_vs] = hit
    by_los = possible & ~has_vs
    if by_los.any():
        c = idx[by_los]
        vis[by_los] = ~blocked(
            cam_x_m=index.x[c],
            cam_y_m=index.y[c],
            cam_height_m=index.height_m[c],
            target_x_m=np.full(c.size, x),
            target_y_m=np.full(c.size, y),
            buildings=index.buildings,
            building_height_m=index.building_height_m,
            tree=index.building_tree,
        )
    return possible.astype(float), vis.astype(float)


def _area(
    index: CameraIndex,
    idx: NDArray[np.intp],
    possible: Bools,
    has_vs: Bools,
    region: shapely.Geometry,
    pts: Floats,
) -> tuple[Floats, Floats, NDArray[np.object_] | None, Bools | None]:
    """Exact visible areas through viewsheds; sample fractions for cameras without one.

    The sector fraction (for ``occluded``) is the share of the samples in sector and range.
    """
    area = float(region.area)
    vis_frac = np.zeros(idx.size)
    p = np.flatnonzero(possible)
    in_sec = _in_sector_samples(index, idx[p], pts)
    sec_frac = np.zeros(idx.size)
    sec_frac[p] = in_sec.mean(axis=1) if pts.shape[0] else 0.0
    seen_poly = np.full(idx.size, _EMPTY, dtype=object)
    pv, pl = p[has_vs[p]], p[~has_vs[p]]
    views = index.viewsheds[idx[pv]]
    full = shapely.contains(views, region)
    part = ~full & shapely.intersects(views, region)
    seen_poly[pv[full]] = region
    vis_frac[pv[full]] = 1.0
    clipped = shapely.clip_by_rect(views[part], *region.bounds)  # cheap, cuts the overlay
    seen_poly[pv[part]] = shapely.intersection(clipped, region)
    vis_frac[pv[part]] = shapely.area(seen_poly[pv[part]]) / area
    if pl.size == 0:
        return sec_frac, vis_frac, seen_poly, None
    seen = np.zeros((idx.size, pts.shape[0]), bool)
    seen[pl] = _sample_los(index, idx[pl], pts, in_sec[~has_vs[p]])
    vis_frac[pl] = seen[pl].mean(axis=1)
    if pv.size:
        seen[pv] = shapely.contains_xy(seen_poly[pv][:, None], pts[None, :, 0], pts[None, :, 1])
    return sec_frac, vis_frac, None, seen


def _in_sector_samples(index: CameraIndex, cams: NDArray[np.intp], pts: Floats) -> Bools:
    """Camera x sample matrix: the sample lies in the camera's sector and range."""
    dx = pts[None, :, 0] - index.x[cams][:, None]
    dy = pts[None, :, 1] - index.y[cams][:, None]
    off = offset_deg(grid_bearing_deg(dx, dy), index.heading_grid_deg[cams][:, None])
    fov, rng = in_sector(
        distance_m=np.hypot(dx, dy),
        offset_deg=off,
        half_fov_deg=index.half_fov_deg[cams][:, None],
        range_m=index.range_m[cams][:, None],
    )
    result: Bools = fov & rng
    return result


def _sample_los(index: CameraIndex, cams: NDArray[np.intp], pts: Floats, in_sec: Bools) -> Bools:
    """Camera x sample matrix: inside sector and range, with a clear line of sight."""
    ci, si = np.nonzero(in_sec)
    clear = ~blocked(
        cam_x_m=index.x[cams][ci],
        cam_y_m=index.y[cams][ci],
        cam_height_m=index.height_m[cams][ci],
        target_x_m=pts[si, 0],
        target_y_m=pts[si, 1],
        buildings=index.buildings,
        building_height_m=index.building_height_m,
        tree=index.building_tree,
    )
    out = np.zeros(in_sec.shape, bool)
    out[ci, si] = clear
    return out
