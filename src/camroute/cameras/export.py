"""Write the registry as GeoJSON or GeoPackage, optionally with view-cone polygons.

An exported file travels (QGIS projects, mail, shared folders), so it says whether each camera
streams (``has_snapshot`` / ``has_mjpeg`` / ``has_rtsp``) and not where, unless the operator
asks for the URLs (``stream_urls``, as a GIS admin would see them). Credentials never.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import Engine

from camroute.cameras.fov import view_cone
from camroute.cameras.model import STREAM_FLAGS
from camroute.cameras.store import load_cameras
from camroute.errors import InvalidInputError

CONE_COLUMNS = ("id", "kind", "heading_deg", "hfov_deg", "range_m", "fov_assumed")


def cones_of(cameras: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One view-cone polygon per camera whose cone is known (see :func:`fov.view_cone`)."""
    shapes = [
        view_cone(
            lon=r.lon,
            lat=r.lat,
            kind=r.kind,
            heading_deg=None if pd.isna(r.heading_deg) else r.heading_deg,
            hfov_deg=r.hfov_deg,
            range_m=r.range_m,
            pan_min_deg=None if pd.isna(r.pan_min_deg) else r.pan_min_deg,
            pan_max_deg=None if pd.isna(r.pan_max_deg) else r.pan_max_deg,
        )
        for r in cameras.itertuples()
    ]
    known = np.array([s is not None for s in shapes], dtype=bool)
    frame = pd.DataFrame(cameras.loc[known, list(CONE_COLUMNS)]).rename(columns={"id": "camera_id"})
    frame.insert(0, "feature", "view_cone")
    geoms = [s for s in shapes if s is not None]
    return gpd.GeoDataFrame(frame.reset_index(drop=True), geometry=geoms, crs="EPSG:4326")


def _for_file(cameras: gpd.GeoDataFrame, *, stream_urls: bool) -> gpd.GeoDataFrame:
    out = cameras.copy()
    for name in ("last_seen", "updated_at"):
        out[name] = out[name].map(lambda t: None if pd.isna(t) else t.isoformat())
    for url, flag in STREAM_FLAGS.items():
        out.insert(out.columns.get_loc(url), flag, out[url].notna().astype(bool))
        if not stream_urls:
            out = out.drop(columns=url)
    return out


def export_registry(
    engine: Engine, out: Path, *, fmt: str, cones: bool = False, stream_urls: bool = False
) -> int:
    """Write every camera to ``out``; returns the number of cameras written.

    ``stream_urls`` adds the cameras' stream URLs (off by default: see the module note).
    """
    if fmt not in ("geojson", "gpkg"):
        raise InvalidInputError(f"format {fmt!r} is not geojson or gpkg", field="format")
    cameras = _for_file(load_cameras(engine), stream_urls=stream_urls)
    if fmt == "gpkg":
        cameras.to_file(out, driver="GPKG", layer="cameras", engine="pyogrio")
        if cones:
            cones_of(cameras).to_file(out, driver="GPKG", layer="view_cones", engine="pyogrio")
        return len(cameras)
    frame = cameras.assign(feature="camera", version=cameras["version"].astype("Int64"))
    if cones:
        frame = gpd.GeoDataFrame(pd.concat([frame, cones_of(cameras)], ignore_index=True), crs=4326)
    frame.to_file(out, driver="GeoJSON", engine="pyogrio")
    return len(cameras)
