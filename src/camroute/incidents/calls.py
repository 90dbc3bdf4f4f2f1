"""A posted call: a new incident, a location update of its incident, or a repeat.

A call id is the idempotency key: an identical repeat returns the same incident unchanged
(compared by a keyed fingerprint of what the call says about the location). The write and
its audit events commit together; the event goes to the maps after the commit.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import Engine, RowMapping
from sqlalchemy.exc import IntegrityError

from camroute.audit.service import Action, append_at_commit
from camroute.auth.models import Principal
from camroute.errors import ConflictError
from camroute.events.bus import EventBus
from camroute.incidents import writes
from camroute.incidents.events import IncidentKind
from camroute.incidents.locate import Located
from camroute.incidents.models import CallCreate, IncidentRead, LonLatIn
from camroute.incidents.seen import Seen, seen_ids
from camroute.incidents.service import (
    IncidentClosedError,
    incident_of,
    publish,
    row_of,
    written_incident,
)
from camroute.incidents.tables import incidents
from camroute.incidents.writes import Row
from camroute.store.meta import stored_secret
from camroute.store.txn import reading, writing

i = incidents.c
FINGERPRINT_KEY = "incident_fingerprint_key"


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
                        incident = incident_of(row_of(conn, existing["id"]))
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
        incident = written_incident(stored, values, located)
        # After the commit, in a transaction of its own: a NOTIFY in the write's transaction
        # made PostgreSQL queue and signal it at commit while the audit head row was locked,
        # which lengthened the section every writer waits for (measured: fewer calls/s).
        publish(bus, kind, incident)
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
