"""Record, query and verify audit events.

``record`` appends inside the caller's transaction, so the event commits or rolls back with the
change it describes. Writers are serialised by updating the one ``audit_head`` row first: on
PostgreSQL that row lock is held to the end of the transaction, on SQLite the update takes the
database write lock. Keep the audited transaction short: appends queue behind it. Do not put
precise caller locations in ``details`` (the chain forbids purging them later).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from camroute.audit.chain import ChainReport, canonical_json, event_hash, hash_parts, walk_chain
from camroute.audit.models import Action, AuditEvent, AuditPage, AuditQuery, VerifyRead
from camroute.audit.tables import audit_events, audit_head
from camroute.errors import InvalidInputError
from camroute.store.engine import json_text
from camroute.store.txn import at_commit, require_writing

__all__ = ["Action", "AuditEvent", "append_at_commit", "query", "record", "record_many", "verify"]

_ACTION_RE = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
_LIMITS = {"actor": 128, "role": 32, "subject": 256, "incident_id": 64}
_VERIFY_BATCH = 2000


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def _normalise_details(details: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Round-trip through JSON so what is stored is exactly what is hashed."""
    if details is None:
        return None
    try:
        text = json.dumps(dict(details), default=_json_default, allow_nan=False)
    except ValueError as exc:
        raise InvalidInputError(f"audit details are not JSON: {exc}", field="details") from exc
    loaded: dict[str, Any] = json.loads(text, parse_int=_int64)
    return loaded


def _int64(text: str) -> int:
    # The store reads JSON back with orjson, which turns a wider integer into a float: the
    # event would no longer match its hash, and verify would report a tampering.
    value = int(text)
    if not -(2**63) <= value < 2**64:
        raise InvalidInputError(
            f"audit details hold the integer {text}, wider than 64 bits", field="details"
        )
    return value


def _checked_fields(**fields: str | None) -> dict[str, str | None]:
    for name, value in fields.items():
        limit = _LIMITS.get(name)
        if limit is not None and value is not None and len(value) > limit:
            raise InvalidInputError(
                f"audit {name} is {len(value)} characters, at most {limit}", field=name
            )
    if not fields["actor"]:
        raise InvalidInputError("audit actor is empty", field="actor")
    if not _ACTION_RE.match(fields["action"] or ""):
        raise InvalidInputError(f"audit action {fields['action']!r} is not a name", field="action")
    return fields


def record(
    conn: Connection,
    *,
    actor: str,
    role: str,
    action: Action | str,
    subject: str | None = None,
    incident_id: str | int | None = None,
    purpose: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain inside ``conn``'s transaction and return it.

    ``actor`` is the user or key name (``cli:<os user>`` for the CLI, ``system`` for jobs),
    ``role`` its role, ``action`` an :class:`Action`, ``subject`` what it was done to (a camera
    id, a user name), ``incident_id`` the incident it served, ``purpose`` the stated reason.
    """
    entry = {
        "actor": actor,
        "role": role,
        "action": action,
        "subject": subject,
        "incident_id": incident_id,
        "purpose": purpose,
        "details": details,
    }
    return record_many(conn, [entry])[0]


# Fixed statements, values as parameters: SQLAlchemy compiles each once (literal values in
# ``.values(...)`` were coerced and cache-keyed again on every event).
_TAKE_IDS = (
    sa.update(audit_head)
    .where(audit_head.c.k == 1)
    .values(last_id=audit_head.c.last_id + sa.bindparam("b_count", type_=sa.Integer))
    .returning(audit_head.c.last_id, audit_head.c.last_hash)
)

_MOVE_HEAD = sa.update(audit_head).where(audit_head.c.k == 1)


def _rows_sql(count: int) -> str:
    """The multi-row INSERT of ``count`` events, its parameters named ``<column>_<row>``."""
    names = [c.name for c in audit_events.c]
    rows = ", ".join("(" + ", ".join(f":{n}_{row}" for n in names) + ")" for row in range(count))
    return f"INSERT INTO audit_events ({', '.join(names)}) VALUES {rows}"


def _typed(sql: str, count: int, *extra: sa.BindParameter[Any]) -> sa.TextClause:
    binds = [
        sa.bindparam(f"{c.name}_{row}", type_=c.type)
        for row in range(count)
        for c in audit_events.c
    ]
    return sa.text(sql).bindparams(*binds, *extra)


# SQLAlchemy does not cache a multi-row ``insert().values([...])`` ("no key"): it compiled it
# again on every append, under the head row's lock (16 % of a worker's CPU at 240 calls/s).
# A text statement with typed parameters is cached like any other, and keeps the bind
# processing (UTC times, JSON) and, on PostgreSQL, the casts.
@functools.cache
def _insert_events(count: int) -> sa.TextClause:
    """One multi-row INSERT for ``count`` events (a call writes three, an update two)."""
    return _typed(_rows_sql(count), count)


@functools.cache
def _append_and_move(count: int) -> sa.TextClause:
    """PostgreSQL: the events' INSERT (a data-modifying CTE) and the head's move, one statement."""
    move = "UPDATE audit_head SET last_hash = :last_hash WHERE k = 1"
    sql = f"WITH appended AS ({_rows_sql(count)}) {move}"
    return _typed(sql, count, sa.bindparam("last_hash", type_=audit_head.c.last_hash.type))


def _checked(entries: Sequence[Mapping[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    return [
        (
            _checked_fields(
                actor=e["actor"],
                role=str(e["role"]),
                action=str(e["action"]),
                subject=e.get("subject"),
                incident_id=None if e.get("incident_id") is None else str(e["incident_id"]),
                purpose=e.get("purpose"),
            ),
            _normalise_details(e.get("details")),
        )
        for e in entries
    ]


def record_many(conn: Connection, entries: Sequence[Mapping[str, Any]]) -> list[AuditEvent]:
    """Append several events (the keywords of :func:`record` each) in one step, in order.

    The head row is moved once for all of them and the events go in as one insert: three
    statements whatever the count, where one :func:`record` per event costs three each (a
    new call writes three events, and on PostgreSQL every statement is a round trip).
    """
    return [AuditEvent.model_validate(e) for e in _append(conn, entries)]


def _append(conn: Connection, entries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    checked = _checked(entries)
    if not checked:
        return []
    row = conn.execute(_TAKE_IDS, {"b_count": len(checked)}).one()
    first_id, prev_hash, now = int(row.last_id) - len(checked) + 1, row.last_hash, datetime.now(UTC)
    events: list[dict[str, Any]] = []
    for offset, (fields, details) in enumerate(checked):
        event = {"id": first_id + offset, "time": now, **fields, "details": details}
        event["prev_hash"] = prev_hash
        event["hash"] = prev_hash = event_hash(event, prev_hash)
        events.append(event)
    params = {f"{name}_{row}": value for row, e in enumerate(events) for name, value in e.items()}
    if conn.dialect.name == "postgresql":
        # One round trip: the head row is locked from the first UPDATE to the commit, and
        # every other writer waits for it (measured: ~5 backends waiting at 330 calls/s).
        conn.execute(_append_and_move(len(events)), {**params, "last_hash": prev_hash})
    else:
        conn.execute(_insert_events(len(events)), params)
        conn.execute(_MOVE_HEAD, {"last_hash": prev_hash})
    return events


# PostgreSQL: ``audit_append`` of the events of :func:`events_json`, as a SQL expression.
APPEND_EVENTS = sa.func.audit_append(
    sa.cast(sa.bindparam("audit_events", type_=sa.Text()), sa.JSON)
)


# The append alone; a statement that writes rows too selects APPEND_EVENTS from them
# (``incidents.writes``), so the rows and their events commit or fail together.
_APPEND = sa.select(APPEND_EVENTS)


def events_json(entries: Sequence[Mapping[str, Any]]) -> str | None:
    """The ``audit_events`` parameter of :data:`APPEND_EVENTS` for ``entries`` (None: no event).

    The events are checked here, before anything is sent; ``audit_append`` (lock the head
    row, number, hash, insert) does the rest on the server.
    """
    checked = _checked(entries)
    if not checked:
        return None
    now = datetime.now(UTC)
    events = []
    for fields, details in checked:
        head, middle, tail = hash_parts({"time": now, **fields, "details": details})
        parts = {"head": head, "middle": middle, "tail": tail, "time": now.isoformat()}
        events.append({**parts, **fields, "details": details})
    return json_text(events)  # orjson, stdlib for huge ints


def append_at_commit(conn: Connection, entries: Sequence[Mapping[str, Any]]) -> None:
    """Append events (the keywords of :func:`record` each) as ``conn``'s last statement.

    ``conn`` comes from ``store.txn.writing``. On PostgreSQL the append (``audit_append``:
    lock the head row, number, hash, insert) goes in one round trip with the COMMIT, so the
    head row every writer queues for is held for no client time: with :func:`record_many`
    it stayed locked across three round trips and the Python between them, waiting for the
    GIL (measured: about five backends queued on it at 330 calls/s). The events are checked
    here, before anything is sent. On SQLite, whose write lock the transaction holds from its
    first statement anyway, they are appended at once by :func:`record_many`.
    """
    require_writing(conn)  # on both stores, so a misuse shows in SQLite's tests too
    if conn.dialect.name != "postgresql":
        _append(conn, entries)  # nobody reads the events back: no models built
        return
    events = events_json(entries)
    if events is not None:
        at_commit(conn, _APPEND, {"audit_events": events})


def _where(q: AuditQuery) -> list[sa.ColumnElement[bool]]:
    c = audit_events.c
    pairs = [
        (q.subject, c.subject),
        (q.actor, c.actor),
        (q.incident_id, c.incident_id),
        (q.action, c.action),
    ]
    clauses: list[sa.ColumnElement[bool]] = [col == value for value, col in pairs if value]
    if q.time_from is not None:
        clauses.append(c.time >= q.time_from)
    if q.time_to is not None:
        clauses.append(c.time < q.time_to)
    return clauses


def query(engine: Engine, q: AuditQuery) -> AuditPage:
    """Events matching ``q`` (newest first unless ``order="asc"``) and their total count."""
    for name in ("time_from", "time_to"):
        value = getattr(q, name)
        if value is not None and value.tzinfo is None:
            raise InvalidInputError(f"{name} {value.isoformat()} has no time zone", field=name)
    where = _where(q)
    order = audit_events.c.id.asc() if q.order == "asc" else audit_events.c.id.desc()
    stmt = sa.select(audit_events).where(*where).order_by(order).limit(q.limit).offset(q.offset)
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(audit_events).where(*where))
        rows = conn.execute(stmt).mappings().all()
        count = int(total.scalar_one())
    items = [AuditEvent.model_validate(dict(r)) for r in rows]
    return AuditPage(items=items, total=count, limit=q.limit, offset=q.offset)


def _iter_events(conn: Connection) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        rows = (
            conn.execute(
                sa.select(audit_events)
                .where(audit_events.c.id > last)
                .order_by(audit_events.c.id)
                .limit(_VERIFY_BATCH)
            )
            .mappings()
            .all()
        )
        if not rows:
            return
        yield from (dict(r) for r in rows)
        last = int(rows[-1]["id"])


def verify(engine: Engine, *, anchor: tuple[int, str] | None = None) -> VerifyRead:
    """Walk the whole chain (in batches) and report the first broken event, if any.

    ``anchor`` is an ``(id, hash)`` kept outside the database (see ``walk_chain``).
    """
    with engine.connect() as conn:
        head = conn.execute(
            sa.select(audit_head.c.last_id, audit_head.c.last_hash).where(audit_head.c.k == 1)
        ).first()
        if head is None:
            return VerifyRead(
                ok=False, checked=0, head_id=0, head_hash="", reason="the audit head row is gone"
            )
        report: ChainReport = walk_chain(_iter_events(conn), head=(head[0], head[1]), anchor=anchor)
    broken = report.broken
    return VerifyRead(
        ok=report.ok,
        checked=report.checked,
        head_id=report.head_id,
        head_hash=report.head_hash,
        broken_event_id=broken.event_id if broken else None,
        reason=broken.reason if broken else None,
    )


def to_canonical_details(details: Mapping[str, Any] | None) -> str:
    """The details as hashed (for exports)."""
    return "" if details is None else canonical_json(dict(details))
