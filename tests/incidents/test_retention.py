from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from camroute.audit.service import verify
from camroute.cli import app as cli
from camroute.incidents.retention import run_retention
from camroute.incidents.service import get_incident

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
