"""Base layers for the map as GeoJSON limited to the viewport: wards, units, streets, buildings.

The page has no tile server by default, so the server draws the city itself from the layers the
``areas`` and ``buildings`` packages stored. Area layers are read once per kind into an STRtree
and read again only when the stored rows change; buildings are filtered by their stored bbox
columns in SQL.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import orjson
import shapely
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.areas.tables import area_features
from camroute.buildings.tables import buildings
from camroute.errors import InvalidInputError

AREA_LAYERS: Final = ("admin", "service-areas", "stations", "streets", "pois")
LAYERS: Final = (*AREA_LAYERS, "buildings")
MAX_FEATURES: Final = 5000
BBox = tuple[float, float, float, float]


def parse_bbox(text: str) -> BBox:
    """``minlon,minlat,maxlon,maxlat`` in WGS84 degrees, checked.

    Examples
    --------
    >>> parse_bbox("106.69,10.77,106.71,10.78")
    (106.69, 10.77, 106.71, 10.78)
    >>> parse_bbox("1,2,3")
    Traceback (most recent call last):
    ...
    camroute.errors.InvalidInputError: bbox needs minlon,minlat,maxlon,maxlat, got 3 numbers
    """
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise InvalidInputError(f"bbox {text!r} is not four numbers", field="bbox") from None
    if len(values) != 4:
        raise InvalidInputError(
            f"bbox needs minlon,minlat,maxlon,maxlat, got {len(values)} numbers", field="bbox"
        )
    min_lon, min_lat, max_lon, max_lat = values
    if not all(math.isfinite(v) for v in values):
        raise InvalidInputError(f"bbox {text!r} has a non-finite number", field="bbox")
    if not (-180.0 <= min_lon <= max_lon <= 180.0):
        raise InvalidInputError(
            f"bbox longitudes {min_lon}, {max_lon} not ordered within [-180, 180]", field="bbox"
        )
    if not (-90.0 <= min_lat <= max_lat <= 90.0):
        raise InvalidInputError(
            f"bbox latitudes {min_lat}, {max_lat} not ordered within [-90, 90]", field="bbox"
        )
    return min_lon, min_lat, max_lon, max_lat


@dataclass(frozen=True)
class _Snapshot:
    """One area layer in memory: geometries, their properties and an STRtree."""

    stamp: tuple[int, int]
    geoms: np.ndarray[Any, np.dtype[np.object_]]
    props: list[dict[str, Any]]
    tree: shapely.STRtree


class LayerCache:
    """Area layers kept in memory per kind, reloaded when their rows change."""

    def __init__(self) -> None:
        self._snapshots: dict[str, _Snapshot] = {}
        self._lock = threading.Lock()

    def area(self, engine: Engine, kind: str) -> _Snapshot:
        """The current snapshot of ``kind`` (one cheap count query when nothing changed)."""
        t = area_features.c
        with engine.connect() as conn:
            count, last = conn.execute(
                sa.select(sa.func.count(), sa.func.coalesce(sa.func.max(t.id), 0)).where(
                    t.kind == kind
                )
            ).one()
            stamp = (int(count), int(last))
            kept = self._snapshots.get(kind)
            if kept is not None and kept.stamp == stamp:
                return kept
            rows = conn.execute(
                sa.select(t.name, t.code, t.level, t.service, t.phone, t.valid_to, t.geom_wkb)
                .where(t.kind == kind)
                .order_by(t.id)
            ).all()
        snapshot = _load(rows, stamp)
        with self._lock:
            self._snapshots[kind] = snapshot
        return snapshot


def _load(rows: Sequence[Any], stamp: tuple[int, int]) -> _Snapshot:
    current = [r for r in rows if r.valid_to is None]  # retired units stay off the map
    geoms = shapely.from_wkb([bytes(r.geom_wkb) for r in current]) if current else np.array([])
    props = [
        {
            k: v
            for k, v in (
                ("name", r.name),
                ("code", r.code),
                ("level", r.level),
                ("service", r.service),
                ("phone", r.phone),
            )
            if v is not None
        }
        for r in current
    ]
    return _Snapshot(stamp, np.asarray(geoms, dtype=object), props, shapely.STRtree(geoms))


def _collection(
    geoms: np.ndarray[Any, np.dtype[np.object_]], props: list[dict[str, Any]], *, total: int
) -> dict[str, Any]:
    texts = shapely.to_geojson(geoms).tolist() if len(geoms) else []
    features = [
        {"type": "Feature", "geometry": orjson.loads(text), "properties": p}
        for text, p in zip(texts, props, strict=True)
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "total": total,
        "truncated": total > len(features),
    }


def area_layer(
    engine: Engine, cache: LayerCache, kind: str, bbox: BBox, *, limit: int = MAX_FEATURES
) -> dict[str, Any]:
    """Features of area layer ``kind`` that touch ``bbox`` (at most ``limit``)."""
    snap = cache.area(engine, kind)
    hits = np.sort(snap.tree.query(shapely.box(*bbox), predicate="intersects"))
    kept = hits[:limit]
    return _collection(snap.geoms[kept], [snap.props[i] for i in kept], total=len(hits))


def building_layer(engine: Engine, bbox: BBox, *, limit: int = MAX_FEATURES) -> dict[str, Any]:
    """Building footprints whose stored bbox overlaps ``bbox`` (at most ``limit``)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    t = buildings.c
    overlaps = sa.and_(
        t.max_lon >= min_lon, t.min_lon <= max_lon, t.max_lat >= min_lat, t.min_lat <= max_lat
    )
    with engine.connect() as conn:
        total = int(conn.execute(sa.select(sa.func.count()).where(overlaps)).scalar_one())
        rows = conn.execute(
            sa.select(t.wkb, t.height_m).where(overlaps).order_by(t.id).limit(limit)
        ).all()
    geoms = shapely.from_wkb([bytes(r.wkb) for r in rows]) if rows else np.array([])
    props = [{"height_m": r.height_m} if r.height_m is not None else {} for r in rows]
    return _collection(np.asarray(geoms, dtype=object), props, total=total)


def layer(
    engine: Engine, cache: LayerCache, name: str, bbox: BBox, *, limit: int = MAX_FEATURES
) -> dict[str, Any]:
    """The base layer ``name`` within ``bbox``."""
    if name == "buildings":
        return building_layer(engine, bbox, limit=limit)
    if name in AREA_LAYERS:
        return area_layer(engine, cache, name, bbox, limit=limit)
    raise InvalidInputError(f"unknown layer {name!r}; one of {', '.join(LAYERS)}", field="layer")
