from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from camroute.app import create_app
from camroute.audit.models import AuditPage, VerifyRead
from camroute.audit.service import Action, record
from camroute.auth import service
from camroute.auth.models import Role
from camroute.settings import Settings

ADMIN = {"actor": "cli:root", "actor_role": "cli"}
SECRET = "audit-router-test-key-" + "y" * 32


@pytest.fixture
def client(store_url: str) -> Iterator[TestClient]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=store_url,
        password_hash_time_cost=1,
        password_hash_memory_kib=64,
        jwt_secret=SECRET,
    )
    with TestClient(create_app(settings)) as c:
        engine: Engine = c.app.state.engine  # type: ignore[attr-defined]
        for name, role in (("au", Role.auditor), ("di", Role.dispatcher), ("su", Role.supervisor)):
            service.add_user(engine, settings, name=name, role=role, password="p" * 16, **ADMIN)
        with engine.begin() as conn:
            for i in range(5):
                record(
                    conn,
                    actor="di",
                    role="dispatcher",
                    action=Action.stream_opened,
                    subject=f"CAM-{i % 2}",
                    incident_id=7 + i % 2,
                    purpose='=HYPERLINK("http://evil")' if i == 4 else "smoke seen",
                    details={"bytes": i},
                )
        yield c


def _as(client: TestClient, name: str) -> dict[str, str]:
    r = client.post("/api/auth/login", data={"username": name, "password": "p" * 16})
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"camera": "CAM-1"}, 2),
        ({"user": "di"}, 5),
        ({"incident": "8"}, 2),
        ({"action": "user_changed"}, 3),
        ({"camera": "CAM-0", "incident": "7"}, 3),
        ({"from": "2099-01-01T00:00:00Z"}, 0),
    ],
)
def test_auditor_filters(client: TestClient, params: dict[str, str], count: int) -> None:
    r = client.get("/api/audit", params=params, headers=_as(client, "au"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    page = AuditPage.model_validate(r.json())
    assert page.total == count
    assert len(page.items) == count


def test_newest_first_and_paging(client: TestClient) -> None:
    headers = _as(client, "au")
    page = AuditPage.model_validate(
        client.get("/api/audit", params={"limit": 2, "offset": 1}, headers=headers).json()
    )
    assert page.limit == 2
    ids = [e.id for e in page.items]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == 2
    assert page.total > 2


@pytest.mark.parametrize(
    ("params", "headers"),
    [({"format": "csv"}, {}), ({}, {"Accept": "text/csv"})],
)
def test_csv_export(client: TestClient, params: dict[str, str], headers: dict[str, str]) -> None:
    r = client.get(
        "/api/audit",
        params={"camera": "CAM-0", "order": "asc", **params},
        headers={**_as(client, "au"), **headers},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["subject"] for row in rows] == ["CAM-0"] * 3
    assert rows[0]["details"] == '{"bytes":0}'
    assert rows[-1]["purpose"].startswith("'=")  # no formula reaches a spreadsheet
    assert len(rows[0]["hash"]) == 64


def test_verify_endpoint(client: TestClient) -> None:
    headers = _as(client, "au")
    ok = VerifyRead.model_validate(client.get("/api/audit/verify", headers=headers).json())
    assert ok.ok
    anchor = {"anchor": f"{ok.head_id}:{ok.head_hash}"}
    assert client.get("/api/audit/verify", params=anchor, headers=headers).json()["ok"]
    wrong = {"anchor": f"{ok.head_id}:{'0' * 64}"}
    assert not client.get("/api/audit/verify", params=wrong, headers=headers).json()["ok"]
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("UPDATE audit_events SET purpose = 'nothing' WHERE id = 5"))
    broken = VerifyRead.model_validate(client.get("/api/audit/verify", headers=headers).json())
    assert not broken.ok
    assert broken.broken_event_id == 5


@pytest.mark.parametrize("user", ["di", "su"])
def test_other_roles_are_forbidden(client: TestClient, user: str) -> None:
    r = client.get("/api/audit", headers=_as(client, user))
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    assert "auditor" in r.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": "0"}, "limit"), ({"from": "yesterday"}, "from"), ({"format": "xml"}, "format")],
    ids=["limit", "from", "format"],
)
def test_bad_filters_are_422(client: TestClient, params: dict[str, str], field: str) -> None:
    r = client.get("/api/audit", params=params, headers=_as(client, "au"))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == field


def test_bad_anchor_is_422(client: TestClient) -> None:
    r = client.get("/api/audit/verify", params={"anchor": "3:nothex"}, headers=_as(client, "au"))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "anchor"
