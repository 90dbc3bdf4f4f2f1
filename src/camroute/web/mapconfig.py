"""What the map opens on and whom it credits, both taken from the data in the store.

The start view is the extent of the registry's cameras (or, with no camera, of the loaded area
layers), so a Helsinki database opens on Helsinki. The credits are the ones the loaders recorded
in ``camroute_meta`` (key ``map.attribution``) when they imported a dataset whose licence asks
for attribution, so the footer names the data actually shown, in the page's language.
"""

from __future__ import annotations

from typing import Final

import orjson
import shapely
import sqlalchemy as sa
from pydantic import BaseModel, Field, TypeAdapter
from sqlalchemy import Engine

from camroute.basemap.store import has_basemap
from camroute.cameras.tables import cameras
from camroute.store.meta import META, meta_value
from camroute.web.layers import AREA_LAYERS, LayerCache

ATTRIBUTION_KEY: Final = "map.attribution"
START_KEY: Final = "map.start_bounds"  # a loader's chosen opening view (the demo: District 1)


class Credit(BaseModel):
    """One dataset's attribution, in Vietnamese and in English."""

    vi: str = Field(min_length=1, max_length=400)
    en: str = Field(min_length=1, max_length=400)


_CREDITS = TypeAdapter(list[Credit])


class MapConfig(BaseModel):
    """The page's start view and the credits of the data it shows."""

    bounds: tuple[float, float, float, float] | None = Field(
        description="minlon, minlat, maxlon, maxlat (WGS84) of the cameras, else of the area "
        "layers; null when the store holds neither"
    )
    attribution: list[Credit] = Field(description="credits of the loaded datasets, in load order")
    basemap: bool = Field(
        default=False, description="true when a basemap was imported: the page draws its tiles"
    )


def credits(engine: Engine) -> list[Credit]:
    """The credits recorded so far (none before a loader recorded one)."""
    stored = meta_value(engine, ATTRIBUTION_KEY)
    return [] if stored is None else _CREDITS.validate_json(stored)


def record_credits(engine: Engine, new: list[Credit]) -> None:
    """Add ``new`` credits to the stored list (a credit already there is kept once)."""
    with engine.begin() as conn:
        stored = conn.execute(sa.select(META.c.value).where(META.c.key == ATTRIBUTION_KEY)).scalar()
        kept = [] if stored is None else _CREDITS.validate_json(stored)
        merged = kept + [c for c in new if c not in kept]
        value = orjson.dumps([c.model_dump() for c in merged]).decode()
        if stored is None:
            conn.execute(sa.insert(META).values(key=ATTRIBUTION_KEY, value=value))
        else:
            conn.execute(sa.update(META).where(META.c.key == ATTRIBUTION_KEY).values(value=value))


def _set_meta(engine: Engine, key: str, value: str) -> None:
    with engine.begin() as conn:
        stored = conn.execute(sa.select(META.c.value).where(META.c.key == key)).scalar()
        if stored is None:
            conn.execute(sa.insert(META).values(key=key, value=value))
        else:
            conn.execute(sa.update(META).where(META.c.key == key).values(value=value))


def record_start_view(engine: Engine, bounds: tuple[float, float, float, float]) -> None:
    """Open the map on ``bounds`` (minlon, minlat, maxlon, maxlat) instead of the data extent."""
    _set_meta(engine, START_KEY, orjson.dumps(list(bounds)).decode())


def _start_view(engine: Engine) -> tuple[float, float, float, float] | None:
    stored = meta_value(engine, START_KEY)
    if stored is None:
        return None
    west, south, east, north = (float(v) for v in orjson.loads(stored))
    return west, south, east, north


def data_bounds(engine: Engine, cache: LayerCache) -> tuple[float, float, float, float] | None:
    """The recorded start view, else the extent of the cameras, else of the area layers."""
    start = _start_view(engine)
    if start is not None:
        return start
    c = cameras.c
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(
                sa.func.min(c.lon), sa.func.min(c.lat), sa.func.max(c.lon), sa.func.max(c.lat)
            )
        ).one()
    if row[0] is not None:
        return float(row[0]), float(row[1]), float(row[2]), float(row[3])
    geoms = [g for kind in AREA_LAYERS for g in cache.area(engine, kind).geoms]
    if not geoms:
        return None
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(geoms).tolist()
    return min_lon, min_lat, max_lon, max_lat


def map_config(engine: Engine, cache: LayerCache) -> MapConfig:
    """The start view and credits of what ``engine`` holds."""
    return MapConfig(
        bounds=data_bounds(engine, cache),
        attribution=credits(engine),
        basemap=has_basemap(engine),
    )
