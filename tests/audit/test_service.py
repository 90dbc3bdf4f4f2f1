from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from camroute.audit.chain import GENESIS_HASH, event_hash
from camroute.audit.models import AuditQuery
from camroute.audit.service import (
    Action,
    append_at_commit,
    query,
    record,
    record_many,
    verify,
)
from camroute.audit.tables import audit_events
from camroute.errors import InvalidInputError
from camroute.store.txn import writing


def _fill(engine: Engine, n: int) -> None:
    for i in range(n):
        with engine.begin() as conn:
            record(
                conn,
                actor=f"user{i % 3}",
                role="dispatcher",
                action=Action.stream_opened if i % 2 else Action.ticket_issued,
                subject=f"CAM-{i % 4}",
                incident_id=100 + i % 2,
                purpose="caller reports smoke",
                details={"i": i, "ratio": 0.1 * i, "when": datetime(2026, 11, 22, tzinfo=UTC)},
            )


def _in_threads(write: Callable[[int], None], writers: int) -> list[BaseException]:
    """Run ``write(w)`` for each writer at once; what they raised."""
    errors: list[BaseException] = []

    def run(w: int) -> None:
        try:
            write(w)
        except BaseException as exc:  # pragma: no cover - returned to the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _unguard(engine: Engine) -> None:
    """Tamper like an attacker with database access: switch the append-only triggers off."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
            conn.execute(text("DROP TRIGGER audit_events_no_delete"))


def test_record_returns_the_stored_event(store_engine: Engine) -> None:
    with store_engine.begin() as conn:
        first = record(conn, actor="an", role="dispatcher", action=Action.login_ok)
        second = record(
            conn,
            actor="an",
            role="dispatcher",
            action="ticket_issued",
            subject="CAM-7",
            incident_id=12,
            purpose="fire on Lê Lợi",
            details={"ttl_s": 600},
        )
    assert (first.id, second.id) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert second.incident_id == "12"
    assert second.time.tzinfo is not None
    page = query(store_engine, AuditQuery(order="asc"))
    assert [e.model_dump() for e in page.items] == [first.model_dump(), second.model_dump()]


def test_intact_log_verifies(store_engine: Engine) -> None:
    _fill(store_engine, 12)
    result = verify(store_engine)
    assert result.ok, result
    assert (result.checked, result.head_id) == (12, 12)


def test_empty_log_verifies(store_engine: Engine) -> None:
    result = verify(store_engine)
    assert result.ok
    assert result.checked == 0


def test_rolled_back_event_leaves_no_gap(store_engine: Engine) -> None:
    _fill(store_engine, 2)
    conn = store_engine.connect()
    with conn.begin() as tx:
        record(conn, actor="an", role="dispatcher", action=Action.login_ok)
        tx.rollback()
    conn.close()
    _fill(store_engine, 1)
    result = verify(store_engine)
    assert result.ok
    assert result.head_id == 3


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"]
)
def test_the_table_refuses_updates_and_deletes(store_engine: Engine, statement: str) -> None:
    _fill(store_engine, 2)
    with pytest.raises(DBAPIError, match="append-only"), store_engine.begin() as conn:
        conn.execute(text(statement))
    assert verify(store_engine).ok


TAMPER = [
    ("edit actor", "UPDATE audit_events SET actor = 'mallory' WHERE id = 4", 4, "edited"),
    ("edit purpose", "UPDATE audit_events SET purpose = NULL WHERE id = 2", 2, "edited"),
    ("edit details", "UPDATE audit_events SET details = '{\"i\": 9}' WHERE id = 5", 5, "edited"),
    ("delete middle", "DELETE FROM audit_events WHERE id = 3", 3, "missing"),
    ("delete first", "DELETE FROM audit_events WHERE id = 1", 1, "missing"),
    ("delete newest", "DELETE FROM audit_events WHERE id = 6", 6, "newest events deleted"),
]


@pytest.mark.parametrize(
    ("statement", "broken_id", "reason"),
    [row[1:] for row in TAMPER],
    ids=[row[0] for row in TAMPER],
)
def test_tampering_is_detected(
    store_engine: Engine, statement: str, broken_id: int, reason: str
) -> None:
    _fill(store_engine, 6)
    _unguard(store_engine)
    with store_engine.begin() as conn:
        conn.execute(text(statement))
    result = verify(store_engine)
    assert not result.ok
    assert result.broken_event_id == broken_id
    assert reason in (result.reason or "")


def test_edited_time_is_detected(store_engine: Engine) -> None:
    _fill(store_engine, 4)
    _unguard(store_engine)
    with store_engine.begin() as conn:
        t = conn.execute(sa.select(audit_events.c.time).where(audit_events.c.id == 2)).scalar_one()
        conn.execute(
            sa.update(audit_events)
            .where(audit_events.c.id == 2)
            .values(time=t - timedelta(hours=1))
        )
    result = verify(store_engine)
    assert result.broken_event_id == 2


def test_replaced_row_with_valid_own_hash_is_detected(store_engine: Engine) -> None:
    _fill(store_engine, 5)
    _unguard(store_engine)
    with store_engine.begin() as conn:
        row: dict[str, Any] = dict(
            conn.execute(sa.select(audit_events).where(audit_events.c.id == 3)).mappings().one()
        )
        row["actor"] = "someone_else"
        row["hash"] = event_hash(row, row["prev_hash"])
        conn.execute(sa.delete(audit_events).where(audit_events.c.id == 3))
        conn.execute(sa.insert(audit_events).values(**row))
    result = verify(store_engine)
    assert result.broken_event_id == 4
    assert "prev_hash" in (result.reason or "")


def test_forged_appended_event_is_caught_by_the_head(store_engine: Engine) -> None:
    _fill(store_engine, 3)
    with store_engine.begin() as conn:
        last = dict(
            conn.execute(sa.select(audit_events).where(audit_events.c.id == 3)).mappings().one()
        )
        forged = {**last, "id": 4, "actor": "mallory", "prev_hash": last["hash"]}
        forged["hash"] = event_hash(forged, last["hash"])
        conn.execute(sa.insert(audit_events).values(**forged))
    result = verify(store_engine)
    assert result.broken_event_id == 4
    assert "appended" in (result.reason or "")


def test_concurrent_writers_keep_one_linear_chain(store_engine: Engine) -> None:
    writers, each = 6, 15

    def write(w: int) -> None:
        for i in range(each):
            with store_engine.begin() as conn:
                # A read first: the append must still serialise correctly.
                conn.execute(sa.select(sa.func.count()).select_from(audit_events))
                record(
                    conn,
                    actor=f"w{w}",
                    role="integration",
                    action="call_received",
                    details={"i": i},
                )

    assert _in_threads(write, writers) == []
    result = verify(store_engine)
    assert result.ok, result
    assert result.checked == writers * each


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"actor": "", "role": "dispatcher", "action": "login_ok"}, "actor"),
        ({"actor": "a" * 129, "role": "dispatcher", "action": "login_ok"}, "actor"),
        ({"actor": "an", "role": "dispatcher", "action": "Login OK"}, "action"),
        (
            {"actor": "an", "role": "dispatcher", "action": "login_ok", "subject": "s" * 257},
            "subject",
        ),
        (
            {
                "actor": "an",
                "role": "dispatcher",
                "action": "login_ok",
                "details": {"x": float("inf")},
            },
            "details",
        ),
    ],
)
def test_bad_events_are_refused(store_engine: Engine, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as info, store_engine.begin() as conn:
        record(conn, **kwargs)
    assert info.value.field == field
    assert verify(store_engine).checked == 0


@pytest.mark.parametrize(
    ("q", "expected_ids"),
    [
        (AuditQuery(order="asc"), [1, 2, 3, 4, 5, 6, 7, 8]),
        (AuditQuery(), [8, 7, 6, 5, 4, 3, 2, 1]),
        (AuditQuery(subject="CAM-1", order="asc"), [2, 6]),
        (AuditQuery(actor="user0", order="asc"), [1, 4, 7]),
        (AuditQuery(incident_id="101", order="asc"), [2, 4, 6, 8]),
        (AuditQuery(action="ticket_issued", subject="CAM-2", order="asc"), [3, 7]),
        (AuditQuery(order="asc", limit=3, offset=2), [3, 4, 5]),
        (AuditQuery(subject="CAM-9"), []),
    ],
)
def test_query_filters(store_engine: Engine, q: AuditQuery, expected_ids: list[int]) -> None:
    _fill(store_engine, 8)
    page = query(store_engine, q)
    assert [e.id for e in page.items] == expected_ids
    if q.limit == 3:
        assert page.total == 8


def test_query_time_window(store_engine: Engine) -> None:
    _fill(store_engine, 3)
    events = query(store_engine, AuditQuery(order="asc")).items
    window = AuditQuery(time_from=events[1].time, time_to=events[2].time)
    assert [e.id for e in query(store_engine, window).items] == [2]
    future = AuditQuery(time_from=datetime.now(UTC) + timedelta(hours=1))
    assert query(store_engine, future).total == 0


def test_query_refuses_naive_times(store_engine: Engine) -> None:
    with pytest.raises(InvalidInputError, match="time zone"):
        query(store_engine, AuditQuery(time_from=datetime(2026, 11, 22)))


def test_details_are_stored_exactly_as_hashed(store_engine: Engine) -> None:
    import uuid

    details = {
        "at": datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
        "cameras": ("HCM-2", "HCM-1"),
        "wards": {"26734"},
        "ticket": uuid.UUID(int=7),
        "ratio": 0.1 + 0.2,
        "nested": {"b": [1, None, True], "a": "Thủ Đức"},
    }
    with store_engine.begin() as conn:
        event = record(conn, actor="an", role="dispatcher", action="ticket_issued", details=details)
    assert event.details == {
        "at": "2026-11-22T08:00:00+00:00",
        "cameras": ["HCM-2", "HCM-1"],
        "wards": ["26734"],
        "ticket": "00000000-0000-0000-0000-000000000007",
        "ratio": 0.30000000000000004,
        "nested": {"b": [1, None, True], "a": "Thủ Đức"},
    }
    stored = query(store_engine, AuditQuery()).items[0]
    assert stored.details == event.details
    assert verify(store_engine).ok


def test_record_many_chains_like_one_by_one(store_engine: Engine) -> None:
    from camroute.audit.service import record_many

    _fill(store_engine, 2)
    entries = [
        {"actor": "cad", "role": "integration", "action": Action.call_received, "subject": f"C-{n}"}
        for n in range(3)
    ]
    with store_engine.begin() as conn:
        events = record_many(conn, entries)
        assert record_many(conn, []) == []
    assert [e.id for e in events] == [3, 4, 5]
    assert [e.subject for e in events] == ["C-0", "C-1", "C-2"]
    assert events[1].prev_hash == events[0].hash
    report = verify(store_engine)
    assert (report.ok, report.checked) == (True, 5)
    with store_engine.begin() as conn:  # the head moved past all three: the next one follows
        after = record(conn, actor="x", role="cli", action=Action.ticket_issued)
    assert (after.id, after.prev_hash) == (6, events[2].hash)


def test_record_many_refuses_a_bad_entry_before_writing(store_engine: Engine) -> None:
    from camroute.audit.service import record_many

    good = {"actor": "cad", "role": "integration", "action": Action.call_received}
    with pytest.raises(InvalidInputError, match="action"), store_engine.begin() as conn:
        record_many(conn, [good, {**good, "action": "Not A Name"}])
    assert verify(store_engine).checked == 0


def test_record_many_statements_are_compiled_once(store_engine: Engine) -> None:
    # A multi-row ``insert().values([...])`` has no cache key: it was compiled again on every
    # append, under the head row's lock. Every statement of a repeated append must be a hit.
    from camroute.audit.service import record_many

    entries = [{"actor": "cad", "role": "integration", "action": Action.call_received}] * 3
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: Any) -> None:
        seen.append(context.cache_hit.name)

    with store_engine.begin() as conn:
        record_many(conn, entries)  # compiles (or finds) each statement
    sa.event.listen(store_engine, "after_cursor_execute", note)
    try:
        with store_engine.begin() as conn:
            record_many(conn, entries)
    finally:
        sa.event.remove(store_engine, "after_cursor_execute", note)
    assert seen
    assert all(hit == "CACHE_HIT" for hit in seen), seen
    assert verify(store_engine).checked == 6


def test_appends_at_commit_and_record_many_keep_one_linear_chain(store_engine: Engine) -> None:
    # PostgreSQL numbers and hashes ``append_at_commit``'s events in ``audit_append``; they
    # interleave with Python's appends and must give the same chain ``verify`` walks.
    writers, each = 4, 12
    details = {"ratio": 0.1, "place": "Phường Bến Thành", "nested": [1, None, {"b": True}]}

    def write(w: int) -> None:
        for i in range(each):
            entry = {"actor": f"w{w}", "role": "integration", "action": "call_received"}
            with writing(store_engine) as conn:
                if (w + i) % 2:
                    append_at_commit(conn, [entry, {**entry, "details": {**details, "i": i}}])
                else:
                    record_many(conn, [entry, {**entry, "subject": f"C-{i}"}])

    assert _in_threads(write, writers) == []
    result = verify(store_engine)
    assert result.ok, result
    assert result.checked == writers * each * 2
    page = query(store_engine, AuditQuery(actor="w1", limit=100, order="asc"))
    stored = [e.details for e in page.items if e.details is not None]
    assert stored[0] == {**details, "i": stored[0]["i"]}  # the JSON as given, accents and all


def test_append_at_commit_stores_awkward_text_exactly_as_hashed(store_engine: Engine) -> None:
    # On PostgreSQL ``audit_append`` unpacks the events' JSON; the columns must hold the very
    # strings that were hashed, escapes and all, and a JSON null must be SQL NULL.
    odd = 'Quận 1 "A\\B" \\u0041 tab\there\nline 🚑 \u00e9'
    entry = {"actor": odd, "role": "integration", "action": "call_received"}
    with writing(store_engine) as conn:
        append_at_commit(
            conn,
            [
                {**entry, "subject": odd, "purpose": odd, "incident_id": odd},
                {**entry, "details": {"k": odd, "null": None}},
                {**entry, "details": None},
            ],
        )
    items = query(store_engine, AuditQuery(order="asc")).items
    assert [(e.actor, e.subject, e.purpose, e.incident_id) for e in items[:1]] == [(odd,) * 4]
    assert [e.details for e in items] == [None, {"k": odd, "null": None}, None]
    if store_engine.dialect.name == "postgresql":  # the function's: NULL, not a JSON null
        with store_engine.connect() as conn:
            nulls = sa.select(sa.func.count()).where(audit_events.c.details.is_(None))
            assert conn.execute(nulls).scalar_one() == 2
    report = verify(store_engine)
    assert (report.ok, report.checked) == (True, 3)


def test_append_at_commit_refuses_a_bad_entry_before_writing(store_engine: Engine) -> None:
    good = {"actor": "cad", "role": "integration", "action": Action.call_received}

    def write() -> None:
        with writing(store_engine) as conn:
            conn.execute(sa.select(1))
            append_at_commit(conn, [good, {**good, "subject": "s" * 257}])

    with pytest.raises(InvalidInputError, match="subject"):
        write()
    assert verify(store_engine).checked == 0


def test_append_at_commit_events_commit_with_the_change(store_engine: Engine) -> None:
    good = {"actor": "cad", "role": "integration", "action": Action.call_received}

    def write() -> None:
        with writing(store_engine) as conn:
            append_at_commit(conn, [good])
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        write()
    assert verify(store_engine).checked == 0
    with writing(store_engine) as conn:
        append_at_commit(conn, [good, good])
        append_at_commit(conn, [])
    report = verify(store_engine)
    assert (report.ok, report.checked, report.head_id) == (True, 2, 2)


def test_append_at_commit_refuses_a_transaction_writing_did_not_open(store_engine: Engine) -> None:
    good = {"actor": "cad", "role": "integration", "action": Action.call_received}
    with store_engine.begin() as conn, pytest.raises(RuntimeError, match="writing"):
        append_at_commit(conn, [good])
    assert verify(store_engine).checked == 0


def test_details_refuse_integers_the_store_would_read_back_as_floats(store_engine: Engine) -> None:
    # orjson reads an integer wider than 64 bits back as a float: stored, the event would fail
    # its own hash and verify would report tampering. Refused before anything is written.
    entry = {"actor": "cad", "role": "integration", "action": Action.call_received}
    widest = {"low": -(2**63), "high": 2**64 - 1, "text": "Thủ Đức"}

    def append(details: dict[str, Any]) -> None:
        with writing(store_engine) as conn:
            append_at_commit(conn, [{**entry, "details": details}])

    with pytest.raises(InvalidInputError, match="64 bits"):
        append({"big": 2**70})
    with pytest.raises(InvalidInputError, match="64 bits"), store_engine.begin() as conn:
        record(conn, **entry, details={"nested": [-(2**63) - 1]})
    append(widest)
    report = verify(store_engine)
    assert (report.ok, report.checked) == (True, 1)
    (stored,) = query(store_engine, AuditQuery(actor="cad")).items
    assert stored.details == widest
