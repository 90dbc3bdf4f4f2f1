"""Read protected zones from OSM (``amenity=school|...``) or any GeoJSON / GeoPackage file.

OSM extracts (``.osm``, ``.osm.pbf``) are read through GDAL's ``multipolygons`` layer, as the
building importer reads them; a tag that GDAL files under ``other_tags`` is found there.
Rows whose tag names no zone kind are skipped; rows without a polygon are rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from camroute.errors import InvalidInputError
from camroute.zones.geometry import usable_polygon
from camroute.zones.kinds import ZONE_KINDS, ZoneKind, ZonePolicy
from camroute.zones.store import geometry_values

OSM_SUFFIXES = {".osm", ".pbf"}
ID_KEYS = ("osm_area_id", "osm_way_id", "osm_id", "id")
NAME_KEYS = ("name", "name:vi", "name:en", "ten")


class ZoneImportError(InvalidInputError):
    """The zone file cannot be read, or the options do not fit it."""

    code = "zone_import_error"
    title = "Protected zones could not be imported"


@dataclass(frozen=True)
class ZoneImportOptions:
    """How to read a zone file: its policy, and where each row's kind comes from."""

    policy: ZonePolicy
    kind_from_tag: str | None = None  # e.g. "amenity": school, hospital, ... per row
    kind: ZoneKind = "other"  # every row's kind when no tag is named
    name_field: str | None = None
    source: str | None = None  # provenance (default: the file name)


@dataclass
class ZoneRows:
    """The zones read (store column values with ``id``), and the rows left out."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0
    rejected: int = 0


def _read(path: Path) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise ZoneImportError(f"no such file: {path}", field="path")
    try:
        if path.suffix.lower() in OSM_SUFFIXES:
            frame = gpd.read_file(path, layer="multipolygons")
        else:
            frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable input
        raise ZoneImportError(f"cannot read {path.name}: {exc}", field="path") from exc
    if frame.crs is None:
        return frame.set_crs(4326)
    return frame if frame.crs.to_epsg() == 4326 else frame.to_crs(4326)


def _tag_values(frame: pd.DataFrame, key: str) -> pd.Series:
    values = frame[key] if key in frame.columns else pd.Series(None, index=frame.index)
    if "other_tags" in frame.columns:  # GDAL's OSM hstore text: "k"=>"v","k2"=>"v2"
        pattern = rf'"{re.escape(key)}"=>"([^"]*)"'
        extra = frame["other_tags"].fillna("").astype(str).str.extract(pattern, expand=False)
        values = values.where(values.notna(), extra)
    return values


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _name(row: pd.Series, options: ZoneImportOptions, kind: str, source_id: str | None) -> str:
    keys = (options.name_field,) if options.name_field else NAME_KEYS
    for key in keys:
        if key and key in row.index and (name := _text(row[key])):
            return name[:300]
    return f"{kind.replace('_', ' ')} {source_id or ''}".strip()


def read_zones(path: Path, options: ZoneImportOptions) -> ZoneRows:
    """The zones of ``path`` as store rows (ids from the source ids, so re-imports update)."""
    frame = _read(path)
    if options.name_field and options.name_field not in frame.columns:
        raise ZoneImportError(f"{path.name} has no column {options.name_field!r}", field="name")
    kinds = _tag_values(frame, options.kind_from_tag) if options.kind_from_tag else None
    id_key = next((k for k in ID_KEYS if k in frame.columns), None)
    source = options.source or path.name
    out = ZoneRows()
    for n, (i, row) in enumerate(frame.iterrows()):
        kind = options.kind if kinds is None else _text(kinds.loc[i])
        if kind not in ZONE_KINDS:
            out.skipped += 1
            continue
        geom = usable_polygon(row.geometry)
        if geom is None:
            out.rejected += 1
            continue
        source_id = _text(row[id_key]) if id_key else None
        out.rows.append(
            {
                "id": f"{path.stem.split('.')[0]}:{source_id or n}"[:64],
                "kind": kind,
                "name": _name(row, options, str(kind), source_id),
                "policy": options.policy,
                "source": source,
                "source_id": source_id,
                **geometry_values(geom),
            }
        )
    return out
