"""How much of a region each candidate camera sees, as arrays (no loop over cameras).

A point region is seen or not (1 or 0). For an area, a camera with a viewshed gets the exact
share ``area(viewshed ∩ region) / area(region)``: for the common circle straight from the
viewshed's flat rings (:mod:`camroute.routing.rings`, no overlay), for other shapes by
polygon overlay. A camera without one gets the share of sample points inside its sector and
range with a clear line of sight (the fallback while viewsheds are being computed).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal, NamedTuple

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.routing.index import CameraIndex
from camroute.routing.jit import compiled
from camroute.routing.los import blocked
from camroute.routing.rings import ring_covers
from camroute.routing.sector import in_sector_matrix, screen, screen_one, sector_shares

TARGET_SAMPLES = 256
_EMPTY = shapely.Polygon()
BOUNDARY_TOLERANCE_M = 1e-3  # a point on a viewshed's edge counts as seen
SHARE_DECIMALS = 6  # exact disc shares are rounded to this: finer is summation noise
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]
ObjArray = NDArray[np.object_]
_UNIT_CIRCLE = np.column_stack(
    [np.sin(np.linspace(0, 2 * np.pi, 65)), np.cos(np.linspace(0, 2 * np.pi, 65))]
)


class Assessment(NamedTuple):
    """Per-candidate arrays, aligned with ``idx`` (indices into the index).

    A named tuple rather than a frozen dataclass: it is made once per query, and building a
    frozen dataclass of eleven fields costs microseconds.
    """

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


@dataclass(frozen=True)
class MetricRegion:
    """A caller's region in metres: reference point, radius it reaches, samples for areas.

    ``shape`` is ``point``, ``circle`` (the disc of ``radius_m`` about the point, whose polygon
    is only built if something asks for it) or ``area`` (``given``, any polygonal region).
    """

    x_m: float
    y_m: float
    radius_m: float
    shape: Literal["point", "circle", "area"]
    given: shapely.Geometry | None = None
    samples: Floats | None = None

    @cached_property
    def geometry(self) -> shapely.Geometry:
        """The region as a geometry in metres (a circle as a 64-gon)."""
        if self.given is not None:
            return self.given
        if self.shape == "point":
            return shapely.Point(self.x_m, self.y_m)
        return shapely.polygons(_UNIT_CIRCLE * self.radius_m + (self.x_m, self.y_m))

    def sample_points(self) -> Floats:
        """The given samples, or a grid of about ``TARGET_SAMPLES`` points inside the region."""
        return region_samples(self.geometry) if self.samples is None else self.samples


def assess(index: CameraIndex, idx: NDArray[np.intp], region: MetricRegion) -> Assessment:
    """Assess cameras ``idx`` against ``region``.

    Cameras with viewsheds get the exact share of a circle from the flat rings (its seen
    polygons are then left to whoever needs them, see :func:`seen_parts`), and of any other
    area by polygon overlay; cameras without one get the share of the sample points they see.
    """
    x_m, y_m, radius_m = region.x_m, region.y_m, region.radius_m
    if region.shape == "point":
        return _assess_point(index, idx, x_m, y_m)
    dist, fov, rng, known = screen(
        idx,
        cam_x_m=index.x,
        cam_y_m=index.y,
        heading_deg=index.heading_grid_deg,
        half_fov_deg=index.half_fov_deg,
        range_m=index.range_m,
        x_m=x_m,
        y_m=y_m,
        slack_m=radius_m,
    )
    has_vs = index.has_viewshed[idx]
    polys: NDArray[np.object_] | None
    seen: Bools | None
    possible = fov & rng
    pts = region.sample_points()
    if region.shape == "circle" and not (possible & ~has_vs).any():
        sec, vis = _disc(index, idx, possible, x_m, y_m, radius_m, pts)
        polys, seen = None, None
    else:
        sec, vis, polys, seen = _area(index, idx, possible, has_vs, region.geometry, pts)
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


def _assess_point(index: CameraIndex, idx: NDArray[np.intp], x: float, y: float) -> Assessment:
    """A point: screen and viewshed test in one compiled pass; line of sight where none."""
    vs = index.view_rings
    dist, fov, rng, known, vis = _screen_point(
        np.asarray(idx, np.int64),
        index.x,
        index.y,
        index.heading_grid_deg,
        index.half_fov_deg,
        index.range_m,
        index.has_viewshed,
        vs.offsets,
        vs.dx_m,
        vs.dy_m,
        vs.closing,
        x,
        y,
        BOUNDARY_TOLERANCE_M,
    )
    possible = fov & rng
    has_vs = index.has_viewshed[idx]
    by_los = possible & ~has_vs
    if by_los.any():
        c = idx[by_los]
        vis[by_los] = ~blocked(
            cam_x_m=index.x[c],
            cam_y_m=index.y[c],
            cam_height_m=index.height_m[c],
            target_x_m=np.full(c.size, x),
            target_y_m=np.full(c.size, y),
            footprints=index.buildings,
        )
    shares = vis.astype(float)
    return Assessment(
        idx=idx,
        distance_m=dist,
        in_fov=fov,
        in_range=rng,
        heading_known=known,
        sector_fraction=possible.astype(float),
        visible_fraction=shares,
        has_viewshed=has_vs,
        seen_polygons=None,
        seen_samples=vis[:, None],
        samples=None,
    )


@compiled
def _screen_point(
    idx: NDArray[np.int64],
    cx: Floats,
    cy: Floats,
    head: Floats,
    half: Floats,
    rng: Floats,
    has_vs: Bools,
    offsets: NDArray[np.int64],
    rdx: NDArray[np.float32],
    rdy: NDArray[np.float32],
    closing: Bools,
    x: float,
    y: float,
    tol: float,
) -> tuple[Floats, Bools, Bools, Bools, Bools]:
    n = idx.size
    dist = np.empty(n)
    fov, in_rng = np.zeros(n, np.bool_), np.zeros(n, np.bool_)
    known, seen = np.zeros(n, np.bool_), np.zeros(n, np.bool_)
    for k in range(n):
        i = idx[k]
        dx, dy = x - cx[i], y - cy[i]
        dist[k], fov[k], in_rng[k], known[k] = screen_one(dx, dy, head[i], half[i], rng[i], 0.0)
        if fov[k] and in_rng[k] and has_vs[i]:
            seen[k] = ring_covers(offsets, rdx, rdy, closing, i, dx, dy, tol)
    return dist, fov, in_rng, known, seen


def _disc(
    index: CameraIndex,
    idx: NDArray[np.intp],
    possible: Bools,
    x: float,
    y: float,
    radius_m: float,
    pts: Floats,
) -> tuple[Floats, Floats]:
    """Exact shares of a disc for cameras that all have viewsheds: flat rings, no overlay."""
    p = possible.nonzero()[0]
    sec_frac, vis_frac = np.zeros(idx.size), np.zeros(idx.size)
    if p.size == 0:
        return sec_frac, vis_frac
    cams = idx[p]
    sec_frac[p] = sector_shares(
        cams,
        cam_x_m=index.x,
        cam_y_m=index.y,
        heading_deg=index.heading_grid_deg,
        half_fov_deg=index.half_fov_deg,
        range_m=index.range_m,
        x_m=pts[:, 0],
        y_m=pts[:, 1],
    )
    inside = index.view_rings.disc_overlap_m2(
        cams, centre_dx_m=x - index.x[cams], centre_dy_m=y - index.y[cams], radius_m=radius_m
    )
    # summation noise (1e-9) must not split ties such as two cameras seeing all of the disc
    scale = 10.0**SHARE_DECIMALS
    vis_frac[p] = np.rint(inside * (scale / (np.pi * radius_m * radius_m))) / scale
    return sec_frac, vis_frac


def seen_parts(index: CameraIndex, cams: NDArray[np.intp], region: shapely.Geometry) -> ObjArray:
    """What cameras ``cams`` (with viewsheds) see of ``region``, as polygons (metres)."""
    views = index.viewsheds[cams]
    clipped = shapely.clip_by_rect(views, *region.bounds)  # cheap, cuts the overlay
    parts: ObjArray = shapely.intersection(clipped, region)
    return parts


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
    in_sec = in_sector_samples(index, idx[p], pts)
    sec_frac = np.zeros(idx.size)
    sec_frac[p] = in_sec.mean(axis=1) if pts.shape[0] else 0.0
    seen_poly = np.full(idx.size, _EMPTY, dtype=object)
    pv, pl = p[has_vs[p]], p[~has_vs[p]]
    views = index.viewsheds[idx[pv]]
    full = shapely.contains(views, region)
    part = ~full & shapely.intersects(views, region)
    seen_poly[pv[full]] = region
    vis_frac[pv[full]] = 1.0
    seen_poly[pv[part]] = seen_parts(index, idx[pv[part]], region)
    vis_frac[pv[part]] = shapely.area(seen_poly[pv[part]]) / area
    if pl.size == 0:
        return sec_frac, vis_frac, seen_poly, None
    seen = np.zeros((idx.size, pts.shape[0]), bool)
    seen[pl] = _sample_los(index, idx[pl], pts, in_sec[~has_vs[p]])
    vis_frac[pl] = seen[pl].mean(axis=1)
    if pv.size:
        seen[pv] = shapely.contains_xy(seen_poly[pv][:, None], pts[None, :, 0], pts[None, :, 1])
    return sec_frac, vis_frac, None, seen


def in_sector_samples(index: CameraIndex, cams: NDArray[np.intp], pts: Floats) -> Bools:
    """Camera x sample matrix: the sample lies in the camera's sector and range."""
    return in_sector_matrix(
        cam_x_m=index.x[cams],
        cam_y_m=index.y[cams],
        heading_deg=index.heading_grid_deg[cams],
        half_fov_deg=index.half_fov_deg[cams],
        range_m=index.range_m[cams],
        x_m=pts[:, 0],
        y_m=pts[:, 1],
    )


def _sample_los(index: CameraIndex, cams: NDArray[np.intp], pts: Floats, in_sec: Bools) -> Bools:
    """Camera x sample matrix: inside sector and range, with a clear line of sight."""
    ci, si = np.nonzero(in_sec)
    clear = ~blocked(
        cam_x_m=index.x[cams][ci],
        cam_y_m=index.y[cams][ci],
        cam_height_m=index.height_m[cams][ci],
        target_x_m=pts[si, 0],
        target_y_m=pts[si, 1],
        footprints=index.buildings,
    )
    out = np.zeros(in_sec.shape, bool)
    out[ci, si] = clear
    return out
