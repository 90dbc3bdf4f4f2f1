from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from pydantic import ValidationError

from camroute.events.models import Event, Refetch


def test_an_event_names_its_kind_incident_and_time_in_json() -> None:
    event = Event(kind="k", incident_id="i1")
    body = orjson.loads(event.to_json())
    assert body["kind"] == "k"
    assert body["incident_id"] == "i1"
    assert len(body["id"]) == 32
    assert datetime.fromisoformat(body["at"]).tzinfo is not None


def test_two_events_never_share_an_id() -> None:
    assert Event(kind="k").id != Event(kind="k").id


def test_events_are_frozen_and_refuse_unknown_fields() -> None:
    event = Event(kind="k")
    with pytest.raises(ValidationError, match="frozen"):
        event.kind = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        Event.model_validate({"kind": "k", "data": {}})


def test_a_refetch_stands_in_for_an_event_with_its_identity() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    original = Event(kind="incident.updated", incident_id="i2", id="e2", at=at)
    stand_in = Refetch.standing_in_for(original)
    assert stand_in.model_dump() == {
        "kind": "refetch",
        "reason": "too_large",
        "about": "incident.updated",
        "incident_id": "i2",
        "id": "e2",
        "at": at,
    }


def test_a_refetch_has_a_known_reason() -> None:
    with pytest.raises(ValidationError, match="reason"):
        Refetch.model_validate({"reason": "bored"})
