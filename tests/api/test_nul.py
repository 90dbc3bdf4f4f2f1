"""A NUL (U+0000) anywhere a request string enters is one 422 naming the field, on both stores.

PostgreSQL cannot store a NUL in text (a 500, and the call lost); SQLite stores it. Each case
here runs on both: the answer must be the same 422, and nothing may be stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from camroute.app import create_app
from camroute.audit.tables import audit_events
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.settings import Settings

PROBLEM = "application/problem+json"
ADMIN = {"actor": "cli:root", "actor_role": "cli"}
REASON = "contains a NUL character (U+0000)"
PIDF = Path(__file__).parents[1] / "data/location/constructed_pidflo_circle_hcmc_vi_civic.xml"


@pytest.fixture
def api(store_url: str) -> Iterator[tuple[TestClient, dict[Role, dict[str, str]]]]:
    settings = Settings(_env_file=None, database_url=store_url)  # type: ignore[call-arg]
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
        keys = {
            role: {"X-API-Key": create_api_key(engine, name=role.value, role=role, **ADMIN).key}
            for role in (Role.integration, Role.dispatcher, Role.auditor)
        }
        yield client, keys


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


def _audit_count(client: TestClient) -> int:
    with _engine(client).connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_events)).scalar_one())


def _assert_nul_problem(r: httpx.Response, field: str) -> dict[str, Any]:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == PROBLEM
    body: dict[str, Any] = r.json()
    assert body["code"] == "invalid_input"
    assert body["errors"] == [{"field": field, "reason": f"{field}: {REASON}"}]
    return body


@pytest.mark.parametrize(
    ("call", "field"),
    [
        ({"call_id": "C-1", "hotline": "115", "address": "12 Lê Lợi\u0000, Bến Thành"}, "address"),
        ({"call_id": "C-\u0000", "hotline": "115", "address": "12 Lê Lợi"}, "call_id"),
        (
            {"call_id": "C-1", "hotline": "113", "location": "geo:10.77,106.70\u0000;u=30"},
            "location",
        ),
    ],
)
def test_call_with_nul_is_refused_and_nothing_is_stored(
    api: tuple[TestClient, dict[Role, dict[str, str]]], call: dict[str, Any], field: str
) -> None:
    client, keys = api
    before = _audit_count(client)
    r = client.post("/api/calls", json=call, headers=keys[Role.integration])
    _assert_nul_problem(r, field)
    listed = client.get("/api/incidents", headers=keys[Role.dispatcher]).json()
    assert listed["total"] == 0
    assert _audit_count(client) == before


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_login_with_nul_in_the_user_name_is_422(
    api: tuple[TestClient, dict[Role, dict[str, str]]], encoding: str
) -> None:
    client, _ = api
    form = {"username": "an\u0000admin", "password": "long enough password"}
    if encoding == "urlencoded":
        r = client.post("/api/auth/login", data=form)
    else:
        r = client.post("/api/auth/login", files={k: (None, v) for k, v in form.items()})
    _assert_nul_problem(r, "username")


def test_nul_in_a_path_parameter_names_it(
    api: tuple[TestClient, dict[Role, dict[str, str]]],
) -> None:
    client, keys = api
    r = client.get("/api/cameras/CAM%00X", headers=keys[Role.dispatcher])
    _assert_nul_problem(r, "camera_id")


def test_nul_in_a_query_parameter_names_it(
    api: tuple[TestClient, dict[Role, dict[str, str]]],
) -> None:
    client, keys = api
    r = client.get("/api/audit", params={"user": "an\u0000"}, headers=keys[Role.auditor])
    _assert_nul_problem(r, "user")


def test_nul_in_a_nested_json_field_names_its_path(
    api: tuple[TestClient, dict[Role, dict[str, str]]],
) -> None:
    client, keys = api
    body = {"lon": 106.7, "lat": 10.77, "civic": {"A1": "VN", "RD": ["Lê Lợi", "x\u0000"]}}
    r = client.post("/api/locate", json=body, headers=keys[Role.dispatcher])
    _assert_nul_problem(r, "civic.RD.1")


def test_nul_inside_a_pidf_body_is_a_location_parse_error(
    api: tuple[TestClient, dict[Role, dict[str, str]]],
) -> None:
    client, keys = api
    xml = PIDF.read_bytes().replace(b"</gml:pos>", b"\x00</gml:pos>", 1)
    headers = {**keys[Role.dispatcher], "Content-Type": "application/pidf+xml"}
    r = client.post("/api/locate", content=xml, headers=headers)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "location_parse_error"
    assert "NUL character (U+0000)" in body["detail"]


def test_json_without_nul_passes_untouched(
    api: tuple[TestClient, dict[Role, dict[str, str]]],
) -> None:
    client, keys = api
    call = {"call_id": "C-2", "hotline": "115", "location": {"lon": 106.7, "lat": 10.77}}
    r = client.post(
        "/api/calls", json={**call, "address": "a \\u0000 in words"}, headers=keys[Role.integration]
    )
    assert r.status_code == 201, r.text
    assert r.json()["address"] == "a \\u0000 in words"
