"""The rows of a routing result: one ``RankedCamera``'s fields per listed camera, with its reason.

Only the few listed cameras (at most the limit, the context and the offline ones) reach
Python objects; everything before them is whole-array work over the candidates.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import orjson
from numpy.typing import NDArray

from camroute.routing import reason
from camroute.routing.index import CameraIndex
from camroute.routing.listed import LISTED_MAX, GeoJSON, ListedCamera, frozen
from camroute.routing.los import DEFAULT_MOUNT_HEIGHT_M
from camroute.routing.rounding import round_to
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
) -> list[dict[str, Any]]:
    """The fields of the ``RankedCamera`` of each of ``rows`` (rows of ``a``), in that order.

    Each row's few numbers are worked out on Python floats, which for a handful of rows costs
    a tenth of the whole-array operations it replaces (numpy pays about a microsecond a call,
    whatever the size). The camera's own values and its cone are made once per snapshot
    (:mod:`camroute.routing.listed`); only the query's columns are gathered here. The rows
    stay plain dicts: the caller validates the whole result in one call, cheaper than a model
    per row.
    """
    if rows.size == 0:
        return []
    listed = listed_cameras(index, a.idx[rows].tolist())
    frame_m = max(uncertainty_m, MIN_FRAME_RADIUS_M)
    point = region.radius_m == 0.0
    out = []
    for c, q in zip(listed, _assessed(a, rows), strict=True):
        fields = _row(c, q, x_m=region.x_m, y_m=region.y_m, frame_m=frame_m)
        fields["reason"] = _reason(fields, range_m=c.range_m, point=point)  # validated later
        # shared and frozen: the validation copies its dict
        fields["view_geojson"] = c.cone if include_views else None
        fields["protected"] = c.protected  # a tuple: the validation makes the row's list
        out.append(fields)
    return out


def listed_cameras(index: CameraIndex, cams: list[int]) -> list[ListedCamera]:
    """The values and cones of cameras ``cams`` (rows of ``index``), kept after the first time."""
    return index.listed_memo.get_many(cams, lambda missing: _gather(index, missing))


def prime_listed(index: CameraIndex, *, previous: CameraIndex | None = None) -> int:
    """Make the listed values of as many cameras as the memo keeps, before any query lists them.

    Called on each snapshot before it is swapped in (:class:`camroute.routing.service.
    IndexHolder`), so no call pays a camera's first listing (its cone parsed and frozen, about
    6 µs a camera: the slowest 1 % of point answers spent a third of their time on it).
    Only cameras with a viewshed: the others are the line-of-sight fallback's, until their
    viewsheds land in a later snapshot. Where more have one than the memo keeps, the
    ``previous`` snapshot's listed cameras (least recent first) go in first and stay the most
    recent: the districts the calls come from. A cone the ``previous`` snapshot has frozen
    from the same bytes is shared, not parsed again: a rebuild's snapshots differ in a few
    cameras, and the cones are most of the memo's memory and of the priming's time.
    Returns how many were made.
    """
    seeing = np.flatnonzero(index.has_viewshed)
    recent: list[int] = []
    if previous is not None and seeing.size > LISTED_MAX:
        row_of = {camera_id: row for row, camera_id in enumerate(index.ids.tolist())}
        rows = (row_of.get(camera_id) for camera_id in listed_ids(previous))
        recent = [r for r in rows if r is not None and index.has_viewshed[r]][-LISTED_MAX:]
    others = np.setdiff1d(seeing, recent) if recent else seeing
    order = [*others[: LISTED_MAX - len(recent)].tolist(), *recent]  # last: most recent
    kept = {} if previous is None else _frozen_cones(previous)
    index.listed_memo.get_many(order, lambda missing: _gather(index, missing, kept))
    return len(order)


def listed_ids(index: CameraIndex) -> list[str]:
    """The cameras ``index``'s memo keeps, least recently listed first."""
    ids: list[str] = index.ids[np.asarray(index.listed_memo.keys(), np.intp)].tolist()
    return ids


def _frozen_cones(index: CameraIndex) -> dict[str, tuple[bytes, GeoJSON]]:
    """The cones ``index``'s memo keeps, by camera id, each with the bytes it was parsed from."""
    kept = [(row, c.camera_id, c.cone) for row, c in index.listed_memo.items()]
    with_cone = [(row, camera_id, cone) for row, camera_id, cone in kept if cone is not None]
    texts: list[bytes] = index.cones[[row for row, _, _ in with_cone]].tolist()
    return {
        camera_id: (text, cone) for (_, camera_id, cone), text in zip(with_cone, texts, strict=True)
    }


def _cone(text: bytes | None, kept: tuple[bytes, GeoJSON] | None) -> GeoJSON | None:
    if text is None:
        return None
    if kept is not None and kept[0] == text:
        return kept[1]  # frozen, so shared between snapshots as between answers
    cone: GeoJSON = frozen(orjson.loads(text))
    return cone


def _gather(
    index: CameraIndex, cams: list[int], kept: Mapping[str, tuple[bytes, GeoJSON]] | None = None
) -> list[ListedCamera]:
    at: NDArray[np.intp] = np.asarray(cams, np.intp)
    ids: list[str] = index.ids[at].tolist()
    kept = kept or {}
    columns = (
        ids,
        index.names[at].tolist(),
        index.lon[at].tolist(),
        index.lat[at].tolist(),
        index.x[at].tolist(),
        index.y[at].tolist(),
        index.convergence_deg[at].tolist(),
        index.heading_grid_deg[at].tolist(),
        index.half_fov_deg[at].tolist(),
        index.range_m[at].tolist(),
        index.height_m[at].tolist(),
        index.zoom_min_deg[at].tolist(),
        index.zoom_max_deg[at].tolist(),
        index.fov_assumed[at].tolist(),
        index.heading_estimated[at].tolist(),
        index.offline[at].tolist(),
        index.statuses[at].tolist(),
        index.kinds[at].tolist(),
        index.access[at].tolist(),
        [tuple(index.protected.get(i, ())) for i in ids],
        [_cone(t, kept.get(i)) for i, t in zip(ids, index.cone_json(at), strict=True)],
    )
    return [ListedCamera._make(values) for values in zip(*columns, strict=True)]


class _Assessed(NamedTuple):
    """One listed camera's columns of the query's assessment, as Python values."""

    distance: float
    visible: float
    sector: float
    in_fov: bool
    in_range: bool
    heading_known: bool
    has_viewshed: bool


def _assessed(a: Assessment, rows: NDArray[np.intp]) -> list[_Assessed]:
    columns = (
        a.distance_m[rows].tolist(),
        a.visible_fraction[rows].tolist(),
        a.sector_fraction[rows].tolist(),
        a.in_fov[rows].tolist(),
        a.in_range[rows].tolist(),
        a.heading_known[rows].tolist(),
        a.has_viewshed[rows].tolist(),
    )
    return [_Assessed._make(values) for values in zip(*columns, strict=True)]


def _row(
    c: ListedCamera, q: _Assessed, *, x_m: float, y_m: float, frame_m: float
) -> dict[str, Any]:
    """One camera's fields (without the reason and the cone).

    The bearing is measured in the index's metres and turned from grid to true north by the
    convergence at the camera: over the few hundred metres a camera sees, within 0.01° of the
    ellipsoidal azimuth. (The columns are unpacked once: a named tuple's attribute costs
    about 25 ns a read, and a row reads some thirty.)
    """
    dist, vis, sec, in_fov, in_range, known, has_viewshed = q
    grid = math.degrees(math.atan2(x_m - c.x, y_m - c.y)) % 360.0
    bearing = (grid + c.convergence) % 360.0
    all_round = c.half_fov >= 180.0
    offset = None
    if known and not all_round:
        turn = (grid - c.heading_grid) % 360.0
        offset = round_to(turn - 360.0 if turn > 180.0 else turn, 1)
    pan = tilt = hfov = None
    if all_round:
        mount_m = c.height if 0.0 < c.height < math.inf else DEFAULT_MOUNT_HEIGHT_M
        zoom = 2.0 * math.degrees(math.atan2(frame_m, dist))
        pan = round_to(bearing, 1)
        tilt = round_to(-math.degrees(math.atan2(mount_m, dist)), 1)
        hfov = round_to(min(max(zoom, c.zoom_min), c.zoom_max), 1)
    possible = in_fov and in_range
    return {
        "camera_id": c.camera_id,
        "name": c.name,
        "lon": c.lon,
        "lat": c.lat,
        "role": "offline" if c.offline else ("visible" if vis > 0 else "context"),
        "visible_fraction": round_to(vis, 4),
        "sector_fraction": round_to(sec, 4),
        "distance_m": round_to(dist, 1),
        "bearing_deg": round_to(bearing, 1),
        "offset_deg": offset,
        "in_fov": in_fov if known else None,
        "in_range": in_range,
        "occluded": sec > vis + OCCLUSION_MARGIN,
        "fov_assumed": c.fov_assumed,
        "heading_known": known,
        "heading_estimated": known and c.heading_estimated and not all_round,
        "status": c.status,
        "kind": c.kind,
        "access_class": c.access_class,
        "method": ("viewshed" if has_viewshed else "samples") if possible else "none",
        "pan_deg": pan,
        "tilt_deg": tilt,
        "hfov_deg": hfov,
    }


def _reason(fields: dict[str, Any], *, range_m: float, point: bool) -> reason.Text:
    if fields["visible_fraction"] > 0:
        return reason.seeing_text(
            fraction=fields["visible_fraction"],
            distance_m=fields["distance_m"],
            offset_deg=fields["offset_deg"],
            point=point,
            heading_estimated=fields["heading_estimated"],
        )
    return reason.not_seeing_text(
        heading_known=fields["heading_known"],
        in_fov=bool(fields["in_fov"]),
        in_range=fields["in_range"],
        distance_m=fields["distance_m"],
        range_m=range_m,
        heading_estimated=fields["heading_estimated"],
    )
