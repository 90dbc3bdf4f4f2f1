"""``rank_cameras``: the cameras that can see the caller, best first, with the reasons."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.location import CallerLocation
from camroute.routing import reason
from camroute.routing.cover import greedy_cover_samples, union_fraction
from camroute.routing.disc_cover import disc_cover
from camroute.routing.index import CameraIndex
from camroute.routing.models import Cover, RouteResult
from camroute.routing.order import ranked_rows
from camroute.routing.rows import result_rows
from camroute.routing.visibility import (
    BOUNDARY_TOLERANCE_M,
    Assessment,
    MetricRegion,
    assess,
)

SUNFLOWER_SAMPLES = 256
COVER_CANDIDATES = 10  # the cover is chosen among the best-ranked cameras
CONTEXT_MARGIN_M = 25.0  # context cameras: out of range by at most this much
MAX_ROUTING_RADIUS_M = 1000.0  # a vaguer location is answered with no camera, and why
_K = np.arange(SUNFLOWER_SAMPLES) + 0.5
_SUNFLOWER = np.sqrt(_K / SUNFLOWER_SAMPLES)[:, None] * np.column_stack(
    [np.sin(np.pi * (1 + 5**0.5) * _K), np.cos(np.pi * (1 + 5**0.5) * _K)]
)  # evenly spread samples in the unit disc
# The samples by y: scaled by a radius and moved to a centre, a disc's samples keep this order
# (both steps are monotone in floating point), so the cover's edge test need not sort them
# (and checks it: out of order, every edge would meet every sample, as before).
_SUNFLOWER_BY_Y = np.argsort(_SUNFLOWER[:, 1], kind="stable")


class Ranking(NamedTuple):
    """The ranking as arrays (rows of ``assessment``), before any Python object per camera."""

    assessment: Assessment
    ranked: NDArray[np.intp]  # every seeing, not offline camera, best first
    context: NDArray[np.intp]
    offline: NDArray[np.intp]
    region: MetricRegion


def metric_region(
    location: CallerLocation, index: CameraIndex, *, at_m: tuple[float, float] | None = None
) -> MetricRegion:
    """The caller's region in the index's metres (``at_m``: its point, if already projected).

    A circle stays a circle about the projected centre (sunflower samples, exact shares);
    other shapes are projected and sampled on a grid.
    """
    x, y = at_m if at_m is not None else index.to_metric_xy(lon=location.lon, lat=location.lat)
    if location.shape == "point" or location.uncertainty_m == 0.0:
        return MetricRegion(x_m=x, y_m=y, radius_m=0.0, shape="point")
    if location.shape == "circle":
        r = location.uncertainty_m
        return MetricRegion(
            x_m=x, y_m=y, radius_m=r, shape="circle", samples=_SUNFLOWER * r + (x, y)
        )
    region_m = index.projection.geometry_to_metric(location.region_geometry())
    coords = shapely.get_coordinates(region_m)
    radius = float(np.max(np.hypot(coords[:, 0] - x, coords[:, 1] - y)))
    return MetricRegion(x_m=x, y_m=y, radius_m=radius, shape="area", given=region_m)


def rank_arrays(
    location: CallerLocation,
    index: CameraIndex,
    *,
    context_limit: int = 5,
    at_m: tuple[float, float] | None = None,
) -> Ranking:
    """The routing core: candidates, visibility and order, all vectorised."""
    region = metric_region(location, index, at_m=at_m)
    if region.radius_m > MAX_ROUTING_RADIUS_M:  # too vague to pick cameras by sight: consider none
        idx = np.empty(0, np.intp)
    else:
        idx = index.candidates(
            x_m=region.x_m, y_m=region.y_m, radius_m=region.radius_m + CONTEXT_MARGIN_M
        )
    a = assess(index, idx, region)
    seeing, context, offline = ranked_rows(
        idx,
        visible=a.visible_fraction,
        distance_m=a.distance_m,
        offline=index.offline,
        range_m=index.range_m,
        radius_m=region.radius_m,
        margin_m=CONTEXT_MARGIN_M,
    )
    return Ranking(
        assessment=a,
        ranked=seeing,
        context=context[:context_limit],
        offline=offline,
        region=region,
    )


def rank_cameras(
    location: CallerLocation,
    index: CameraIndex,
    *,
    limit: int = 10,
    context_limit: int = 5,
    cover_k: int = 3,
    include_views: bool = True,
) -> RouteResult:
    """Rank the cameras of ``index`` by how much of ``location``'s region they see.

    Visible cameras come first (by visible fraction, then distance, at most ``limit``), then up
    to ``context_limit`` nearby cameras that do not see (with why); offline and maintenance
    cameras are listed apart. ``cover`` is the greedy best set of at most ``cover_k`` cameras.

    Examples
    --------
    >>> import geopandas as gpd
    >>> cams = gpd.GeoDataFrame({"id": ["N", "S"], "lon": [105.0, 105.0], "lat": [10.77, 10.77],
    ...     "heading_deg": [0.0, 180.0], "hfov_deg": [60.0, 60.0], "range_m": [80.0, 80.0]},
    ...     geometry=gpd.points_from_xy([105.0, 105.0], [10.77, 10.77]), crs=4326)
    >>> here = CallerLocation(format="json", shape="point", lon=105.0, lat=10.7703,
    ...     region={"type": "Point", "coordinates": [105.0, 10.7703]}, uncertainty_m=0.0)
    >>> result = rank_cameras(here, CameraIndex.build(cams))
    >>> [c.camera_id for c in result.cameras], [c.camera_id for c in result.context]
    (['N'], ['S'])
    >>> result.cameras[0].reason.en
    'sees the location, 33 m away, 0° off axis'
    """
    at_m = index.covered_xy(lon=location.lon, lat=location.lat)
    if at_m is None:
        return _outside(location)
    rk = rank_arrays(location, index, context_limit=context_limit, at_m=at_m)
    a = rk.assessment
    visible, offline = rk.ranked[:limit], rk.offline[:limit]
    rows = np.concatenate([visible, rk.context, offline])
    out = result_rows(
        index, a, rows, rk.region, uncertainty_m=location.uncertainty_m, include_views=include_views
    )
    nv, nc = visible.size, rk.context.size
    considered = int(a.idx.size)
    # One validation for the whole answer (rows are plain dicts): a model per row cost more.
    return RouteResult.model_validate(
        {
            "lon": location.lon,
            "lat": location.lat,
            "uncertainty_m": location.uncertainty_m,
            "cameras": out[:nv],
            "context": out[nv : nv + nc],
            "offline": out[nv + nc :],
            "cover": _cover(index, a, rk.ranked, rk.region, cover_k),
            "considered": considered,
            "reason": reason.summary(
                visible=nv,
                considered=considered,
                too_uncertain_m=_too_uncertain(rk.region.radius_m),
            ),
        }
    )


def _outside(location: CallerLocation) -> RouteResult:
    """No camera near: the location is beyond what the index's metric CRS is fit for."""
    return RouteResult(
        lon=location.lon,
        lat=location.lat,
        uncertainty_m=location.uncertainty_m,
        cameras=[],
        context=[],
        offline=[],
        cover=Cover(camera_ids=[], combined_fraction=0.0),
        considered=0,
        reason=reason.outside_area(),
    )


def _too_uncertain(radius_m: float) -> float | None:
    return radius_m if radius_m > MAX_ROUTING_RADIUS_M else None


def _cover(
    index: CameraIndex, a: Assessment, rows: NDArray[np.intp], region: MetricRegion, k: int
) -> Cover:
    rows = rows[:COVER_CANDIDATES]
    if region.shape == "point":  # every ranked camera sees all of it: the best one covers it
        chosen, frac = ([0], 1.0) if rows.size and k > 0 else ([], 0.0)
    elif a.samples is not None and a.seen_samples is None:
        pts = a.samples
        if a.seen_polygons is None:  # the exact disc path: no overlay at all
            chosen, frac = disc_cover(
                index,
                a.idx[rows],
                a.visible_fraction[rows],
                pts,
                k=k,
                tolerance_m=BOUNDARY_TOLERANCE_M,
                y_order=_SUNFLOWER_BY_Y,
            )
        else:
            polys = a.seen_polygons[rows]
            seen = shapely.contains_xy(polys[:, None], pts[None, :, 0], pts[None, :, 1])
            chosen, _ = greedy_cover_samples(seen, k=k)
            frac = union_fraction(polys[chosen], region_area_m2=float(region.geometry.area))
    else:
        assert a.seen_samples is not None
        chosen, frac = greedy_cover_samples(a.seen_samples[rows], k=k)
    ids: list[str] = index.ids[a.idx[rows[chosen]]].tolist()  # one gather, not one per id
    return Cover(camera_ids=ids, combined_fraction=round(frac, 4))  # as the cameras' shares
