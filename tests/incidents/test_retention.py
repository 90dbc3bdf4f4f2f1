from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import orjson
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from camroute.audit.service import verify
from camroute.audit.tables import audit_events
from camroute.cli import app as cli
from camroute.incidents.retention import run_retention
from camroute.incidents.service import get_incident
from camroute.incidents.tables import incident_locations, incidents

LOC = {"lon": 106.698, "lat": 10.7725, "uncertainty_m": 35}


def _open(api, call_id: str) -> str:
    body = {"call_id": call_id, "hotline": "114", "location": LOC}
    return str(api.client.post("/api/calls", json=body, headers=api.as_("cad")).json()["id"])


def _close(api, incident_id: str) -> None:
    resp = api.client.patch(
        f"/api/incidents/{incident_id}", json={"status": "closed"}, headers=api.as_("ann")
    )
    assert resp.status_code == 200


@pytest.mark.parametrize(
    ("days", "age", "purged"),
    [(30, timedelta(days=31), True), (30, timedelta(days=29), False), (0, timedelta(0), True)],
)
def test_closed_incidents_lose_precise_locations_after_the_period(
    api_with_layers, days, age, purged
) -> None:
    api = api_with_layers
    engine = api.app.state.engine
    closed, still_open = _open(api, "R-1"), _open(api, "R-2")
    api.client.post(
        "/api/calls",
        headers=api.as_("cad"),
        json={"call_id": "R-1", "hotline": "114", "location": {**LOC, "lon": 106.699}},
    )
    _close(api, closed)
    now = datetime.now(UTC) + age + timedelta(seconds=1)
    report = run_retention(engine, days=days, actor="test", now=now)
    assert report.incidents == int(purged)
    assert report.locations == (2 if purged else 0)
    after = get_incident(engine, closed)
    assert after.purged is purged
    assert (after.lon is None) is purged
    assert (after.location is None) is purged
    assert (after.lookup is None) is purged
    assert all((h.lat is None) is purged for h in after.history or [])
    assert after.ward_name == "Phường Bến Thành"
    assert (after.hotline, after.status) == ("114", "closed")
    assert after.closed_at is not None
    assert get_incident(engine, still_open).lon == LOC["lon"]
    assert verify(engine).ok


def test_negative_days_are_refused(api) -> None:
    with pytest.raises(ValueError, match="days"):
        run_retention(api.app.state.engine, days=-1, actor="test")


def test_retention_cli(store_url: str) -> None:
    result = CliRunner().invoke(cli, ["retention", "run", "--db", store_url, "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "purged 0 incidents" in result.output


def _plain_hashes(call: dict[str, object]) -> set[str]:
    """SHA-256 of every serialisation of the call's location a guesser would try."""
    loc = {"uncertainty_m": 0.0, **call["location"]}  # type: ignore[dict-item]
    loc_f = {k: float(v) for k, v in loc.items()}  # type: ignore[arg-type]
    bodies: list[bytes] = []
    for loc_v in (call["location"], loc, loc_f):
        for extra in ({}, {"content_type": None, "address": None}):
            body = {"location": loc_v, **extra}
            bodies += [
                orjson.dumps(body, option=orjson.OPT_SORT_KEYS),
                json.dumps(body, sort_keys=True).encode(),
                json.dumps(body, sort_keys=True, separators=(",", ":")).encode(),
                orjson.dumps(loc_v, option=orjson.OPT_SORT_KEYS),
                json.dumps(loc_v, sort_keys=True).encode(),
            ]
    lon, lat = loc["lon"], loc["lat"]
    bodies += [f"{lon},{lat}".encode(), f"{lat},{lon}".encode(), f"POINT ({lon} {lat})".encode()]
    return {hashlib.sha256(b).hexdigest() for b in bodies}


def _raw_rows(engine, incident_id: str) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = [
            dict(
                conn.execute(sa.select(incidents).where(incidents.c.id == incident_id))
                .mappings()
                .one()
            )
        ]
        loc = incident_locations.c.incident_id == incident_id
        rows += [dict(r) for r in conn.execute(sa.select(incident_locations).where(loc)).mappings()]
    return rows


def test_a_purged_incident_keeps_no_location_nor_a_hash_of_it(api_with_layers) -> None:
    api, engine = api_with_layers, api_with_layers.app.state.engine
    call = {"call_id": "P-1", "hotline": "114", "location": LOC}
    incident_id = api.client.post("/api/calls", json=call, headers=api.as_("cad")).json()["id"]
    moved = {**call, "location": {**LOC, "lon": 106.699}}
    assert api.client.post("/api/calls", json=moved, headers=api.as_("cad")).status_code == 200
    plain = _plain_hashes(call) | _plain_hashes(moved)
    before = json.dumps(_raw_rows(engine, incident_id), default=str)
    assert not any(h in before for h in plain)  # keyed even before the purge
    _close(api, incident_id)
    run_retention(engine, days=0, actor="test", now=datetime.now(UTC) + timedelta(seconds=1))
    rows = _raw_rows(engine, incident_id)
    assert len(rows) == 3
    assert all(row["fingerprint"] is None for row in rows)
    text = json.dumps(rows, default=str)
    assert "106.69" not in text
    assert "10.772" not in text
    assert not any(h in text for h in plain)
    with engine.connect() as conn:
        audit = json.dumps(
            [dict(r) for r in conn.execute(sa.select(audit_events)).mappings()], default=str
        )
    assert "106.69" not in audit
    assert "10.772" not in audit
    assert not any(h in audit for h in plain)
    assert verify(engine).ok


def test_a_repeat_is_recognised_until_the_purge_then_refused_as_closed(api_with_layers) -> None:
    api, engine = api_with_layers, api_with_layers.app.state.engine
    call = {"call_id": "P-2", "hotline": "114", "location": LOC}
    incident_id = api.client.post("/api/calls", json=call, headers=api.as_("cad")).json()["id"]
    _close(api, incident_id)
    assert api.client.post("/api/calls", json=call, headers=api.as_("cad")).status_code == 200
    run_retention(engine, days=0, actor="test", now=datetime.now(UTC) + timedelta(seconds=1))
    again = api.client.post("/api/calls", json=call, headers=api.as_("cad"))
    assert again.status_code == 409
    assert again.json()["code"] == "incident_closed"
