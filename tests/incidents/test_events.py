from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from pydantic import ValidationError

from camroute.events.models import Refetch
from camroute.incidents.events import (
    INCIDENT_EVENTS,
    IncidentChanged,
    ViewChanged,
    parse_event,
)
from camroute.incidents.models import IncidentRead, IncidentSummary

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
ROW = {
    "id": "inc-1",
    "call_id": "E-1",
    "hotline": "114",
    "status": "acknowledged",
    "created_at": T0,
    "updated_at": T0,
    "closed_at": None,
    "lon": 106.698,
    "lat": 10.7725,
    "uncertainty_m": 30.0,
    "address": None,
    "ward_code": "26740",
    "ward_name": "Bến Thành",
    "location_count": 2,
    "purged": False,
}


def test_an_incident_event_carries_only_the_list_row() -> None:
    region = {"type": "Polygon", "coordinates": [[[106.0, 10.0]] * 4]}
    incident = IncidentRead(**ROW, location={"region": region}, lookup=None, route=None)
    event = IncidentChanged.of("incident.status", incident)
    assert type(event.incident) is IncidentSummary
    body = orjson.loads(event.to_json())
    assert body["incident"] == orjson.loads(IncidentSummary(**ROW).model_dump_json())
    assert "location" not in body["incident"]  # the region stays with the incident itself
    assert body["incident_id"] == "inc-1"


def test_an_incident_event_names_the_incident_it_carries() -> None:
    with pytest.raises(ValidationError, match="inc-1"):
        IncidentChanged(
            kind="incident.created", incident_id="other", incident=IncidentSummary(**ROW)
        )


@pytest.mark.parametrize(
    "event",
    [
        IncidentChanged(
            kind="incident.created", incident_id="inc-1", incident=IncidentSummary(**ROW)
        ),
        ViewChanged(
            kind="view.revoked", incident_id="inc-1", ticket_id="t1", because="incident_closed"
        ),
        ViewChanged(
            kind="view.opened",
            incident_id="inc-1",
            ticket_id="t1",
            camera_id="CAM-1",
            user="ann",
            expires_at=T0,
        ),
        Refetch(reason="fell_behind"),
    ],
    ids=lambda e: e.kind,
)
def test_each_kind_parses_back_to_its_own_type(event) -> None:
    back = parse_event(event.to_json())
    assert type(back) is type(event)
    assert back == event


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        (b'{"kind": "incident.closed", "incident_id": "i"}', "does not match any of the expected"),
        (b'{"kind": "view.opened", "incident_id": "i"}', "ticket_id"),
        (b'{"kind": "incident.status", "incident_id": "i", "incident": {}}', "call_id"),
        (b'{"incident_id": "i"}', "discriminator"),
        (b"[]", "should be an object"),
        (b"not json", "Invalid JSON"),
    ],
)
def test_a_malformed_payload_is_refused(payload: bytes, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        parse_event(payload)


def test_the_schema_tells_the_kinds_apart() -> None:
    schema = INCIDENT_EVENTS.json_schema()
    mapping = schema["discriminator"]["mapping"]
    assert set(mapping) == {
        "incident.created",
        "incident.updated",
        "incident.status",
        "view.opened",
        "view.renewed",
        "view.ended",
        "view.revoked",
        "refetch",
    }
