"""Incidents: read one, list them, change their status; what other packages may know of one.

Every change commits together with its audit events; events go to the maps after the commit.
Posted calls (new incidents, location updates, repeats) are in :mod:`camroute.incidents.calls`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, RowMapping

from camroute.areas.models import LocationReport
from camroute.audit.service import Action, record
from camroute.auth.models import Principal
from camroute.errors import ConflictError, NotFoundError
from camroute.events.bus import EventBus
from camroute.incidents.events import IncidentChanged, IncidentKind, ViewChanged
from camroute.incidents.locate import Located
from camroute.incidents.models import (
    OPEN_STATUSES,
    IncidentPage,
    IncidentRead,
    IncidentSummary,
    LocationRead,
    Status,
)
from camroute.incidents.tables import incident_locations, incidents
from camroute.incidents.writes import Row
from camroute.routing.models import RouteResult
from camroute.store.txn import writing

i = incidents.c


class IncidentNotFoundError(NotFoundError):
    """No incident has this id."""

    code = "incident_not_found"
    title = "Incident not found"


class IncidentClosedError(ConflictError):
    """The incident is closed: no more location updates or views."""

    code = "incident_closed"
    title = "Incident closed"


class CloseHook(Protocol):
    """Runs inside the closing transaction; returns ids to announce as ``view.revoked``."""

    def __call__(self, conn: Connection, incident_id: str, *, now: datetime) -> list[str]: ...


# What other packages do when an incident closes, in the same transaction (``live`` revokes
# the incident's tickets). Registered by the composition root (``camroute.wiring``), so that
# ``incidents`` needs no import of its dependants.
CLOSE_HOOKS: list[CloseHook] = []


def on_incident_closed(hook: CloseHook) -> None:
    """Run ``hook`` in every closing transaction (once, however often it is registered)."""
    if hook not in CLOSE_HOOKS:
        CLOSE_HOOKS.append(hook)


@dataclass(frozen=True)
class OpenIncident:
    """What another package may know of an open incident: where, and which cameras rank."""

    id: str
    lon: float | None
    lat: float | None
    camera_ids: frozenset[str]


def open_incident(conn: Connection, incident_id: str) -> OpenIncident:
    """The incident ``incident_id`` if it is not closed (not found / closed errors otherwise)."""
    columns = (i.id, i.status, i.lon, i.lat, i.cameras)
    found = conn.execute(sa.select(*columns).where(i.id == incident_id)).mappings().first()
    if found is None:
        raise IncidentNotFoundError(f"no incident {incident_id!r}", field="incident_id")
    if found["status"] == "closed":
        raise IncidentClosedError(f"incident {incident_id} is closed", field="incident_id")
    ranked = (found["cameras"] or {}).get("cameras", [])
    return OpenIncident(
        id=found["id"],
        lon=found["lon"],
        lat=found["lat"],
        camera_ids=frozenset(c["camera_id"] for c in ranked),
    )


def incident_of(row: RowMapping, history: list[LocationRead] | None = None) -> IncidentRead:
    """The incident of a stored row (its JSON columns validated into the typed aggregate)."""
    # The ``cameras`` column holds the whole ``RouteResult`` as ranked (rows written before cones
    # were stored validate too: ``view_geojson`` defaults to null).
    lookup = None if row["lookup"] is None else LocationReport.model_validate(row["lookup"])
    route = None if row["cameras"] is None else RouteResult.model_validate(row["cameras"])
    return _aggregate(row, row["location"], lookup, route, history)


def _aggregate(
    row: Row,
    location: dict[str, Any] | None,
    lookup: LocationReport | None,
    route: RouteResult | None,
    history: list[LocationRead] | None = None,
) -> IncidentRead:
    return IncidentRead(
        id=row["id"],
        call_id=row["call_id"],
        hotline=row["hotline"],
        status=row["status"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        closed_at=row["closed_at"],
        lon=row["lon"],
        lat=row["lat"],
        uncertainty_m=row["uncertainty_m"],
        location=location,
        address=row["address"],
        lookup=lookup,
        route=route,
        ward_code=row["ward_code"],
        ward_name=row["ward_name"],
        location_count=row["location_count"],
        purged=row["purged_at"] is not None,
        history=history,
    )


def written_incident(row: Row, values: dict[str, Any], located: Located) -> IncidentRead:
    """The incident just written, built from what was written.

    Its JSON is not read back and parsed again: the ranking with its cones is most of the row.
    """
    return _aggregate(row, values["location"], located.lookup, located.route)


SUMMARY_COLUMNS = tuple(
    incidents.c[name] for name in IncidentSummary.model_fields if name != "purged"
)


def _summary(row: RowMapping) -> IncidentSummary:
    fields = {name: row[name] for name in IncidentSummary.model_fields if name != "purged"}
    return IncidentSummary(**fields, purged=row["purged_at"] is not None)


def row_of(conn: Connection, incident_id: str) -> RowMapping:
    """The stored row of ``incident_id`` (:class:`IncidentNotFoundError` if none)."""
    row = conn.execute(sa.select(incidents).where(i.id == incident_id)).mappings().first()
    if row is None:
        raise IncidentNotFoundError(f"no incident {incident_id!r}", field="incident_id")
    return row


def publish(bus: EventBus | None, kind: IncidentKind, incident: IncidentRead) -> None:
    """Tell the maps (after the commit), if the app has a bus."""
    if bus is not None:
        bus.publish(IncidentChanged.of(kind, incident))


def get_incident(engine: Engine, incident_id: str) -> IncidentRead:
    """One incident with its location history (oldest first)."""
    with engine.connect() as conn:
        row = row_of(conn, incident_id)
        rows = conn.execute(
            sa.select(incident_locations)
            .where(incident_locations.c.incident_id == incident_id)
            .order_by(incident_locations.c.id)
        ).mappings()
        history = [LocationRead.model_validate(dict(r)) for r in rows]
    return incident_of(row, history)


def list_incidents(
    engine: Engine,
    *,
    status: Status | None = None,
    hotline: str | None = None,
    open_only: bool = False,
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> IncidentPage:
    """Incidents, open ones first and newest first; filters combine with AND."""
    where: list[sa.ColumnElement[bool]] = []
    if status is not None:
        where.append(i.status == status)
    if hotline is not None:
        where.append(i.hotline == hotline)
    if open_only:
        where.append(i.status.in_(OPEN_STATUSES))
    if since is not None:
        where.append(i.created_at >= since)
    closed_last = sa.case((i.status == "closed", 1), else_=0)
    # Only the summary's columns: the region, lookup and ranking JSON stay in the database.
    columns = (*SUMMARY_COLUMNS, i.purged_at)
    stmt = sa.select(*columns).where(*where).order_by(closed_last, i.created_at.desc(), i.id)
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(incidents).where(*where))
        rows = conn.execute(stmt.limit(limit).offset(offset)).mappings().all()
        count = int(total.scalar_one())
    return IncidentPage(items=[_summary(r) for r in rows], total=count)


def change_status(
    engine: Engine,
    incident_id: str,
    status: Status,
    *,
    actor: Principal,
    bus: EventBus | None = None,
) -> IncidentRead:
    """Move an open incident to ``status``; closing it revokes every live ticket it has."""
    with writing(engine) as conn:
        row = (
            conn.execute(sa.select(incidents).where(i.id == incident_id).with_for_update())
            .mappings()
            .first()
        )
        if row is None:
            raise IncidentNotFoundError(f"no incident {incident_id!r}", field="incident_id")
        if row["status"] == "closed":
            raise IncidentClosedError(f"incident {incident_id} is closed", field="status")
        revoked = _set_status(conn, row, status, actor=actor)
        incident = incident_of(row_of(conn, incident_id))
    publish(bus, "incident.status", incident)
    for ticket_id in revoked:
        if bus is not None:
            bus.publish(
                ViewChanged(
                    kind="view.revoked",
                    incident_id=incident_id,
                    ticket_id=ticket_id,
                    because="incident_closed",
                )
            )
    return incident


def _set_status(
    conn: Connection, row: RowMapping, status: Status, *, actor: Principal
) -> list[str]:
    """Store the new status (and, when closing, revoke the tickets); audit; return revoked ids."""
    now, closing, incident_id = datetime.now(UTC), status == "closed", row["id"]
    conn.execute(
        sa.update(incidents)
        .where(i.id == incident_id)
        .values(status=status, updated_at=now, closed_at=now if closing else None)
    )
    revoked = (
        [ticket for hook in CLOSE_HOOKS for ticket in hook(conn, incident_id, now=now)]
        if closing
        else []
    )
    record(
        conn,
        actor=actor.name,
        role=actor.role.value,
        action=Action.incident_closed if closing else Action.incident_updated,
        subject=row["call_id"],
        incident_id=incident_id,
        details={"from": row["status"], "to": status, "revoked_tickets": revoked},
    )
    return revoked


@dataclass(frozen=True)
class IncidentPlace:
    """Where an incident was (its latest location) and its ward, for coverage reports."""

    lon: float
    lat: float
    ward_name: str | None


def incident_places(engine: Engine, *, since: datetime) -> list[IncidentPlace]:
    """Incidents created at or after ``since`` whose location is still held (not purged)."""
    query = sa.select(incidents.c.lon, incidents.c.lat, incidents.c.ward_name).where(
        incidents.c.created_at >= since,
        incidents.c.lon.is_not(None),
        incidents.c.lat.is_not(None),
        incidents.c.purged_at.is_(None),
    )
    with engine.connect() as conn:
        return [IncidentPlace(r.lon, r.lat, r.ward_name) for r in conn.execute(query)]
