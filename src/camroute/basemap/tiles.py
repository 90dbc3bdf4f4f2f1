"""Mapbox Vector Tiles cut from the basemap held in memory (EPSG:3857 tile grid).

Pure: no store, no HTTP. Features are projected to web-mercator metres once; a tile is an
STRtree query per layer, a clip to the tile plus a buffer (so wide lines and labels continue
across tile edges), a simplification of one pixel, and the encoding by ``mapbox-vector-tile``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import mapbox_vector_tile
import numpy as np
import shapely
from mapbox_vector_tile.encoder import on_invalid_geometry_make_valid
from numpy.typing import NDArray

from camroute.basemap.models import LAYERS, BasemapFeature

EXTENT: Final = 4096
BUFFER_PX: Final = 64  # of EXTENT: room for line caps and labels running over the edge
MAX_ZOOM: Final = 18
EARTH_HALF_M: Final = 20_037_508.342789244
R_M: Final = 6_378_137.0
# The lowest tile zoom a feature of (layer, kind) is in; layer default under key "".
MIN_ZOOM: Final[dict[str, dict[str, int]]] = {
    "roads": {
        "motorway": 6,
        "trunk": 6,
        "primary": 8,
        "secondary": 10,
        "tertiary": 11,
        "minor": 12,
        "": 14,
    },
    "railways": {"": 10},
    "waterways": {"river": 8, "canal": 10, "": 12},
    "water": {"": 8},
    "parks": {"": 11},
    "buildings": {"": 14},
    "pois": {"": 13},
    "boundaries": {"admin4": 8, "": 11},
    "places": {"": 11},
}
# Draw order inside the roads layer (later is drawn on top): main roads over side streets, so
# the page draws every class with one line layer and no per-feature sort key.
ROAD_ORDER: Final = {
    "path": 0,
    "service": 1,
    "minor": 2,
    "tertiary": 3,
    "secondary": 4,
    "primary": 5,
    "trunk": 6,
    "motorway": 7,
}
KEPT_PROPS: Final = (
    "height_m",
    "levels",
    "oneway",
    "bridge",
    "tunnel",
    "approximate",
    "religion",
)


def lonlat_to_mercator(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    """WGS84 ``lon, lat`` rows to EPSG:3857 metres (spherical formula, latitude clamped).

    Examples
    --------
    >>> lonlat_to_mercator(np.array([[180.0, 45.0]])).round(1).tolist()
    [[20037508.3, 5621521.5]]
    """
    lon = np.radians(coords[:, 0])
    lat = np.radians(np.clip(coords[:, 1], -85.05112878, 85.05112878))
    return np.column_stack([R_M * lon, R_M * np.log(np.tan(np.pi / 4 + lat / 2))])


def tile_bounds_m(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """``minx, miny, maxx, maxy`` in EPSG:3857 metres of tile ``z/x/y`` (XYZ, y down).

    Examples
    --------
    >>> [round(v) for v in tile_bounds_m(1, 0, 0)]
    [-20037508, 0, 0, 20037508]
    """
    size = 2 * EARTH_HALF_M / (1 << z)
    minx = -EARTH_HALF_M + x * size
    maxy = EARTH_HALF_M - y * size
    return minx, maxy - size, minx + size, maxy


def tile_of(*, lon: float, lat: float, z: int) -> tuple[int, int]:
    """The ``x, y`` of the tile at zoom ``z`` holding ``lon, lat``.

    Examples
    --------
    >>> tile_of(lon=106.7009, lat=10.7769, z=15)
    (26096, 15397)
    """
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    lat_r = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


@dataclass(frozen=True)
class _Layer:
    geoms: NDArray[np.object_]
    min_zoom: NDArray[np.int64]
    order: NDArray[np.int64]
    props: list[dict[str, Any]]
    tree: shapely.STRtree


def _props(feature: BasemapFeature) -> dict[str, Any]:
    props: dict[str, Any] = {"kind": feature.kind}
    if feature.name:
        props["name"] = feature.name
    props.update({k: v for k, v in feature.props.items() if k in KEPT_PROPS})
    return props


def _layer(name: str, features: Sequence[BasemapFeature]) -> _Layer:
    zooms = MIN_ZOOM[name]
    geoms = np.array([f.geometry for f in features], dtype=object)
    projected = shapely.transform(geoms, lonlat_to_mercator) if geoms.size else geoms
    return _Layer(
        geoms=projected,
        min_zoom=np.array([zooms.get(f.kind, zooms[""]) for f in features], dtype=np.int64),
        order=np.array([ROAD_ORDER.get(f.kind, 0) for f in features], dtype=np.int64),
        props=[_props(f) for f in features],
        tree=shapely.STRtree(projected),
    )


class TileSource:
    """The basemap in memory, ready to cut tiles from (immutable; rebuild to change)."""

    def __init__(self, features: Sequence[BasemapFeature]) -> None:
        by_layer: dict[str, list[BasemapFeature]] = {name: [] for name in LAYERS}
        for feature in features:
            by_layer[feature.layer].append(feature)
        self.layers = {name: _layer(name, items) for name, items in by_layer.items() if items}
        self.count = len(features)

    def tile(self, z: int, x: int, y: int) -> bytes:
        """The MVT bytes of tile ``z/x/y`` (an empty tile where the basemap has nothing)."""
        minx, miny, maxx, maxy = tile_bounds_m(z, x, y)
        pad = (maxx - minx) * BUFFER_PX / EXTENT
        box = (minx - pad, miny - pad, maxx + pad, maxy + pad)
        px_m = (maxx - minx) / EXTENT
        encoded = []
        for name, layer in self.layers.items():
            features = _cut(layer, z, box, px_m=px_m, origin=(minx, maxy))
            if features:
                encoded.append({"name": name, "features": features})
        if not encoded:
            return b""
        return bytes(
            mapbox_vector_tile.encode(
                encoded,
                default_options={
                    "extents": EXTENT,
                    "y_coord_down": True,
                    "on_invalid_geometry": on_invalid_geometry_make_valid,
                },
            )
        )


def _cut(
    layer: _Layer,
    z: int,
    box: tuple[float, float, float, float],
    *,
    px_m: float,
    origin: tuple[float, float],
) -> list[dict[str, Any]]:
    ids = layer.tree.query(shapely.box(*box))
    ids = ids[layer.min_zoom[ids] <= z]
    ids = ids[np.lexsort((ids, layer.order[ids]))]  # by draw order, then import order
    if not ids.size:
        return []
    clipped = shapely.clip_by_rect(layer.geoms[ids], *box)
    simple = shapely.simplify(clipped, px_m, preserve_topology=True)
    ox, oy = origin

    def to_px(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.column_stack([(coords[:, 0] - ox) / px_m, (oy - coords[:, 1]) / px_m])

    local = shapely.transform(simple, to_px)
    keep = ~shapely.is_empty(local)
    return [
        {"geometry": geom, "properties": layer.props[i]}
        for geom, i, ok in zip(local, ids, keep, strict=True)
        if ok
    ]
