"""Read building footprints from GeoJSON, GeoPackage, Shapefile or OSM into one frame.

Heights: ``height`` (metres, "12", "12 m", "12.5m") when present, else ``building:levels`` x
``LEVEL_HEIGHT_M``; otherwise unknown (NaN: line of sight treats it as tall).
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from camroute.errors import InvalidInputError

LEVEL_HEIGHT_M = 3.0
_NUMBER = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*(m|metres|meters)?\s*$", re.IGNORECASE)
_OSM_SUFFIXES = {".osm", ".pbf"}


class BuildingImportError(InvalidInputError):
    """The footprint file cannot be read or holds no polygons."""

    code = "building_import_error"
    title = "Building footprints could not be imported"


def parse_height_m(value: object) -> float:
    """Metres from an OSM-style height value; NaN when absent or not metres.

    Examples
    --------
    >>> [parse_height_m(v) for v in ["12", "12.5 m", "7,5", None, "40 ft", ""]]
    [12.0, 12.5, 7.5, nan, nan, nan]
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return float("nan")
    if isinstance(value, int | float):
        return float(value) if value > 0 else float("nan")
    match = _NUMBER.match(str(value))
    if not match:
        return float("nan")
    height = float(match.group(1).replace(",", "."))
    return height if height > 0 else float("nan")


def _other_tag(tags: pd.Series, key: str) -> pd.Series:
    pattern = rf'"{re.escape(key)}"=>"([^"]*)"'
    return tags.fillna("").astype(str).str.extract(pattern, expand=False)


def heights(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(height_m, height_source)`` per row from ``height`` / ``building:levels`` / OSM tags."""
    n = len(frame)
    tags = frame["other_tags"] if "other_tags" in frame.columns else pd.Series([None] * n)
    tags = tags.reset_index(drop=True)

    def column(key: str) -> pd.Series:
        if key in frame.columns:
            return frame[key].reset_index(drop=True)
        return _other_tag(tags, key)

    direct = np.array(
        [parse_height_m(v) for v in column("height_m" if "height_m" in frame.columns else "height")]
    )
    levels = np.array([parse_height_m(v) for v in column("building:levels")]) * LEVEL_HEIGHT_M
    height = np.where(np.isfinite(direct), direct, levels)
    source = np.full(n, None, dtype=object)
    source[np.isfinite(levels)] = "levels"
    source[np.isfinite(direct)] = "height"
    return height, source


def read_buildings(path: Path) -> gpd.GeoDataFrame:
    """Footprints in WGS84 with ``source_id``, ``height_m``, ``height_source``, ``geometry``."""
    if not path.is_file():
        raise BuildingImportError(f"no such file: {path}", field="path")
    try:
        if path.suffix.lower() in _OSM_SUFFIXES:
            frame = gpd.read_file(path, layer="multipolygons")
        else:
            frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable input
        raise BuildingImportError(f"cannot read {path.name}: {exc}", field="path") from exc
    if frame.crs is None:
        frame = frame.set_crs(4326)
    elif frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    geoms = frame.geometry.to_numpy()
    keep = np.isin(shapely.get_type_id(geoms), [3, 6]) & ~shapely.is_empty(geoms)
    if "building" in frame.columns and path.suffix.lower() in _OSM_SUFFIXES:
        keep &= frame["building"].notna().to_numpy()
    frame = frame[keep].reset_index(drop=True)
    if frame.empty:
        raise BuildingImportError(f"{path.name} holds no building polygons", field="path")
    height, source = heights(frame)
    ids = _source_ids(frame)
    # "structure" keeps a repaired footprint polygonal (the default method leaves a
    # bow-tie with a spike as a collection with a line, which a MultiPolygon column refuses)
    geometry = shapely.make_valid(
        frame.geometry.to_numpy(), method="structure", keep_collapsed=False
    )
    out = gpd.GeoDataFrame(
        {"source_id": ids, "height_m": height, "height_source": source},
        geometry=geometry,
        crs=4326,
    )
    return out[~out.geometry.is_empty].reset_index(drop=True)  # nothing left: nothing to block


def _source_ids(frame: pd.DataFrame) -> list[str | None]:
    for key in ("osm_area_id", "osm_way_id", "osm_id", "id"):
        if key in frame.columns:
            return [None if pd.isna(v) else str(v) for v in frame[key]]
    return [None] * len(frame)
