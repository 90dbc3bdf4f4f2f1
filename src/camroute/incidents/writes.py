"""A call's rows and the statements that write them, with its audit events.

The rows' values go in as parameters of statements built once: ``.values(...)`` with literal
values made SQLAlchemy coerce each value and key its statement cache on them, every call.

On PostgreSQL a call's rows and its audit events are one statement in autocommit, its own
transaction in one round trip: the row written by a data-modifying CTE, the history row and
the events (``audit_append``) made from what it returned, so a new call whose id is taken and
an update of a closed incident write nothing. On SQLite, whose writers queue for one lock
anyway, they stay separate statements in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, RowMapping
from sqlalchemy.dialects.postgresql import insert as pg_insert

from camroute.audit.service import APPEND_EVENTS, append_at_commit, events_json
from camroute.incidents.models import CallCreate
from camroute.incidents.tables import incident_locations, incidents
from camroute.store.txn import at_commit, autocommit

# An incident row: as read back, or as a new one was written (its values known, not read).
Row = RowMapping | Mapping[str, Any]

i = incidents.c
# What an update's RETURNING brings back: the row without its JSON, which the caller holds.
_SCALARS = tuple(c for c in incidents.c if c.name not in ("location", "lookup", "cameras"))
# inline(): no RETURNING of the generated id, which nothing reads and which a statement sent
# in the COMMIT's pipeline could not fetch.
_INSERT = sa.insert(incidents).inline()
_HISTORY_INSERT = sa.insert(incident_locations).inline()


def new_row(call: CallCreate, values: dict[str, Any], *, incident_id: str) -> dict[str, Any]:
    """A new incident's row: every value is known, so nothing is read back after the insert."""
    return {
        "id": incident_id,
        "call_id": call.call_id,
        "hotline": call.hotline,
        "status": "new",
        "created_at": values["updated_at"],
        "closed_at": None,
        "address": call.address,
        "location_count": 1,
        "purged_at": None,
        **values,
    }


def history(incident_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """The incident's history row for a call's location."""
    return {
        "incident_id": incident_id,
        "received_at": values["updated_at"],
        "fingerprint": values["fingerprint"],
        "lon": values["lon"],
        "lat": values["lat"],
        "uncertainty_m": values["uncertainty_m"],
        "location": values["location"],
    }


def _binds(
    table: sa.Table, prefix: str, names: tuple[str, ...] = ()
) -> dict[str, sa.BindParameter[Any]]:
    columns = [c for c in table.c if (c.name in names if names else c.name != "id")]
    return {c.name: sa.bindparam(prefix + c.name, type_=c.type) for c in columns}


_HISTORY_BINDS = _binds(incident_locations, "h_")
# PostgreSQL: a call not known yet, opened with its history row and its events in one
# statement that writes nothing when the call id is taken (no read of the call id before).
_NEW = (
    pg_insert(incidents)
    .values({**_binds(incidents, "i_"), "id": sa.bindparam("i_id")})
    .on_conflict_do_nothing(index_elements=[i.call_id])
    .returning(i.id)
    .cte("opened")
)
_OPENED_IF_NEW = (
    sa.select(_NEW.c.id, APPEND_EVENTS)
    .select_from(_NEW)
    .add_cte(
        sa.insert(incident_locations)
        .from_select(list(_HISTORY_BINDS), sa.select(*_HISTORY_BINDS.values()).select_from(_NEW))
        .cte("located")
    )
)


def defer(
    conn: Connection,
    row: dict[str, Any] | None,
    located: dict[str, Any],
    events: list[dict[str, Any]],
) -> None:
    """Send a new incident's ``row`` (None on an update), a history row and events with the COMMIT.

    ``conn`` comes from ``store.txn.writing``: SQLite's way (PostgreSQL's is one statement,
    :func:`open_if_new` or :func:`update_at_once`).
    """
    if row is not None:
        at_commit(conn, _INSERT, row)
    at_commit(conn, _HISTORY_INSERT, located)
    append_at_commit(conn, events)


_CHANGED = (
    "updated_at",
    "lon",
    "lat",
    "uncertainty_m",
    "location",
    "lookup",
    "cameras",
    "ward_code",
    "ward_name",
    "fingerprint",
)
# The row lock, and a close that won meanwhile, are the UPDATE's own: no SELECT ... FOR UPDATE
# before it (a statement, and on PostgreSQL a round trip, per location update). Nor need the
# call have been read at all: an incident of another call, on another hotline or at this
# location already (a repeat) is left as it is, as a closed one is.
_UPDATE = (
    sa.update(incidents)
    .where(
        i.id == sa.bindparam("b_id"),
        i.call_id == sa.bindparam("b_call_id", type_=i.call_id.type),
        i.status != "closed",
        i.hotline == sa.bindparam("b_hotline", type_=i.hotline.type),
        i.fingerprint.is_distinct_from(sa.bindparam("b_fingerprint", type_=i.fingerprint.type)),
    )
    .values(
        location_count=i.location_count + 1,
        address=sa.func.coalesce(sa.bindparam("b_address", type_=i.address.type), i.address),
        **_binds(incidents, "u_", _CHANGED),
    )
    .returning(*_SCALARS)
)
_MOVED = _UPDATE.cte("moved")
# PostgreSQL: the update, its history row and its events in one statement; the last two are
# made from the updated row, so a closed incident gets none of them.
_UPDATED = (
    sa.select(*_MOVED.c, APPEND_EVENTS)
    .select_from(_MOVED)
    .add_cte(
        sa.insert(incident_locations)
        .from_select(list(_HISTORY_BINDS), sa.select(*_HISTORY_BINDS.values()).select_from(_MOVED))
        .cte("located")
    )
)


def _update_params(incident_id: str, call: CallCreate, values: dict[str, Any]) -> dict[str, Any]:
    params = {f"u_{k}": values[k] for k in _CHANGED}
    params.update(
        b_id=incident_id,
        b_call_id=call.call_id,
        b_address=call.address or None,  # none given: the old one stays
        b_hotline=call.hotline,
        b_fingerprint=values["fingerprint"],
    )
    return params


def update(
    conn: Connection, incident_id: str, call: CallCreate, values: dict[str, Any]
) -> Row | None:
    """Move the incident to the call's new location.

    None if it is closed, not the call's, on another hotline or at this location already.
    """
    found = conn.execute(_UPDATE, _update_params(incident_id, call, values))
    return found.mappings().first()


def update_at_once(
    engine: Engine,
    incident_id: str,
    call: CallCreate,
    values: dict[str, Any],
    events: list[dict[str, Any]],
) -> Row | None:
    """PostgreSQL: :func:`update` with its history row and events, or None as it.

    One statement in autocommit: its own transaction, in one round trip.
    """
    params = _update_params(incident_id, call, values)
    params.update({f"h_{k}": v for k, v in history(incident_id, values).items()})
    params["audit_events"] = events_json(events)
    with autocommit(engine) as conn:
        return conn.execute(_UPDATED, params).mappings().first()


def open_if_new(
    engine: Engine,
    row: dict[str, Any],
    located: dict[str, Any],
    events: list[dict[str, Any]],
) -> bool:
    """PostgreSQL: write a new incident's ``row``, its history row and its events, if new.

    When the call id is known already nothing is written, and the answer is False.

    One statement in autocommit: its own transaction, in one round trip.
    """
    params = {f"i_{k}": v for k, v in row.items()}
    params.update({f"h_{k}": v for k, v in located.items()})
    params["audit_events"] = events_json(events)
    with autocommit(engine) as conn:
        return conn.execute(_OPENED_IF_NEW, params).first() is not None
