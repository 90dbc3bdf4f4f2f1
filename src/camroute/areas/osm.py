"""OSM XML (``.osm``) to a table: named ways as lines, tagged nodes as points.

Parsed with ``defusedxml`` (no entity expansion). Ways keep their tags and ``osm_id``; nodes
are kept when they carry tags (points of interest). Streets take the ``name`` tag.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from defusedxml import ElementTree

from camroute.areas.errors import LayerImportError


def _tags(element: Any) -> dict[str, str]:
    return {t.get("k"): t.get("v") for t in element.iter("tag") if t.get("k")}


def read_osm(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows (tags + ``osm_id``) and WGS84 geometries of ways (lines) and tagged nodes."""
    try:
        root = ElementTree.parse(path).getroot()
    except Exception as exc:  # defusedxml and expat raise several error types
        raise LayerImportError(f"cannot parse OSM XML {path.name}: {exc}", field="path") from exc
    if root is None:
        raise LayerImportError(f"{path.name} holds no OSM document", field="path")
    coords: dict[str, tuple[float, float]] = {}
    rows: list[dict[str, Any]] = []
    geoms: list[shapely.Geometry | None] = []
    for node in root.iter("node"):
        lon, lat = float(node.get("lon", "nan")), float(node.get("lat", "nan"))
        coords[node.get("id", "")] = (lon, lat)
        tags = _tags(node)
        if tags:
            rows.append({**tags, "osm_id": node.get("id"), "osm_type": "node"})
            geoms.append(shapely.Point(lon, lat))
    for way in root.iter("way"):
        refs = [coords.get(nd.get("ref", "")) for nd in way.iter("nd")]
        points = [p for p in refs if p is not None]
        rows.append({**_tags(way), "osm_id": way.get("id"), "osm_type": "way"})
        geoms.append(shapely.LineString(points) if len(points) >= 2 else None)
    return pd.DataFrame.from_records(rows), np.array(geoms, dtype=object)
