from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from camroute.audit.chain import (
    GENESIS_HASH,
    HASHED_FIELDS,
    canonical_json,
    event_hash,
    format_time,
    hash_parts,
    walk_chain,
)

T0 = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def _chain(n: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    prev = GENESIS_HASH
    for i in range(1, n + 1):
        e: dict[str, Any] = {
            "id": i,
            "time": T0 + timedelta(seconds=i),
            "actor": f"user{i}",
            "role": "dispatcher",
            "action": "stream_opened",
            "subject": f"CAM-{i}",
            "incident_id": "42",
            "purpose": "caller reports fire",
            "details": {"bytes": i * 1000, "note": "Hà Nội"},
            "prev_hash": prev,
        }
        e["hash"] = event_hash(e, prev)
        prev = e["hash"]
        events.append(e)
    return events


def _head(events: list[dict[str, Any]]) -> tuple[int, str]:
    return (events[-1]["id"], events[-1]["hash"]) if events else (0, GENESIS_HASH)


def test_intact_chain_verifies() -> None:
    events = _chain(5)
    report = walk_chain(events, head=_head(events))
    assert report.ok
    assert report.checked == 5
    assert report.head_id == 5


def test_empty_chain_verifies() -> None:
    assert walk_chain([], head=(0, GENESIS_HASH)).ok


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor", "mallory"),
        ("role", "auditor"),
        ("action", "stream_closed"),
        ("subject", None),
        ("incident_id", "43"),
        ("purpose", ""),
        ("details", {"bytes": 3000, "note": "Hà Nội", "x": 1}),
        ("time", T0 + timedelta(seconds=3, microseconds=1)),
    ],
)
def test_any_edited_field_breaks_that_event(field: str, value: Any) -> None:
    events = _chain(5)
    head = _head(events)
    events[2] = {**events[2], field: value}
    report = walk_chain(events, head=head)
    assert report.broken is not None
    assert report.broken.event_id == 3
    assert "edited" in report.broken.reason
    assert report.checked == 2


def test_edit_with_recomputed_hash_breaks_the_next_link() -> None:
    events = _chain(5)
    head = _head(events)
    forged = {**events[2], "actor": "mallory"}
    forged["hash"] = event_hash(forged, forged["prev_hash"])
    events[2] = forged
    report = walk_chain(events, head=head)
    assert report.broken is not None
    assert report.broken.event_id == 4
    assert "prev_hash" in report.broken.reason


@pytest.mark.parametrize("missing", [1, 3])
def test_deleted_event_is_named(missing: int) -> None:
    events = _chain(5)
    head = _head(events)
    del events[missing - 1]
    report = walk_chain(events, head=head)
    assert report.broken is not None
    assert report.broken.event_id == missing
    assert "missing" in report.broken.reason


def test_deleted_newest_event_is_caught_by_the_head() -> None:
    events = _chain(5)
    head = _head(events)
    report = walk_chain(events[:-1], head=head)
    assert report.broken is not None
    assert report.broken.event_id == 5
    assert "newest events deleted" in report.broken.reason


def test_appended_event_without_head_is_caught() -> None:
    events = _chain(5)
    report = walk_chain(events, head=_head(events[:4]))
    assert report.broken is not None
    assert report.broken.event_id == 5
    assert "appended" in report.broken.reason


def test_head_hash_mismatch_is_caught() -> None:
    events = _chain(3)
    report = walk_chain(events, head=(3, "f" * 64))
    assert report.broken is not None
    assert report.broken.event_id == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            datetime(2026, 11, 22, 8, 0, tzinfo=timezone(timedelta(hours=7))),
            "2026-11-22T01:00:00.000000Z",
        ),
        (datetime(2026, 11, 22, 1, 0, 0, 5, tzinfo=UTC), "2026-11-22T01:00:00.000005Z"),
    ],
)
def test_format_time_is_utc_with_microseconds(value: datetime, expected: str) -> None:
    assert format_time(value) == expected


def test_format_time_refuses_naive() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_time(datetime(2026, 11, 22))


def test_canonical_json_ignores_key_order() -> None:
    assert canonical_json({"b": 1, "a": {"d": 2, "c": 3}}) == canonical_json(
        {"a": {"c": 3, "d": 2}, "b": 1}
    )


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError, match="Out of range"):
        canonical_json({"x": float("nan")})


_TEXT = st.text(max_size=12)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)


@given(
    event_id=st.integers(min_value=1, max_value=2**62),
    actor=_TEXT.filter(bool),
    subject=st.none() | _TEXT,
    details=st.none() | st.dictionaries(_TEXT, _JSON, max_size=4),
)
def test_hash_is_sha256_of_the_whole_canonical_json(
    event_id: int, actor: str, subject: str | None, details: dict[str, Any] | None
) -> None:
    # The three parts PostgreSQL assembles must give the text the chain has always hashed:
    # the canonical JSON of the fields and ``prev_hash`` together (stored chains stay valid).
    event = {"id": event_id, "time": T0, "actor": actor, "role": "dispatcher"}
    event |= {"action": "call_received", "subject": subject, "details": details}
    prev = hashlib.sha256(actor.encode()).hexdigest()
    whole = {name: event.get(name) for name in HASHED_FIELDS} | {"prev_hash": prev}
    whole["time"] = format_time(T0)
    expected = hashlib.sha256(canonical_json(whole).encode("utf-8")).hexdigest()
    assert event_hash(event, prev) == expected
    head, middle, tail = hash_parts(event)
    assert f"{head}{event_id}{middle}{prev}{tail}" == canonical_json(whole)


def test_hashes_of_stored_chains_do_not_change() -> None:
    """Hashes computed by the first release (one dumps per member): stored chains must verify."""
    event = {
        "id": 41,
        "time": datetime(2026, 12, 5, 7, 30, 1, 123456, tzinfo=UTC),
        "actor": "cad:hcm-115",
        "role": "integration",
        "action": "call.received",
        "subject": "incident:7f3c",
        "incident_id": "7f3c",
        "purpose": None,
        "details": {
            "hotline": "115",
            "ward": "Bến Thành",
            "uncertainty_m": 35.0,
            "cameras": ["HCM-1", "HCM-2"],
            "nested": {"b": [1, 2.5, None], "a": 'x"y'},
        },
    }
    assert event_hash(event, GENESIS_HASH) == (
        "e81cb8715e40268fc44b816020f062278a1ba781524a2bbd4555a4c299da899f"
    )
    assert event_hash({**event, "details": None}, "a" * 64) == (
        "0111e4f99873048ddec6a9b334031a1eaf19913600dc5c9fa38815191f8c4f66"
    )


def test_a_member_holding_a_stand_in_is_refused() -> None:
    from camroute.audit import chain

    event = {"id": 1, "time": datetime(2026, 12, 5, tzinfo=UTC), "subject": chain._PREV_MARK}
    with pytest.raises(RuntimeError, match="stand-in"):
        chain.hash_parts(event)
