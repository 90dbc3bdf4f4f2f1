"""Calls become incidents: open, update the location (re-rank), list, change status.

Every change commits together with its audit events; events go to the maps after the commit.
A call id is the idempotency key: an identical repeat returns the same incident unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
import sqlalchemy as sa
from sqlalchemy import Connection, Engine, RowMapping
from sqlalchemy.exc import IntegrityError

from camroute.areas.models import LocationReport
from camroute.audit.service import Action, append_at_commit, record
from camroute.auth.models import Principal
from camroute.errors import ConflictError, NotFoundError
from camroute.events.bus import EventBus
from camroute.incidents import writes
from camroute.incidents.events import IncidentChanged, IncidentKind, ViewChanged
from camroute.incidents.locate import Located
from camroute.incidents.models import (
    OPEN_STATUSES,
    CallCreate,
    IncidentPage,
    IncidentRead,
    IncidentSummary,
    LocationRead,
    LonLatIn,
    Status,
)
from camroute.incidents.seen import Seen, seen_ids
from camroute.incidents.tables import incident_locations, incidents
from camroute.incidents.writes import Row
from camroute.routing.models import RouteResult
from camroute.store.meta import stored_secret
from camroute.store.txn import reading, writing

i = incidents.c
FINGERPRINT_KEY = "incident_fingerprint_key"


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


@dataclass(frozen=True)
class CallOutcome:
    """What a posted call did: opened an incident, updated one, or repeated one."""

    incident: IncidentRead
    created: bool
    changed: bool


def fingerprint(call: CallCreate, *, key: bytes) -> str:
    """HMAC-SHA256 of what a call says about the location (the idempotency comparison).

    Keyed with the store's secret: a plain hash of a location is recovered by hashing every
    point of the ward, so a stored fingerprint must not be computable from a guessed location.
    Retention drops it with the coordinates anyway.
    """
    loc = call.location.model_dump() if isinstance(call.location, LonLatIn) else call.location
    body = {"location": loc, "content_type": call.content_type, "address": call.address}
    message = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _read(row: RowMapping, history: list[LocationRead] | None = None) -> IncidentRead:
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


def _written(row: Row, values: dict[str, Any], located: Located) -> IncidentRead:
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


def _row(conn: Connection, incident_id: str) -> RowMapping:
    row = conn.execute(sa.select(incidents).where(i.id == incident_id)).mappings().first()
    if row is None:
        raise IncidentNotFoundError(f"no incident {incident_id!r}", field="incident_id")
    return row


def _located_values(located: Located, fp: str, now: datetime) -> dict[str, Any]:
    loc = located.location
    return {
        "updated_at": now,
        "lon": loc.lon,
        "lat": loc.lat,
        "uncertainty_m": loc.uncertainty_m,
        "location": loc.model_dump(mode="json"),
        "lookup": None if located.lookup is None else located.lookup.model_dump(mode="json"),
        "cameras": None if located.route is None else located.route.model_dump(mode="json"),
        "ward_code": located.ward_code,
        "ward_name": located.ward_name,
        "fingerprint": fp,
    }


def _call_event(
    call: CallCreate, actor: Principal, incident_id: str, **details: Any
) -> dict[str, Any]:
    return {
        "actor": actor.name,
        "role": actor.role.value,
        "action": Action.call_received,
        "subject": call.call_id,
        "incident_id": incident_id,
        "details": {"hotline": call.hotline, **details},
    }


def _route_event(actor: Principal, incident_id: str, located: Located) -> dict[str, Any]:
    cameras = located.route.cameras if located.route else []
    return {
        "actor": actor.name,
        "role": actor.role.value,
        "action": Action.route_computed,
        "incident_id": incident_id,
        "details": {"cameras": [c.camera_id for c in cameras]},
    }


def _call_events(
    call: CallCreate,
    located: Located,
    actor: Principal,
    incident_id: str,
    *,
    created: bool,
) -> list[dict[str, Any]]:
    """The call's audit events (appended with the COMMIT: they lock the chain's head row)."""
    fmt = located.location.format
    received = _call_event(call, actor, incident_id, format=fmt, update=not created)
    events = [received, _route_event(actor, incident_id, located)]
    if created:
        opened = {
            "actor": actor.name,
            "role": actor.role.value,
            "action": Action.incident_opened,
            "subject": call.call_id,
            "incident_id": incident_id,
            "details": {"hotline": call.hotline, "ward_code": located.ward_code},
        }
        events.insert(1, opened)
    return events


def _check_hotline(row: RowMapping, call: CallCreate) -> None:
    if row["hotline"] != call.hotline:
        raise ConflictError(
            f"call {call.call_id!r} belongs to hotline {row['hotline']}, not {call.hotline}",
            field="hotline",
        )


def _check_open(row: RowMapping, call: CallCreate) -> None:
    if row["status"] == "closed":
        raise _closed(call)


def _closed(call: CallCreate) -> IncidentClosedError:
    return IncidentClosedError(
        f"incident of call {call.call_id!r} is closed; a new call needs a new call id",
        field="call_id",
    )


def _repeat(engine: Engine, call: CallCreate, row: RowMapping, actor: Principal) -> None:
    with writing(engine) as conn:
        append_at_commit(conn, [_call_event(call, actor, row["id"], repeat=True)])


# What deciding between a new incident, an update and a repeat needs (not the stored JSON).
_KNOWN = sa.select(i.id, i.hotline, i.status, i.fingerprint).where(
    i.call_id == sa.bindparam("b_call_id")
)


def _known(engine: Engine, call: CallCreate) -> RowMapping | None:
    with reading(engine) as conn:
        return conn.execute(_KNOWN, {"b_call_id": call.call_id}).mappings().first()


def receive_call(
    call: CallCreate,
    *,
    engine: Engine,
    locate: Callable[[CallCreate], Located],
    actor: Principal,
    bus: EventBus | None = None,
) -> CallOutcome:
    """Open the incident of ``call``, or record its location update, or see a repeat."""
    fp = fingerprint(call, key=stored_secret(engine, FINGERPRINT_KEY))
    seen = seen_ids(engine)
    located: Located | None = None
    hint = seen.get(call.call_id)
    for attempt in range(3):
        if attempt == 0 and engine.dialect.name == "postgresql" and _unread(hint, fp):
            # Written with no read first (see incidents.seen): as a new incident, or as an
            # update of the one this process saw; a write that does nothing goes round.
            incident_id = None if hint is None else hint.incident_id
        else:
            existing = _known(engine, call)
            if existing is not None:
                seen.add(call.call_id, existing["id"], existing["fingerprint"])
                _check_hotline(existing, call)
                # A retry is the same incident, even if closed; a purged one has no fingerprint.
                if existing["fingerprint"] == fp:
                    _repeat(engine, call, existing, actor)
                    with engine.connect() as conn:
                        incident = _read(_row(conn, existing["id"]))
                    return CallOutcome(incident, created=False, changed=False)
                _check_open(existing, call)
            incident_id = None if existing is None else existing["id"]
        located = located or locate(call)  # a call that goes round keeps its location
        kind: IncidentKind = "incident.created" if incident_id is None else "incident.updated"
        # The row's values (the ranking's dump among them) are made before the write begins:
        # on SQLite writers queue for one lock, so only the statements run under it.
        values = _located_values(located, fp, datetime.now(UTC))
        try:
            stored = _write(engine, call, incident_id, located, values, actor)
        except IntegrityError:  # SQLite: another request opened this call first
            stored = None
        if stored is None:
            continue  # nothing written: read the call and decide again
        seen.add(call.call_id, stored["id"], fp)
        incident = _written(stored, values, located)
        # After the commit, in a transaction of its own: a NOTIFY in the write's transaction
        # made PostgreSQL queue and signal it at commit while the audit head row was locked,
        # which lengthened the section every writer waits for (measured: fewer calls/s).
        _publish(bus, kind, incident)
        return CallOutcome(incident, created=incident_id is None, changed=True)
    raise ConflictError(f"call {call.call_id!r} is being changed concurrently", field="call_id")


def _unread(hint: Seen | None, fp: str) -> bool:
    """Whether to write the call with no read first: not a likely repeat of what was seen."""
    return hint is None or hint.fingerprint != fp


def _write(
    engine: Engine,
    call: CallCreate,
    incident_id: str | None,
    located: Located,
    values: dict[str, Any],
    actor: Principal,
) -> Row | None:
    """Store the call's location with its audit events (a new incident if ``incident_id`` is None).

    None when nothing was written: the call id was taken, or the incident is closed, on
    another hotline or at this very location already (a repeat).
    """
    new_id = incident_id or str(uuid.uuid4())
    events = _call_events(call, located, actor, new_id, created=incident_id is None)
    history = writes.history(new_id, values)
    if engine.dialect.name == "postgresql":
        if incident_id is not None:
            return writes.update_at_once(engine, incident_id, call, values, events)
        row = writes.new_row(call, values, incident_id=new_id)
        return row if writes.open_if_new(engine, row, history, events) else None
    with writing(engine) as conn:
        new: dict[str, Any] | None = None
        moved: Row | None
        if incident_id is None:
            moved = new = writes.new_row(call, values, incident_id=new_id)
        else:
            moved = writes.update(conn, incident_id, call, values)
        if moved is not None:
            writes.defer(conn, new, history, events)
    return moved


def _publish(bus: EventBus | None, kind: IncidentKind, incident: IncidentRead) -> None:
    if bus is not None:
        bus.publish(IncidentChanged.of(kind, incident))


def get_incident(engine: Engine, incident_id: str) -> IncidentRead:
    """One incident with its location history (oldest first)."""
    with engine.connect() as conn:
        row = _row(conn, incident_id)
        rows = conn.execute(
            sa.select(incident_locations)
            .where(incident_locations.c.incident_id == incident_id)
            .order_by(incident_locations.c.id)
        ).mappings()
        history = [LocationRead.model_validate(dict(r)) for r in rows]
    return _read(row, history)


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
        incident = _read(_row(conn, incident_id))
    _publish(bus, "incident.status", incident)
    for ticket_id in revoked:
        if bus is not None:
            bus.publish(
                ViewChanged(kind="view.revoked", incident_id=incident_id, ticket_id=ticket_id)
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
