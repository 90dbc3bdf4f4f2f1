"""Store building footprints and load them back for the routing index."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.buildings.tables import buildings
from camroute.store.meta import bump_generation, generation

BATCH = 5000
GENERATION_KEY = "buildings_generation"


def buildings_generation(engine: Engine) -> str:
    """A token that changes with every import (viewsheds computed on another are stale)."""
    return generation(engine, GENERATION_KEY)


def replace_buildings(engine: Engine, frame: gpd.GeoDataFrame, *, append: bool = False) -> int:
    """Store ``frame`` (WGS84 footprints), replacing every stored one unless ``append``."""
    geoms = frame.geometry.to_numpy()
    bounds = shapely.bounds(geoms)
    wkb = shapely.to_wkb(geoms)
    heights = (
        frame["height_m"].to_numpy(float)
        if "height_m" in frame.columns
        else np.full(len(frame), np.nan)
    )
    sources = frame["height_source"] if "height_source" in frame.columns else [None] * len(frame)
    ids = frame["source_id"] if "source_id" in frame.columns else [None] * len(frame)
    rows = [
        {
            "source_id": sid if isinstance(sid, str) else None,
            "height_m": None if not np.isfinite(h) else float(h),
            "height_source": src if isinstance(src, str) else None,
            "wkb": blob,
            "min_lon": b[0],
            "min_lat": b[1],
            "max_lon": b[2],
            "max_lat": b[3],
        }
        for sid, h, src, blob, b in zip(ids, heights, sources, wkb, bounds.tolist(), strict=True)
    ]
    with engine.begin() as conn:
        if not append:
            conn.execute(buildings.delete())
        for start in range(0, len(rows), BATCH):
            conn.execute(buildings.insert(), rows[start : start + BATCH])
        bump_generation(conn, GENERATION_KEY)
    return len(rows)


def load_buildings(engine: Engine) -> gpd.GeoDataFrame:
    """Every stored footprint (WGS84) with ``height_m`` (NaN when unknown)."""
    query = sa.select(buildings.c.source_id, buildings.c.height_m, buildings.c.wkb)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(buildings.c.id)).all()
    geoms = shapely.from_wkb([bytes(r.wkb) for r in rows]) if rows else np.empty(0, object)
    return gpd.GeoDataFrame(
        {
            "source_id": [r.source_id for r in rows],
            "height_m": np.array(
                [np.nan if r.height_m is None else r.height_m for r in rows], float
            ),
        },
        geometry=geoms,
        crs=4326,
    )


def count_buildings(engine: Engine) -> int:
    """Number of stored footprints."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(buildings)).scalar_one())
