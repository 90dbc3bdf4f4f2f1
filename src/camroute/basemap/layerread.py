"""Read GeoJSON / GeoPackage / Shapefile layers (gzipped too) whose columns are OSM tags.

osmnx edges, Overpass and QGIS exports keep the tags as columns (``highway``, ``name``,
``building:levels``); a ``class`` column of ``water``/``green`` is read as water/parks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyogrio

from camroute.basemap.classify import text
from camroute.basemap.errors import BasemapImportError
from camroute.basemap.features import to_features
from camroute.basemap.models import BasemapFeature

ID_FIELDS = ("osm_id", "id", "osmid")


def _gdal_path(path: Path) -> str:
    """GDAL reads a gzipped file (``x.geojson.gz``) through its ``/vsigzip/`` handler."""
    return f"/vsigzip/{path}" if path.name.lower().endswith(".gz") else str(path)


def _layer_names(path: Path) -> list[str]:
    try:
        return [str(row[0]) for row in pyogrio.list_layers(_gdal_path(path))]
    except Exception as exc:  # pyogrio raises driver-specific errors
        raise BasemapImportError(f"cannot read {path.name}: {exc}", field="path") from exc


def _source_id(row: dict[str, Any]) -> str | None:
    for field in ID_FIELDS:
        value = text(row.get(field))
        if value is not None:
            return value if "/" in value else f"{row.get('element_type', 'way')}/{value}"
    return None


def read_layers(path: Path, *, tick: Callable[[int], None] | None = None) -> list[BasemapFeature]:
    """Every basemap feature in every layer of ``path`` (reprojected to WGS84 if needed)."""
    features: list[BasemapFeature] = []
    for layer in _layer_names(path):
        try:
            frame = pyogrio.read_dataframe(_gdal_path(path), layer=layer)
        except Exception as exc:  # pyogrio raises driver-specific errors
            raise BasemapImportError(f"cannot read {path.name}: {exc}", field="path") from exc
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
        geoms = frame.geometry.to_numpy()
        records = frame.drop(columns=frame.geometry.name).to_dict(orient="records")
        for row, geom in zip(records, geoms, strict=True):
            tags = {str(k): v for k, v in row.items()}
            features.extend(to_features(tags, geom, source_id=_source_id(tags)))
        if tick is not None:
            tick(len(records))
    return features
