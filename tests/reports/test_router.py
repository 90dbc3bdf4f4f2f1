"""``GET /api/reports/transparency``: auditors only; JSON, CSV or HTML."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.reports.models import TransparencyReport
from camroute.settings import Settings


def test_auditors_get_the_report_in_three_formats(settings: Settings) -> None:
    app = create_app(settings)
    today = datetime.now(UTC).date()
    period = {"from": today.isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    with TestClient(app) as client:
        keys = {
            role: {
                "X-API-Key": create_api_key(
                    app.state.engine, name=role.value, role=role, actor="t", actor_role="t"
                ).key
            }
            for role in (Role.auditor, Role.dispatcher)
        }
        resp = client.get("/api/reports/transparency", params=period, headers=keys[Role.auditor])
        assert resp.status_code == 200, resp.text
        report = TransparencyReport.model_validate(resp.json())
        assert report.audit_chain_ok
        csv = client.get(
            "/api/reports/transparency",
            params={**period, "format": "csv"},
            headers=keys[Role.auditor],
        )
        assert csv.headers["content-type"].startswith("text/csv")
        assert csv.text.startswith("section,key,value")
        page = client.get(
            "/api/reports/transparency",
            params={**period, "format": "html", "lang": "vi"},
            headers=keys[Role.auditor],
        )
        assert page.headers["content-type"].startswith("text/html")
        assert "Chuỗi nhật ký kiểm toán" in page.text
        denied = client.get(
            "/api/reports/transparency", params=period, headers=keys[Role.dispatcher]
        )
        assert denied.status_code == 403
        reversed_period = {"from": period["to"], "to": period["from"]}
        bad = client.get(
            "/api/reports/transparency", params=reversed_period, headers=keys[Role.auditor]
        )
        assert bad.status_code == 422
        assert bad.headers["content-type"].startswith("application/problem+json")
        app.state.camera_index.wait()
