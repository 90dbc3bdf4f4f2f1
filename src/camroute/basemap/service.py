"""Basemap use cases: import a city's files at once, hand streets to the address search."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import shapely
from sqlalchemy import Engine

from camroute.basemap.errors import BasemapImportError
from camroute.basemap.layerread import read_layers
from camroute.basemap.models import LAYERS, BasemapFeature, BasemapImportSummary
from camroute.basemap.osmread import is_osm, read_osm
from camroute.basemap.store import read_features, replace_features

BBox = tuple[float, float, float, float]
Tick = Callable[[int], None]


def read_file(path: Path, *, tick: Tick | None = None) -> list[BasemapFeature]:
    """The features of one OSM extract or GIS layer file."""
    if not path.is_file():
        raise BasemapImportError(f"no such file: {path}", field="path")
    return read_osm(path, tick=tick) if is_osm(path) else read_layers(path, tick=tick)


def _unique(features: Sequence[BasemapFeature]) -> list[BasemapFeature]:
    """Drop a feature whose (layer, source id) an earlier file already gave."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for feature in features:
        if feature.source_id is not None:
            key = (feature.layer, feature.source_id)
            if key in seen:
                continue
            seen.add(key)
        kept.append(feature)
    return kept


def _inside(features: Sequence[BasemapFeature], bbox: BBox | None) -> list[BasemapFeature]:
    if bbox is None or not features:
        return list(features)
    hits = shapely.intersects(shapely.box(*bbox), [f.geometry for f in features])
    return [f for f, hit in zip(features, hits, strict=True) if hit]


def import_basemap(
    engine: Engine,
    paths: Sequence[Path],
    *,
    bbox: BBox | None = None,
    tick: Tick | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> BasemapImportSummary:
    """Read every file, keep what lies in ``bbox``, and replace the stored basemap at once."""
    started = time.perf_counter()
    read: list[BasemapFeature] = []
    for path in paths:
        if on_file is not None:
            on_file(path)
        read.extend(read_file(path, tick=tick))
    kept = _inside(_unique(read), bbox)
    stored = replace_features(engine, kept)
    per_layer = Counter(f.layer for f in kept)
    return BasemapImportSummary(
        files=len(paths),
        read=len(read),
        stored=stored,
        layers={layer: per_layer.get(layer, 0) for layer in LAYERS},
        named_streets=sum(1 for f in kept if f.layer == "roads" and f.name),
        bbox=bbox,
        seconds=round(time.perf_counter() - started, 3),
    )


def search_features(engine: Engine) -> list[BasemapFeature]:
    """The named roads and POIs, for the address search and the nearest-street lookup.

    One import feeds the tiles and the search: the areas package asks here instead of holding
    a second copy of the streets.
    """
    return read_features(engine, layers=("roads", "pois"), named=True)
