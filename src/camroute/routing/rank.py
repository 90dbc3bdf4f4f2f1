"""``rank_cameras``: the cameras that can see the caller, best first, with the reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import shapely
from numpy.typing import NDArray

from camroute.geo import bearing_deg
from camroute.location import CallerLocation
from camroute.routing import reason
from camroute.routing.cover import greedy_cover_samples, union_fraction
from camroute.routing.index import CameraIndex
from camroute.routing.los import effective_height_m
from camroute.routing.models import Cover, RankedCamera, RouteResult
from camroute.routing.sector import offset_deg
from camroute.routing.visibility import Assessment, assess

MIN_FRAME_RADIUS_M = 3.0
SUNFLOWER_SAMPLES = 256
OCCLUSION_MARGIN = 0.02  # the sector share is sampled; smaller gaps are not called occlusion
CONTEXT_MARGIN_M = 25.0  # context cameras: out of range by at most this much
MAX_ROUTING_RADIUS_M = 1000.0  # a vaguer location is answered with no camera, and why
_UNIT_CIRCLE = np.column_stack(
    [np.sin(np.linspace(0, 2 * np.pi, 65)), np.cos(np.linspace(0, 2 * np.pi, 65))]
)
_POINT = shapely.Point(0.0, 0.0)
_K = np.arange(SUNFLOWER_SAMPLES) + 0.5
_SUNFLOWER = np.sqrt(_K / SUNFLOWER_SAMPLES)[:, None] * np.column_stack(
    [np.sin(np.pi * (1 + 5**0.5) * _K), np.cos(np.pi * (1 + 5**0.5) * _K)]
)  # evenly spread samples in the unit disc


@dataclass(frozen=True)
class Ranking:
    """The ranking as arrays (rows of ``assessment``), before any Python object per camera."""

    assessment: Assessment
    ranked: NDArray[np.intp]  # every seeing, not offline camera, best first
    context: NDArray[np.intp]
    offline: NDArray[np.intp]
    region_m: shapely.Geometry
    radius_m: float


def metric_region(
    location: CallerLocation, index: CameraIndex
) -> tuple[float, float, shapely.Geometry, float, NDArray[np.float64] | None]:
    """Reference point, region, its radius about the point and samples, in metres.

    A circle is rebuilt in metres (64 vertices, sunflower samples) rather than projected
    vertex by vertex; other shapes are projected and sampled on a grid.
    """
    x, y = index.to_metric_xy(lon=location.lon, lat=location.lat)
    if location.shape == "point" or location.uncertainty_m == 0.0:
        return x, y, _POINT, 0.0, None  # a stand-in: point regions are tested by x, y
    if location.shape == "circle":
        r = location.uncertainty_m
        disc = shapely.Polygon(_UNIT_CIRCLE * r + (x, y))
        return x, y, disc, r, _SUNFLOWER * r + (x, y)
    region_m = index.projection.geometry_to_metric(location.region_geometry())
    coords = shapely.get_coordinates(region_m)
    radius = float(np.max(np.hypot(coords[:, 0] - x, coords[:, 1] - y)))
    return x, y, region_m, radius, None


def rank_arrays(location: CallerLocation, index: CameraIndex, *, context_limit: int = 5) -> Ranking:
    """The routing core: candidates, visibility and order, all vectorised."""
    x, y, region_m, radius, samples = metric_region(location, index)
    if radius > MAX_ROUTING_RADIUS_M:  # too vague to pick cameras by sight: consider none
        idx = np.empty(0, np.intp)
    else:
        idx = index.candidates(x_m=x, y_m=y, radius_m=radius + CONTEXT_MARGIN_M)
    a = assess(index, idx, region_m, x_m=x, y_m=y, radius_m=radius, samples=samples)
    off = index.offline[idx]
    sees = a.visible_fraction > 0
    near = a.distance_m <= index.range_m[idx] + radius + CONTEXT_MARGIN_M
    return Ranking(
        assessment=a,
        ranked=_order(np.flatnonzero(sees & ~off), a, by_fraction=True),
        context=_order(np.flatnonzero(~sees & ~off & near), a, by_fraction=False)[:context_limit],
        offline=_order(np.flatnonzero(off & near), a, by_fraction=True),
        region_m=region_m,
        radius_m=radius,
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
    rk = rank_arrays(location, index, context_limit=context_limit)
    a = rk.assessment
    visible, offline = rk.ranked[:limit], rk.offline[:limit]
    rows = np.concatenate([visible, rk.context, offline])
    out = _rows(index, a, rows, location, point=rk.radius_m == 0.0, include_views=include_views)
    nv, nc = visible.size, rk.context.size
    considered = int(a.idx.size)
    return RouteResult(
        lon=location.lon,
        lat=location.lat,
        uncertainty_m=location.uncertainty_m,
        cameras=out[:nv],
        context=out[nv : nv + nc],
        offline=out[nv + nc :],
        cover=_cover(index, a, rk.ranked, rk.region_m, cover_k),
        considered=considered,
        reason=reason.summary(
            visible=nv, considered=considered, too_uncertain_m=_too_uncertain(rk.radius_m)
        ),
    )


def _too_uncertain(radius_m: float) -> float | None:
    return radius_m if radius_m > MAX_ROUTING_RADIUS_M else None


def _order(rows: NDArray[np.intp], a: Assessment, *, by_fraction: bool) -> NDArray[np.intp]:
    if rows.size < 2:
        return rows
    keys = (a.distance_m[rows], -a.visible_fraction[rows]) if by_fraction else (a.distance_m[rows],)
    ordered: NDArray[np.intp] = rows[np.lexsort(keys)]
    return ordered


def _cover(
    index: CameraIndex, a: Assessment, rows: NDArray[np.intp], region_m: shapely.Geometry, k: int
) -> Cover:
    if a.seen_polygons is not None and a.samples is not None:
        polys = a.seen_polygons[rows]
        pts = a.samples
        seen = shapely.contains_xy(polys[:, None], pts[None, :, 0], pts[None, :, 1])
        chosen, _ = greedy_cover_samples(seen, k=k)
        frac = union_fraction(polys[chosen], region_area_m2=float(region_m.area))
    else:
        assert a.seen_samples is not None
        chosen, frac = greedy_cover_samples(a.seen_samples[rows], k=k)
    ids = [str(index.ids[a.idx[rows[c]]]) for c in chosen]
    return Cover(camera_ids=ids, combined_fraction=frac)


def _rows(
    index: CameraIndex,
    a: Assessment,
    rows: NDArray[np.intp],
    location: CallerLocation,
    *,
    point: bool,
    include_views: bool,
) -> list[RankedCamera]:
    """Build the result rows (only the few listed cameras reach Python objects)."""
    cam = a.idx[rows]
    true_bearing = bearing_deg(
        from_lon=index.lon[cam],
        from_lat=index.lat[cam],
        to_lon=np.full(cam.size, location.lon),
        to_lat=np.full(cam.size, location.lat),
    )
    offsets = offset_deg(true_bearing, index.heading_deg[cam])
    all_round = index.half_fov_deg[cam] >= 180.0
    views = _view_geojson(index, cam) if include_views else [None] * cam.size
    height = effective_height_m(index.height_m[cam])
    frame = np.maximum(location.uncertainty_m, MIN_FRAME_RADIUS_M)
    hfov = np.clip(
        2 * np.degrees(np.arctan2(frame, a.distance_m[rows])),
        index.zoom_min_deg[cam],
        index.zoom_max_deg[cam],
    )
    tilt = -np.degrees(np.arctan2(height, a.distance_m[rows]))
    out = []
    for j, r in enumerate(rows.tolist()):
        fields = _fields(index, a, r, role=_role(index, a, r))
        off = None if all_round[j] or not a.heading_known[r] else round(float(offsets[j]), 1)
        fields.update(
            bearing_deg=round(float(true_bearing[j]), 1),
            offset_deg=off,
            view_geojson=views[j],
            reason=_reason(index, a, r, off, point=point),
        )
        if all_round[j]:
            fields.update(
                pan_deg=round(float(true_bearing[j]), 1),
                tilt_deg=round(float(tilt[j]), 1),
                hfov_deg=round(float(hfov[j]), 1),
            )
        out.append(RankedCamera(**fields))
    return out


def _role(index: CameraIndex, a: Assessment, r: int) -> str:
    if index.offline[a.idx[r]]:
        return "offline"
    return "visible" if a.visible_fraction[r] > 0 else "context"


def _fields(index: CameraIndex, a: Assessment, r: int, *, role: str) -> dict[str, Any]:
    i = int(a.idx[r])
    method = "viewshed" if a.has_viewshed[r] else "samples"
    possible = bool(a.in_fov[r] and a.in_range[r])
    return {
        "camera_id": str(index.ids[i]),
        "name": str(index.names[i]),
        "lon": float(index.lon[i]),
        "lat": float(index.lat[i]),
        "role": role,
        "visible_fraction": round(float(a.visible_fraction[r]), 4),
        "sector_fraction": round(float(a.sector_fraction[r]), 4),
        "distance_m": round(float(a.distance_m[r]), 1),
        "in_fov": bool(a.in_fov[r]) if a.heading_known[r] else None,
        "in_range": bool(a.in_range[r]),
        "occluded": bool(a.sector_fraction[r] > a.visible_fraction[r] + OCCLUSION_MARGIN),
        "fov_assumed": bool(index.fov_assumed[i]),
        "heading_known": bool(a.heading_known[r]),
        "status": str(index.statuses[i]),
        "kind": str(index.kinds[i]),
        "access_class": str(index.access[i]),
        "method": method if possible else "none",
    }


def _reason(index: CameraIndex, a: Assessment, r: int, off: float | None, *, point: bool) -> Any:
    if a.visible_fraction[r] > 0:
        return reason.seeing(
            fraction=float(a.visible_fraction[r]),
            distance_m=float(a.distance_m[r]),
            offset_deg=off,
            point=point,
        )
    return reason.not_seeing(
        heading_known=bool(a.heading_known[r]),
        in_fov=bool(a.in_fov[r]),
        in_range=bool(a.in_range[r]),
        distance_m=float(a.distance_m[r]),
        range_m=float(index.range_m[a.idx[r]]),
    )


def _view_geojson(index: CameraIndex, cam: NDArray[np.intp]) -> list[dict[str, Any] | None]:
    """The cone the map draws: the viewshed where computed, else the plain sector (WGS84)."""
    known = np.isfinite(index.heading_grid_deg[cam]) | (index.half_fov_deg[cam] >= 180.0)
    out: list[dict[str, Any] | None] = [None] * cam.size
    if not known.any():
        return out
    polys = index.views(cam[known])
    wgs = [index.projection.geometry_to_wgs84(p) for p in polys]
    texts = shapely.to_geojson(np.asarray(wgs, dtype=object), indent=None)
    for j, text in zip(np.flatnonzero(known).tolist(), texts.tolist(), strict=True):
        out[j] = orjson.loads(text)
    return out
