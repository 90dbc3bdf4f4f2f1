"""Read an OpenStreetMap extract (``.osm.pbf``, ``.osm``, ``.osm.gz``) with pyosmium.

libosmium does the parsing, node-location caching and multipolygon assembly; this module only
turns each object's tags and geometry into basemap features.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import osmium
import shapely

from camroute.basemap.classify import boundary_class, line_class, poi_class
from camroute.basemap.errors import BasemapImportError
from camroute.basemap.features import to_features
from camroute.basemap.models import BasemapFeature

OSM_SUFFIXES = (".pbf", ".osm", ".o5m", ".gz", ".bz2", ".opl")
_TICK = 5_000  # objects between progress callbacks


def is_osm(path: Path) -> bool:
    """Whether ``path`` is named like an OSM extract (``.osm.pbf``, ``.osm``, ``.osm.bz2``)."""
    name = path.name.lower()
    return name.endswith(OSM_SUFFIXES) and (".osm" in name or name.endswith(".pbf"))


def _geometry(obj: Any, wkb: osmium.geom.WKBFactory) -> tuple[shapely.Geometry | None, str]:
    if obj.is_node():
        return shapely.Point(obj.location.lon, obj.location.lat), f"node/{obj.id}"
    if obj.is_way():
        return shapely.from_wkb(wkb.create_linestring(obj)), f"way/{obj.id}"
    source = "way" if obj.from_way() else "relation"
    return shapely.from_wkb(wkb.create_multipolygon(obj)), f"{source}/{obj.orig_id()}"


def _wanted(obj: Any, tags: dict[str, str]) -> bool:
    if obj.is_way():
        return line_class(tags) is not None or boundary_class(tags) is not None
    if obj.is_node():
        return poi_class(tags) is not None
    return bool(obj.is_area())  # buildings, water, parks, POI grounds; relations come as areas


def _objects(path: Path) -> Iterator[Any]:
    processor = osmium.FileProcessor(str(path)).with_areas()
    yield from processor


def read_osm(path: Path, *, tick: Callable[[int], None] | None = None) -> list[BasemapFeature]:
    """Every basemap feature of the extract at ``path``; ``tick(n)`` is told the objects read."""
    wkb = osmium.geom.WKBFactory()
    features: list[BasemapFeature] = []
    seen = 0
    try:
        for obj in _objects(path):
            seen += 1
            if tick is not None and seen % _TICK == 0:
                tick(_TICK)
            tags = {t.k: t.v for t in obj.tags}
            if not tags or not _wanted(obj, tags):
                continue
            try:
                geometry, source_id = _geometry(obj, wkb)
            except (RuntimeError, osmium.InvalidLocationError):
                continue  # a way with missing nodes or a broken multipolygon: not drawable
            features.extend(to_features(tags, geometry, source_id=source_id))
    except RuntimeError as exc:  # libosmium reports unreadable or truncated files this way
        raise BasemapImportError(f"cannot read OSM file {path.name}: {exc}") from exc
    if tick is not None:
        tick(seen % _TICK)
    return features
