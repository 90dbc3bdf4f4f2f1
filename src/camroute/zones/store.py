"""Protected-zone persistence: versioned single writes with history, reads for the rules.

Every write takes the caller's connection (inside its transaction), appends a history row and
bumps the zone-layer generation, so every process can tell that the layer changed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import shapely
import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from camroute.errors import ConflictError, NotFoundError, PreconditionFailedError
from camroute.store.meta import ZONES_GENERATION, bump_generation, generation
from camroute.zones.rules import Zone
from camroute.zones.tables import protected_zone_history, protected_zones

ZONES_KEY = ZONES_GENERATION
Bounds = tuple[float, float, float, float]


class ZoneNotFoundError(NotFoundError):
    """No protected zone has this id."""

    code = "zone_not_found"


def zones_generation(engine: Engine) -> str:
    """The zone-layer version: changes with every zone written or deleted, by any process."""
    return generation(engine, ZONES_KEY)


def _jsonable(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    out = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
    out["geometry"] = shapely.to_geojson(shapely.from_wkb(out.pop("geom_wkb")))
    return out


def _record(
    conn: Connection,
    zone_id: str,
    action: str,
    *,
    actor: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    conn.execute(
        sa.insert(protected_zone_history).values(
            zone_id=zone_id,
            action=action,
            actor=actor,
            at=datetime.now(UTC),
            before=_jsonable(before),
            after=_jsonable(after),
        )
    )
    bump_generation(conn, ZONES_KEY)


def geometry_values(geom: shapely.Geometry) -> dict[str, Any]:
    """The stored columns of a zone polygon (WKB and its bounding box)."""
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    return {
        "geom_wkb": shapely.to_wkb(geom),
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
    }


def get_zone(conn: Connection, zone_id: str) -> dict[str, Any] | None:
    """The stored zone as a dict of columns, or None."""
    query = sa.select(protected_zones).where(protected_zones.c.id == zone_id)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def require_zone(conn: Connection, zone_id: str) -> dict[str, Any]:
    """The stored zone; :class:`ZoneNotFoundError` when there is none."""
    row = get_zone(conn, zone_id)
    if row is None:
        raise ZoneNotFoundError(f"no protected zone with id {zone_id!r}", field="id")
    return row


def list_zones(
    conn: Connection, *, limit: int = 100, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """One page of zones (ordered by id) and how many there are."""
    total = conn.execute(sa.select(sa.func.count()).select_from(protected_zones)).scalar_one()
    query = sa.select(protected_zones).order_by(protected_zones.c.id).limit(limit).offset(offset)
    return [dict(r) for r in conn.execute(query).mappings()], int(total)


def insert_zone(conn: Connection, values: dict[str, Any], *, actor: str) -> dict[str, Any]:
    """Store a new zone at version 1; :class:`ConflictError` when the id is taken."""
    if get_zone(conn, values["id"]) is not None:
        raise ConflictError(f"a protected zone with id {values['id']!r} exists", field="id")
    now = datetime.now(UTC)
    conn.execute(
        sa.insert(protected_zones).values(**values, version=1, created_at=now, updated_at=now)
    )
    row = require_zone(conn, values["id"])
    _record(conn, row["id"], "create", actor=actor, before=None, after=row)
    return row


def _check_version(current: dict[str, Any], if_match: int) -> None:
    if current["version"] != if_match:
        raise PreconditionFailedError(
            f"zone {current['id']!r} is at version {current['version']}, not {if_match}: "
            "reload it and apply the change again",
            field="If-Match",
        )


def update_zone(
    conn: Connection, zone_id: str, changes: dict[str, Any], *, if_match: int, actor: str
) -> dict[str, Any]:
    """Apply ``changes`` when the stored version is ``if_match``; the version goes up by one."""
    current = require_zone(conn, zone_id)
    _check_version(current, if_match)
    done = conn.execute(
        sa.update(protected_zones)
        .where(protected_zones.c.id == zone_id, protected_zones.c.version == if_match)
        .values(**changes, version=if_match + 1, updated_at=datetime.now(UTC))
    )
    if done.rowcount != 1:  # another writer got in between the read and the update
        _check_version(require_zone(conn, zone_id), if_match)
    after = require_zone(conn, zone_id)
    _record(conn, zone_id, "update", actor=actor, before=current, after=after)
    return after


def delete_zone(conn: Connection, zone_id: str, *, if_match: int, actor: str) -> dict[str, Any]:
    """Delete a zone when the stored version is ``if_match``; the deleted row."""
    current = require_zone(conn, zone_id)
    _check_version(current, if_match)
    done = conn.execute(
        sa.delete(protected_zones).where(
            protected_zones.c.id == zone_id, protected_zones.c.version == if_match
        )
    )
    if done.rowcount != 1:
        _check_version(require_zone(conn, zone_id), if_match)
    _record(conn, zone_id, "delete", actor=actor, before=current, after=None)
    return current


def history(conn: Connection, zone_id: str) -> list[dict[str, Any]]:
    """The recorded changes of one zone, oldest first."""
    query = (
        sa.select(protected_zone_history)
        .where(protected_zone_history.c.zone_id == zone_id)
        .order_by(protected_zone_history.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def _zone(row: Any) -> Zone:
    return Zone(
        zone_id=row.id,
        name=row.name,
        kind=row.kind,
        policy=row.policy,
        geometry=shapely.from_wkb(bytes(row.geom_wkb)),
    )


def _zone_columns() -> list[sa.Column[Any]]:
    c = protected_zones.c
    return [c.id, c.name, c.kind, c.policy, c.geom_wkb]


def zones_overlapping(conn: Connection, bounds: Bounds) -> list[Zone]:
    """Zones whose bounding box meets ``bounds`` (``min_lon, min_lat, max_lon, max_lat``)."""
    c = protected_zones.c
    min_lon, min_lat, max_lon, max_lat = bounds
    query = (
        sa.select(*_zone_columns())
        .where(c.max_lon >= min_lon, c.min_lon <= max_lon)
        .where(c.max_lat >= min_lat, c.min_lat <= max_lat)
        .order_by(c.id)
    )
    return [_zone(r) for r in conn.execute(query)]


def all_zones(engine: Engine) -> list[Zone]:
    """Every stored zone, by id."""
    query = sa.select(*_zone_columns()).order_by(protected_zones.c.id)
    with engine.connect() as conn:
        return [_zone(r) for r in conn.execute(query)]
