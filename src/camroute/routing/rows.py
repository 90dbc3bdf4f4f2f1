"""The rows of a routing result: one ``RankedCamera`` per listed camera, with its reason.

Only the few listed cameras (at most the limit, the context and the offline ones) reach
Python objects; everything before them is whole-array work over the candidates.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import orjson
import shapely
from numpy.typing import NDArray

from camroute.routing import reason
from camroute.routing.index import CameraIndex
from camroute.routing.los import DEFAULT_MOUNT_HEIGHT_M
from camroute.routing.models import RankedCamera, Reason
from camroute.routing.visibility import Assessment, MetricRegion

MIN_FRAME_RADIUS_M = 3.0  # a PTZ camera zooms to frame at least a disc this wide
OCCLUSION_MARGIN = 0.02  # the sector share is sampled; smaller gaps are not called occlusion


def result_rows(
    index: CameraIndex,
    a: Assessment,
    rows: NDArray[np.intp],
    region: MetricRegion,
    *,
    uncertainty_m: float,
    include_views: bool,
) -> list[RankedCamera]:
    """The ``RankedCamera`` of each of ``rows`` (rows of ``a``), in that order.

    The arrays are gathered once for the listed cameras; each row's few numbers are then
    worked out on Python floats, which for a handful of rows costs a tenth of the whole-array
    operations it replaces (numpy pays about a microsecond a call, whatever the size).
    """
    if rows.size == 0:
        return []
    cam = a.idx[rows]
    views = _view_geojson(index, cam) if include_views else [None] * cam.size
    frame_m = max(uncertainty_m, MIN_FRAME_RADIUS_M)
    point = region.radius_m == 0.0
    columns = _gathered(index, a, rows, cam)
    names = list(columns)
    out = []
    for values, view in zip(zip(*columns.values(), strict=True), views, strict=True):
        c = dict(zip(names, values, strict=True))
        fields = _row(c, x_m=region.x_m, y_m=region.y_m, frame_m=frame_m)
        fields["reason"] = _reason(fields, range_m=c["range_m"], point=point)
        fields["view_geojson"] = view
        fields["protected"] = list(index.protected.get(c["camera_id"], ()))
        out.append(RankedCamera(**fields))
    return out


def _gathered(
    index: CameraIndex, a: Assessment, rows: NDArray[np.intp], cam: NDArray[np.intp]
) -> dict[str, list[Any]]:
    """The columns a row is made of, for the listed cameras only, as lists."""
    return {
        "camera_id": index.ids[cam].tolist(),
        "name": index.names[cam].tolist(),
        "lon": index.lon[cam].tolist(),
        "lat": index.lat[cam].tolist(),
        "x": index.x[cam].tolist(),
        "y": index.y[cam].tolist(),
        "convergence": index.convergence_deg[cam].tolist(),
        "heading_grid": index.heading_grid_deg[cam].tolist(),
        "half_fov": index.half_fov_deg[cam].tolist(),
        "range_m": index.range_m[cam].tolist(),
        "height": index.height_m[cam].tolist(),
        "zoom_min": index.zoom_min_deg[cam].tolist(),
        "zoom_max": index.zoom_max_deg[cam].tolist(),
        "fov_assumed": index.fov_assumed[cam].tolist(),
        "heading_estimated": index.heading_estimated[cam].tolist(),
        "offline": index.offline[cam].tolist(),
        "status": index.statuses[cam].tolist(),
        "kind": index.kinds[cam].tolist(),
        "access_class": index.access[cam].tolist(),
        "distance": a.distance_m[rows].tolist(),
        "visible": a.visible_fraction[rows].tolist(),
        "sector": a.sector_fraction[rows].tolist(),
        "in_fov": a.in_fov[rows].tolist(),
        "in_range": a.in_range[rows].tolist(),
        "heading_known": a.heading_known[rows].tolist(),
        "has_viewshed": a.has_viewshed[rows].tolist(),
    }


def _row(c: dict[str, Any], *, x_m: float, y_m: float, frame_m: float) -> dict[str, Any]:
    """One camera's fields (without the reason and the cone).

    The bearing is measured in the index's metres and turned from grid to true north by the
    convergence at the camera: over the few hundred metres a camera sees, within 0.01° of the
    ellipsoidal azimuth.
    """
    grid = math.degrees(math.atan2(x_m - c["x"], y_m - c["y"])) % 360.0
    bearing = (grid + c["convergence"]) % 360.0
    dist, vis, sec = c["distance"], c["visible"], c["sector"]
    all_round = c["half_fov"] >= 180.0
    offset = None
    if c["heading_known"] and not all_round:
        turn = (grid - c["heading_grid"]) % 360.0
        offset = round(turn - 360.0 if turn > 180.0 else turn, 1)
    ptz: dict[str, float | None] = {"pan_deg": None, "tilt_deg": None, "hfov_deg": None}
    if all_round:
        mount_m = c["height"] if 0.0 < c["height"] < math.inf else DEFAULT_MOUNT_HEIGHT_M
        zoom = 2.0 * math.degrees(math.atan2(frame_m, dist))
        ptz = {
            "pan_deg": round(bearing, 1),
            "tilt_deg": round(-math.degrees(math.atan2(mount_m, dist)), 1),
            "hfov_deg": round(min(max(zoom, c["zoom_min"]), c["zoom_max"]), 1),
        }
    possible = c["in_fov"] and c["in_range"]
    return {
        "camera_id": c["camera_id"],
        "name": c["name"],
        "lon": c["lon"],
        "lat": c["lat"],
        "role": "offline" if c["offline"] else ("visible" if vis > 0 else "context"),
        "visible_fraction": round(vis, 4),
        "sector_fraction": round(sec, 4),
        "distance_m": round(dist, 1),
        "bearing_deg": round(bearing, 1),
        "offset_deg": offset,
        "in_fov": c["in_fov"] if c["heading_known"] else None,
        "in_range": c["in_range"],
        "occluded": sec > vis + OCCLUSION_MARGIN,
        "fov_assumed": c["fov_assumed"],
        "heading_known": c["heading_known"],
        "heading_estimated": c["heading_known"] and c["heading_estimated"] and not all_round,
        "status": c["status"],
        "kind": c["kind"],
        "access_class": c["access_class"],
        "method": ("viewshed" if c["has_viewshed"] else "samples") if possible else "none",
        **ptz,
    }


def _reason(fields: dict[str, Any], *, range_m: float, point: bool) -> Reason:
    if fields["visible_fraction"] > 0:
        return reason.seeing(
            fraction=fields["visible_fraction"],
            distance_m=fields["distance_m"],
            offset_deg=fields["offset_deg"],
            point=point,
            heading_estimated=fields["heading_estimated"],
        )
    return reason.not_seeing(
        heading_known=fields["heading_known"],
        in_fov=bool(fields["in_fov"]),
        in_range=fields["in_range"],
        distance_m=fields["distance_m"],
        range_m=range_m,
        heading_estimated=fields["heading_estimated"],
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
