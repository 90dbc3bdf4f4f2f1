"""The only code touching ``basemap_features``: replace the whole basemap, read it back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import orjson
import shapely
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.basemap.models import BasemapFeature
from camroute.basemap.tables import basemap_features
from camroute.store.meta import bump_generation, generation
from camroute.store.txn import writing

GENERATION_KEY: Final = "basemap.generation"
_CHUNK = 5_000


def _rows(features: Sequence[BasemapFeature]) -> list[dict[str, Any]]:
    geoms = [f.geometry for f in features]
    bounds = shapely.bounds(geoms) if geoms else []
    wkbs = shapely.to_wkb(geoms) if geoms else []
    return [
        {
            "layer": f.layer,
            "kind": f.kind[:32],
            "name": f.name,
            "source_id": None if f.source_id is None else f.source_id[:64],
            "props": orjson.dumps(f.props).decode(),
            "geom_wkb": wkb,
            "min_lon": float(b[0]),
            "min_lat": float(b[1]),
            "max_lon": float(b[2]),
            "max_lat": float(b[3]),
        }
        for f, wkb, b in zip(features, wkbs, bounds, strict=True)
    ]


def replace_features(engine: Engine, features: Sequence[BasemapFeature]) -> int:
    """Swap the stored basemap for ``features`` in one transaction; readers see old or new."""
    rows = _rows(features)
    with writing(engine) as conn:
        conn.execute(sa.delete(basemap_features))
        for start in range(0, len(rows), _CHUNK):
            conn.execute(sa.insert(basemap_features), rows[start : start + _CHUNK])
        bump_generation(conn, GENERATION_KEY)
    return len(rows)


def read_features(
    engine: Engine, *, layers: Sequence[str] | None = None, named: bool = False
) -> list[BasemapFeature]:
    """The stored features (of ``layers``; only named ones when ``named``), in import order."""
    t = basemap_features.c
    query = sa.select(t.layer, t.kind, t.name, t.source_id, t.props, t.geom_wkb).order_by(t.id)
    if layers is not None:
        query = query.where(t.layer.in_(list(layers)))
    if named:
        query = query.where(t.name.is_not(None))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    geoms = shapely.from_wkb([bytes(r.geom_wkb) for r in rows]) if rows else []
    return [
        BasemapFeature(r.layer, r.kind, g, r.name, r.source_id, orjson.loads(r.props))
        for r, g in zip(rows, geoms, strict=True)
    ]


def basemap_generation(engine: Engine) -> str:
    """Bumped by every import: a cheap "has the basemap changed" for caches."""
    return generation(engine, GENERATION_KEY)


def has_basemap(engine: Engine) -> bool:
    """Whether an import stored any basemap feature."""
    with engine.connect() as conn:
        return conn.execute(sa.select(basemap_features.c.id).limit(1)).first() is not None
