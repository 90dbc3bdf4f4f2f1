"""Protected-zone use cases: write zones (versioned, audited), and which zones a camera sees.

The ticket rules ask :func:`camera_zone_hits` of the store at every ticket, so a zone added a
second ago already protects; the ranking's marks are made per index snapshot by
:class:`ZoneMarker` and refreshed when the zone layer changes.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import shapely
from sqlalchemy import Connection, Engine

from camroute.audit.service import Action, record_many
from camroute.cameras.fov import KIND_DEFAULTS
from camroute.geo import local_projection, sector
from camroute.geo.shapes import circle
from camroute.routing.index import CameraIndex
from camroute.routing.models import ProtectedHit
from camroute.routing.store import stored_viewshed
from camroute.store.txn import writing
from camroute.zones import store
from camroute.zones.geometry import to_geojson, to_shape
from camroute.zones.importer import ZoneImportOptions, read_zones
from camroute.zones.marks import protected_marks
from camroute.zones.models import ZoneCreate, ZoneImportSummary, ZoneRead, ZoneUpdate
from camroute.zones.rules import MetricZones, Zone, zones_seen


def zone_read(row: Mapping[str, Any]) -> ZoneRead:
    """A stored zone row as the API shows it."""
    geom = shapely.from_wkb(bytes(row["geom_wkb"]))
    return ZoneRead.model_validate({**row, "geometry": to_geojson(geom)})


def _event(row: Mapping[str, Any], op: str, *, actor: str, role: str) -> dict[str, Any]:
    return {
        "actor": actor,
        "role": role,
        "action": Action.zone_changed,
        "subject": f"zone:{row['id']}",
        "details": {
            "op": op,
            "zone_id": row["id"],
            "name": row["name"],
            "kind": row["kind"],
            "policy": row["policy"],
            "version": row["version"],
            "source": row.get("source"),
        },
    }


def create_zone(
    conn: Connection, body: ZoneCreate, *, actor: str, role: str, source: str = "api"
) -> dict[str, Any]:
    """Store a new zone (409 when the id exists) and audit it."""
    values = {
        "id": body.id or str(uuid.uuid4()),
        "kind": body.kind,
        "name": body.name,
        "policy": body.policy,
        "source": source,
        "source_id": None,
        **store.geometry_values(to_shape(body.geometry)),
    }
    row = store.insert_zone(conn, values, actor=actor)
    record_many(conn, [_event(row, "created", actor=actor, role=role)])
    return row


def update_zone(
    conn: Connection, zone_id: str, body: ZoneUpdate, *, if_match: int, actor: str, role: str
) -> dict[str, Any]:
    """Change the fields sent when ``if_match`` is the stored version, and audit it."""
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude_none=True)
    changes.pop("geometry", None)
    if body.geometry is not None:
        changes.update(store.geometry_values(to_shape(body.geometry)))
    row = store.update_zone(conn, zone_id, changes, if_match=if_match, actor=actor)
    record_many(conn, [_event(row, "updated", actor=actor, role=role)])
    return row


def delete_zone(conn: Connection, zone_id: str, *, if_match: int, actor: str, role: str) -> None:
    """Delete a zone when ``if_match`` is the stored version, and audit it."""
    row = store.delete_zone(conn, zone_id, if_match=if_match, actor=actor)
    record_many(conn, [_event(row, "deleted", actor=actor, role=role)])


def add_zones(
    conn: Connection, rows: Iterable[dict[str, Any]], *, actor: str, role: str
) -> list[dict[str, Any]]:
    """Store imported zones (column values with ``id``), one audit event each.

    A zone whose id is stored already (the same source imported again) is updated to a new
    version instead.
    """
    events = []
    written = []
    for values in rows:
        current = store.get_zone(conn, values["id"])
        if current is None:
            row, op = store.insert_zone(conn, values, actor=actor), "created"
        else:
            changes = {k: v for k, v in values.items() if k != "id"}
            version = int(current["version"])
            row = store.update_zone(conn, values["id"], changes, if_match=version, actor=actor)
            op = "updated"
        written.append(row)
        events.append(_event(row, op, actor=actor, role=role))
    record_many(conn, events)
    return written


def import_zones(
    engine: Engine, path: Path, options: ZoneImportOptions, *, actor: str, role: str
) -> ZoneImportSummary:
    """Read ``path`` and store its zones in one transaction (audited, one event per zone)."""
    read = read_zones(path, options)
    with writing(engine) as conn:
        written = add_zones(conn, read.rows, actor=actor, role=role)
    by_kind: dict[str, int] = {}
    for row in written:
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + 1
    return ZoneImportSummary(
        imported=len(written), skipped=read.skipped, rejected=read.rejected, by_kind=by_kind
    )


def _fallback_view(camera: Mapping[str, Any]) -> shapely.Geometry:
    """The camera's whole sector (no occlusion) when no current viewshed is stored.

    Wider than what it sees, never narrower: a fixed camera of unknown heading, a PTZ or a
    dome counts with its whole range.
    """
    defaults = KIND_DEFAULTS.get(str(camera["kind"]), KIND_DEFAULTS["fixed"])
    range_m = float(camera["range_m"] or defaults.range_m)
    hfov_deg = float(camera["hfov_deg"] or defaults.hfov_deg)
    lon, lat, heading = float(camera["lon"]), float(camera["lat"]), camera["heading_deg"]
    if heading is None or camera["kind"] in ("ptz", "dome_360") or hfov_deg >= 360.0:
        return circle(lon=lon, lat=lat, radius_m=range_m)
    return sector(lon=lon, lat=lat, heading_deg=float(heading), hfov_deg=hfov_deg, range_m=range_m)


def camera_zone_hits(engine: Engine, camera: Mapping[str, Any]) -> list[ProtectedHit]:
    """The protected zones the camera's stored viewshed reaches (its sector when none is).

    ``camera`` is its registry row; the viewshed counts only if it was made for the camera's
    current version and the current buildings.
    """
    view = stored_viewshed(engine, str(camera["id"]), camera_version=int(camera["version"]))
    return _hits(engine, camera, _fallback_view(camera) if view is None else view)


def viewshed_zone_hits(engine: Engine, camera: Mapping[str, Any]) -> list[ProtectedHit] | None:
    """The zones the camera's current stored viewshed reaches; None when it has none.

    None after the camera was edited or the buildings changed, until its viewshed is made
    again: only its wider sector is known then, which may reach zones its view does not.
    """
    view = stored_viewshed(engine, str(camera["id"]), camera_version=int(camera["version"]))
    return None if view is None else _hits(engine, camera, view)


def _hits(engine: Engine, camera: Mapping[str, Any], view: shapely.Geometry) -> list[ProtectedHit]:
    with engine.connect() as conn:
        zones = store.zones_overlapping(conn, view.bounds)
    if not zones:
        return []
    projection = local_projection(lon=float(camera["lon"]), lat=float(camera["lat"]))
    metric = MetricZones.build(zones, projection)
    return zones_seen(projection.geometry_to_metric(view), metric)


class ZoneMarker:
    """Marks every new routing snapshot with the zones each camera's view reaches.

    Registered on the ``IndexHolder`` as a decorator: a snapshot is never swapped in without
    the marks of the zone layer current at that moment. The zones are read again only when
    the zone-layer generation moved.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._key: str | None = None
        self._zones: list[Zone] = []

    def zones(self) -> tuple[str, list[Zone]]:
        """The current zone-layer version and its zones (read again when it moved)."""
        key = store.zones_generation(self._engine)
        with self._lock:
            if key != self._key:
                self._zones, self._key = store.all_zones(self._engine), key
            return key, self._zones

    def __call__(self, index: CameraIndex) -> CameraIndex:
        """``index`` with the protected-zone marks of the current zone layer."""
        key, zones = self.zones()
        return index.with_protected(protected_marks(index, zones), zones_key=key)
