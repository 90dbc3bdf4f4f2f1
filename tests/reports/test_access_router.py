"""``GET /api/reports/access`` and its events: supervisors and auditors; bad dates are
problems naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.audit.service import record_many
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.reports.models import AccessEvents, AccessReport
from camroute.settings import Settings


@pytest.fixture
def client(settings: Settings) -> Any:
    app = create_app(settings)
    with TestClient(app) as test_client:
        keys = {
            role: {
                "X-API-Key": create_api_key(
                    app.state.engine, name=role.value, role=role, actor="t", actor_role="t"
                ).key
            }
            for role in (Role.supervisor, Role.auditor, Role.dispatcher)
        }
        with app.state.engine.begin() as conn:
            views = [
                {"actor": "an", "role": "dispatcher", "action": "ticket_issued",
                 "subject": f"CAM-{n}", "incident_id": "I1"}
                for n in range(3)
            ]  # fmt: skip
            record_many(conn, views)
        yield test_client, keys
        app.state.camera_index.wait()


def _period() -> dict[str, str]:
    today = datetime.now(UTC).date()
    return {"from": today.isoformat(), "to": (today + timedelta(days=1)).isoformat()}


def test_supervisors_and_auditors_read_the_review_and_its_events(client: Any) -> None:
    test_client, keys = client
    for role in (Role.supervisor, Role.auditor):
        resp = test_client.get("/api/reports/access", params=_period(), headers=keys[role])
        assert resp.status_code == 200, resp.text
        report = AccessReport.model_validate(resp.json())
        (row,) = report.users
        assert (row.user, row.views.count, row.off_ranking.count) == ("an", 3, 3)
        events = test_client.get(row.off_ranking.events_url, headers=keys[role])
        assert events.status_code == 200, events.text
        body = AccessEvents.model_validate(events.json())
        assert [e.id for e in body.items] == row.off_ranking.event_ids
    denied = test_client.get("/api/reports/access", params=_period(), headers=keys[Role.dispatcher])
    assert denied.status_code == 403


def test_csv_and_html(client: Any) -> None:
    test_client, keys = client
    csv = test_client.get(
        "/api/reports/access", params={**_period(), "format": "csv"}, headers=keys[Role.auditor]
    )
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[1].startswith("an,dispatcher,views,3,")
    page = test_client.get(
        "/api/reports/access",
        params={**_period(), "format": "html", "lang": "en"},
        headers=keys[Role.supervisor],
    )
    assert page.headers["content-type"].startswith("text/html")
    assert "Camera access review" in page.text


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/reports/access", {"from": "2026-12-05", "to": "2026-12-04"}, "to"),
        ("/api/reports/access", {"from": "2026-12-04", "to": "2026-12-04"}, "to"),
        ("/api/reports/access", {"from": "2026-13-01", "to": "2026-12-04"}, "from"),
        ("/api/reports/access", {"from": "2026-12-01", "to": "yesterday"}, "to"),
        ("/api/reports/access/events", {"from": "2026-12-05", "to": "2026-12-04",
                                        "user": "an", "figure": "views"}, "to"),
        ("/api/reports/access/events", {"from": "2026-12-01", "to": "2026-12-04",
                                        "user": "an", "figure": "faces"}, "figure"),
    ],
)  # fmt: skip
def test_bad_input_is_a_problem_naming_the_field(
    client: Any, path: str, params: dict[str, str], field: str
) -> None:
    test_client, keys = client
    resp = test_client.get(path, params=params, headers=keys[Role.supervisor])
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")
    problem = resp.json()
    named = [e.get("field") for e in problem.get("errors", [])]
    assert field in named or problem.get("field") == field, problem
