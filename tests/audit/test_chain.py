from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from camroute.audit.chain import (
    GENESIS_HASH,
    canonical_json,
    event_hash,
    format_time,
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
