"""The camera registry frame read into the index's columns, and the metric CRS chosen for it.

Missing columns take the registry's defaults; a camera the chosen CRS is not fit for is left
out (and named), so one bad row cannot stop the index.
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from camroute.geo import LocalProjection, local_projection

ALL_ROUND_KINDS = frozenset({"ptz", "dome_360"})
OFFLINE_STATUSES = ("offline", "maintenance")
DEFAULT_HFOV_DEG = 90.0
DEFAULT_RANGE_M = 50.0
FALLBACK_LON, FALLBACK_LAT = 106.70, 10.77  # HCMC: the CRS of an empty index
CANDIDATE_ZONES = 3  # busiest UTM zones tried besides the median's
LOGGED_EXCLUDED_IDS = 5  # a few ids in the warning; all of them on ``excluded_ids``

log = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]
ObjArray = NDArray[np.object_]


def column(df: pd.DataFrame, name: str, default: Any) -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series([default] * len(df), index=df.index, dtype=object)


def floats(df: pd.DataFrame, name: str, default: float = np.nan) -> FloatArray:
    values = pd.to_numeric(column(df, name, default), errors="coerce").to_numpy(
        float, na_value=np.nan
    )
    return np.where(np.isnan(values), default, values)


def strings(df: pd.DataFrame, name: str, default: str) -> ObjArray:
    s = column(df, name, default).astype(object)
    return np.asarray(s.where(s.notna(), default).astype(str).to_numpy(object), dtype=object)


# Heading provenance that is an estimate: the page dashes such cones, reasons say so.
ESTIMATED_HEADING_SOURCES = frozenset({"assumed", "suggested"})


def grid_convergence_deg(
    projection: LocalProjection, lon: FloatArray, lat: FloatArray
) -> FloatArray:
    """Angle from true north to grid north of a UTM projection (true = grid + convergence).

    Examples
    --------
    >>> p = local_projection(lon=24.94, lat=60.17)
    >>> round(float(grid_convergence_deg(p, np.array([24.94]), np.array([60.17]))[0]), 2)
    -1.79
    """
    zone = projection.epsg % 100
    lon0 = -183.0 + 6.0 * zone
    gamma = np.arctan(np.tan(np.radians(lon - lon0)) * np.sin(np.radians(lat)))
    result: FloatArray = np.degrees(gamma)
    return result


def central_projection(
    lon: FloatArray, lat: FloatArray
) -> tuple[LocalProjection, NDArray[np.bool_]]:
    """The UTM zone fit for the most cameras (the median's, or a busy zone's), and which.

    The median alone is dragged away by strays when they are many or the registry is tiny
    (one city camera and one at the pole: a zone in the middle of the Pacific).
    """
    valid = (np.abs(lon) <= 180.0) & (np.abs(lat) <= 90.0)  # NaN is not
    if not valid.any():
        fallback = local_projection(lon=FALLBACK_LON, lat=FALLBACK_LAT)
        return fallback, fallback.covers(lon, lat)
    vlon, vlat = lon[valid], lat[valid]
    best = local_projection(lon=float(np.median(vlon)), lat=float(np.median(vlat)))
    best_ok = best.covers(lon, lat)
    if best_ok.all():  # the usual registry: no second look
        return best, best_ok
    zone = np.minimum(np.floor((vlon + 180.0) / 6.0), 59.0) + 60.0 * (vlat < 0.0)
    _, first, counts = np.unique(zone, return_index=True, return_counts=True)
    for i in first[np.argsort(-counts, kind="stable")[:CANDIDATE_ZONES]]:
        other = local_projection(lon=float(vlon[i]), lat=float(vlat[i]))
        ok = other.covers(lon, lat)
        if np.count_nonzero(ok) > np.count_nonzero(best_ok):  # a tie keeps the median's
            best, best_ok = other, ok
    return best, best_ok


def usable(
    cameras: gpd.GeoDataFrame,
    projection: LocalProjection,
    ok: NDArray[np.bool_],
    lon: FloatArray,
    lat: FloatArray,
) -> tuple[gpd.GeoDataFrame, FloatArray, FloatArray, tuple[str, ...]]:
    """The cameras ``ok`` (covered by ``projection``), and the ids of the others (logged)."""
    if ok.all():
        return cameras, lon, lat, ()
    excluded = tuple(str(i) for i in strings(cameras, "id", "")[~ok])
    log.warning(
        "%d camera(s) left out of the index: their position is outside what EPSG:%d is fit "
        "for (invalid, or far from the cameras' zone), so they are never routed to; first: %s",
        len(excluded),
        projection.epsg,
        ", ".join(excluded[:LOGGED_EXCLUDED_IDS]),
    )
    keep = np.flatnonzero(ok)
    return cameras.iloc[keep], lon[keep], lat[keep], excluded


def lon_lat(cameras: gpd.GeoDataFrame) -> tuple[FloatArray, FloatArray]:
    if len(cameras) == 0:
        return np.empty(0), np.empty(0)
    if {"lon", "lat"} <= set(cameras.columns):
        return floats(cameras, "lon"), floats(cameras, "lat")
    geom = cameras.geometry
    if geom.crs is not None and geom.crs.to_epsg() != 4326:
        geom = geom.to_crs(4326)
    return geom.x.to_numpy(float), geom.y.to_numpy(float)


def optics_columns(
    cameras: gpd.GeoDataFrame, projection: LocalProjection, lon: FloatArray, lat: FloatArray
) -> dict[str, Any]:
    kinds = strings(cameras, "kind", "fixed")
    heading = floats(cameras, "heading_deg")
    hfov = floats(cameras, "hfov_deg", DEFAULT_HFOV_DEG)
    rng = floats(cameras, "range_m", DEFAULT_RANGE_M)
    all_round = np.isin(kinds, list(ALL_ROUND_KINDS)) | (hfov >= 360.0)
    assumed = column(cameras, "fov_assumed", False).fillna(False).astype(bool).to_numpy(bool)
    convergence = grid_convergence_deg(projection, lon, lat)
    missing = ~np.isin(["hfov_deg", "range_m"], list(cameras.columns))
    sources = strings(cameras, "heading_source", "")
    estimated = np.isin(sources, list(ESTIMATED_HEADING_SOURCES)) & np.isfinite(heading)
    return {
        "kinds": kinds,
        "heading_deg": np.mod(heading, 360.0),
        "heading_grid_deg": np.mod(heading - convergence, 360.0),
        "convergence_deg": convergence,
        "hfov_deg": hfov,
        "half_fov_deg": np.where(all_round, 180.0, np.clip(hfov, 0.0, 360.0) / 2.0),
        "range_m": rng,
        "height_m": floats(cameras, "mount_height_m"),
        "fov_assumed": assumed | bool(missing.any()),
        "heading_estimated": estimated,
        "zoom_min_deg": floats(cameras, "zoom_hfov_min_deg", 2.0),
        "zoom_max_deg": floats(cameras, "zoom_hfov_max_deg", 90.0),
    }


def metric_buildings(
    buildings: gpd.GeoDataFrame | None, projection: LocalProjection
) -> tuple[ObjArray, FloatArray]:
    if buildings is None or len(buildings) == 0:
        return np.empty(0, dtype=object), np.empty(0)
    frame = buildings
    if frame.crs is None or frame.crs.to_epsg() != projection.epsg:
        frame = frame.set_crs(4326) if frame.crs is None else frame
        frame = frame.to_crs(projection.epsg)
    geoms = frame.geometry.to_numpy()
    polygonal = shapely.get_type_id(geoms) >= 3
    keep = polygonal & ~shapely.is_empty(geoms)
    heights = floats(frame, "height_m")[keep]
    return np.asarray(geoms[keep], dtype=object), heights
