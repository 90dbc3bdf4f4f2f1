"""Read layer files into ``AreaFeature`` rows: GeoJSON, GeoPackage, Shapefile, CSV, OSM XML.

A feature that cannot be used (no name, no or invalid geometry, wrong geometry type for the
kind, coordinates outside WGS84) is counted as rejected, never silently changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyogrio
import shapely

from camroute.areas.errors import LayerImportError
from camroute.areas.models import HOTLINES, LAYER_KINDS, AdminLink, AreaFeature
from camroute.areas.osm import read_osm
from camroute.areas.vnref import ward_rows_2025

PACKAGE_WARDS = "vietnamadminunits"
NAME_FIELDS = ("name", "ten", "ten_xa", "ward", "NAME", "Name")
CODE_FIELDS = ("code", "ma", "ma_xa", "wardCode", "id", "osm_id")
PHONE_FIELDS = ("phone", "tel", "contact:phone", "dien_thoai", "so_dien_thoai")
TYPE_FIELDS = ("loai", "wardType")
LON_FIELDS = ("lon", "lng", "longitude", "wardLon", "x", "X")
LAT_FIELDS = ("lat", "latitude", "wardLat", "y", "Y")
_DIMENSION = {
    "admin": (0, 2),
    "service-areas": (2,),
    "stations": (0,),
    "pois": (0, 2),
    "streets": (1,),
}


@dataclass(frozen=True)
class ImportOptions:
    """How to read a layer file (the ``camroute layers import`` options)."""

    kind: str
    name_field: str | None = None
    code_field: str | None = None
    level: str | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    service: str | None = None

    def check(self) -> None:
        """Refuse option sets that cannot make a usable layer."""
        if self.kind not in LAYER_KINDS:
            raise LayerImportError(
                f"unknown kind {self.kind!r}; one of {LAYER_KINDS}", field="kind"
            )
        if self.kind == "admin" and not self.level:
            raise LayerImportError("admin layers need --level (e.g. ward)", field="level")
        if self.kind in ("service-areas", "stations") and self.service not in HOTLINES:
            raise LayerImportError(
                f"{self.kind} need --service one of {HOTLINES}, got {self.service!r}",
                field="service",
            )
        if self.valid_from and self.valid_to and self.valid_from >= self.valid_to:
            raise LayerImportError("valid_from must be before valid_to", field="valid_to")


def _frame_from_records(records: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame.from_records(records)


def _points_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    lon = next((c for c in LON_FIELDS if c in frame.columns), None)
    lat = next((c for c in LAT_FIELDS if c in frame.columns), None)
    if lon is None or lat is None:
        raise LayerImportError(
            f"no longitude/latitude columns (looked for {LON_FIELDS} / {LAT_FIELDS})",
            field="path",
        )
    xs = pd.to_numeric(frame[lon], errors="coerce").to_numpy(float)
    ys = pd.to_numeric(frame[lat], errors="coerce").to_numpy(float)
    return frame.drop(columns=[lon, lat]), shapely.points(xs, ys)


def read_table(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """Attributes and WGS84 geometries of every feature in ``path``.

    The special path ``vietnamadminunits`` reads the 2025 ward centroids shipped in that
    package (MIT), so a fresh install can answer ward questions without any file.
    """
    if str(path) == PACKAGE_WARDS:
        return _points_frame(_frame_from_records(ward_rows_2025()))
    suffix = path.suffix.lower()
    if suffix in (".osm", ".xml"):
        return read_osm(path)
    if suffix == ".csv":
        return _points_frame(pd.read_csv(path, dtype=str, keep_default_na=False))
    if suffix == ".json":
        data = orjson.loads(path.read_bytes())
        if isinstance(data, list):
            return _points_frame(_frame_from_records(data))
    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises several driver-specific errors
        raise LayerImportError(f"cannot read {path.name}: {exc}", field="path") from exc
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    geoms = frame.geometry.to_numpy()
    return pd.DataFrame(frame.drop(columns=frame.geometry.name)), geoms


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _pick(row: dict[str, Any], explicit: str | None, fields: tuple[str, ...]) -> str | None:
    if explicit is not None:
        return _text(row.get(explicit))
    return next((t for f in fields if (t := _text(row.get(f))) is not None), None)


def _usable(geom: Any, kind: str) -> bool:
    if geom is None or not isinstance(geom, shapely.Geometry) or shapely.is_empty(geom):
        return False
    if shapely.get_dimensions(geom) not in _DIMENSION[kind] or not shapely.is_valid(geom):
        return False
    minx, miny, maxx, maxy = shapely.bounds(geom)
    return bool(-180.0 <= minx <= maxx <= 180.0 and -90.0 <= miny <= maxy <= 90.0)


def _name(row: dict[str, Any], options: ImportOptions) -> str | None:
    name = _pick(row, options.name_field, NAME_FIELDS)
    unit_type = _pick(row, None, TYPE_FIELDS) if options.kind == "admin" else None
    if name and unit_type and not name.lower().startswith(unit_type.lower()):
        return f"{unit_type} {name}"
    return name


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if _text(v) is not None and not isinstance(v, bytes)}


def to_features(
    frame: pd.DataFrame, geoms: np.ndarray, options: ImportOptions
) -> tuple[list[AreaFeature], int]:
    """Turn a table into features; returns the features and how many rows were rejected."""
    options.check()
    if options.name_field and options.name_field not in frame.columns:
        raise LayerImportError(f"no field {options.name_field!r} in the file", field="name_field")
    features: list[AreaFeature] = []
    records = [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]
    for row, geom in zip(records, geoms, strict=True):
        name = _name(row, options)
        if name is None or not _usable(geom, options.kind):
            continue
        features.append(
            AreaFeature(
                kind=options.kind,
                name=name,
                geometry=geom,
                code=_pick(row, options.code_field, CODE_FIELDS),
                level=options.level if options.kind == "admin" else None,
                service=options.service,
                phone=_pick(row, None, PHONE_FIELDS),
                valid_from=options.valid_from,
                valid_to=options.valid_to,
                props=_clean(row),
            )
        )
    return features, len(frame) - len(features)


def read_layer(path: Path, options: ImportOptions) -> tuple[list[AreaFeature], int]:
    """Read ``path`` as a layer of ``options.kind``."""
    options.check()
    if str(path) != PACKAGE_WARDS and not path.is_file():
        raise LayerImportError(f"no such file: {path}", field="path")
    frame, geoms = read_table(path)
    if "osm_type" in frame.columns:
        wanted = "way" if options.kind in ("streets", "service-areas") else "node"
        keep = (frame["osm_type"] == wanted).to_numpy()
        frame, geoms = frame[keep].reset_index(drop=True), geoms[keep]
    return to_features(frame, geoms, options)


def read_admin_links(path: Path) -> tuple[list[AdminLink], int]:
    """Old/new ward links from the dvhcvn ``merges`` JSON (new ward -> old wards)."""
    try:
        data = orjson.loads(path.read_bytes())
        provinces = data["data"]
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise LayerImportError(f"not a dvhcvn merges file: {exc}", field="path") from exc
    links: list[AdminLink] = []
    rejected = 0
    for province in provinces:
        for ward in province.get("level2s", []):
            for old in ward.get("merges", []):
                if not old.get("old_id") or not ward.get("level2_id"):
                    rejected += 1
                    continue
                links.append(
                    AdminLink(
                        new_code=str(ward["level2_id"]),
                        old_code=str(old["old_id"]),
                        old_name=str(old.get("name", "")),
                        link_type=str(old.get("type", "")),
                    )
                )
    return links, rejected
