"""Read and write the area layers in the store (SQLite or PostgreSQL/PostGIS)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
import shapely
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.areas.models import AdminLink, AreaFeature
from camroute.areas.tables import area_admin_links, area_features

_CHUNK = 5_000


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # SQLite hands back naive UTC
    return value.astimezone(UTC)


def _row(feature: AreaFeature, now: datetime) -> dict[str, Any]:
    return {
        "kind": feature.kind,
        "name": feature.name,
        "code": feature.code,
        "level": feature.level,
        "service": feature.service,
        "phone": feature.phone,
        "valid_from": feature.valid_from,
        "valid_to": feature.valid_to,
        "props": orjson.dumps(feature.props, default=str).decode(),
        "geom_wkb": shapely.to_wkb(feature.geometry),
        "imported_at": now,
    }


def write_features(engine: Engine, features: Iterable[AreaFeature]) -> int:
    """Append ``features`` in one transaction; returns how many were written."""
    now = datetime.now(UTC)
    rows = [_row(f, now) for f in features]
    with engine.begin() as conn:
        for start in range(0, len(rows), _CHUNK):
            conn.execute(sa.insert(area_features), rows[start : start + _CHUNK])
    return len(rows)


def read_features(engine: Engine, *, kind: str | None = None) -> list[AreaFeature]:
    """Every stored feature (of one ``kind`` when given), in insertion order."""
    t = area_features.c
    query = sa.select(
        t.kind,
        t.name,
        t.code,
        t.level,
        t.service,
        t.phone,
        t.valid_from,
        t.valid_to,
        t.props,
        t.geom_wkb,
    ).order_by(t.id)
    if kind is not None:
        query = query.where(t.kind == kind)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    geoms = shapely.from_wkb([bytes(r.geom_wkb) for r in rows]) if rows else []
    return [
        AreaFeature(
            kind=r.kind,
            name=r.name,
            code=r.code,
            level=r.level,
            service=r.service,
            phone=r.phone,
            valid_from=_aware(r.valid_from),
            valid_to=_aware(r.valid_to),
            props=orjson.loads(r.props),
            geometry=g,
        )
        for r, g in zip(rows, geoms, strict=True)
    ]


def write_links(engine: Engine, links: Sequence[AdminLink]) -> int:
    """Replace the old/new ward links with ``links``."""
    rows = [
        {
            "new_code": k.new_code,
            "old_code": k.old_code,
            "old_name": k.old_name,
            "link_type": k.link_type,
        }
        for k in {(k.new_code, k.old_code): k for k in links}.values()
    ]
    with engine.begin() as conn:
        conn.execute(sa.delete(area_admin_links))
        for start in range(0, len(rows), _CHUNK):
            conn.execute(sa.insert(area_admin_links), rows[start : start + _CHUNK])
    return len(rows)


def read_links(engine: Engine) -> list[AdminLink]:
    """Every stored old/new ward link."""
    t = area_admin_links.c
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.new_code, t.old_code, t.old_name, t.link_type).order_by(
                t.new_code, t.old_code
            )
        ).all()
    return [AdminLink(r.new_code, r.old_code, r.old_name, r.link_type) for r in rows]


def read_admin_units(engine: Engine) -> list[AreaFeature]:
    """The stored admin units, every level (the basemap draws the current wards)."""
    return read_features(engine, kind="admin")


def admin_units_signature(engine: Engine) -> str:
    """Changes when admin units are imported or replaced (a cheap check for the tile cache)."""
    return features_signature(engine, ("admin",))


def features_signature(engine: Engine, kinds: tuple[str, ...]) -> str:
    """Changes when features of ``kinds`` are imported or replaced (each import adds new ids)."""
    t = area_features.c
    query = sa.select(sa.func.count(t.id), sa.func.max(t.id)).where(t.kind.in_(kinds))
    with engine.connect() as conn:
        count, last = conn.execute(query).one()
    return f"{count}.{last}"
