"""Cookie-authenticated writes must come from the app's own origin; keys and bearers need not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.auth.conftest import fast_settings

from camroute.app import create_app
from camroute.auth import service
from camroute.auth.models import Role
from camroute.settings import Settings

PASSWORD = "đủ dài để an toàn 2026"
ADMIN = {"actor": "cli:root", "actor_role": "cli"}
OWN = "http://testserver"  # TestClient's origin
# A dispatcher's write that passes auth and then finds nothing: 404 means "let through".
WRITE = ("PATCH", "/api/incidents/INC-NONE", {"status": "acknowledged"})


@pytest.fixture
def cookie_client(settings: Settings) -> Iterator[TestClient]:
    """A client holding a dispatcher's login cookie (and nothing else)."""
    app_settings = fast_settings(settings.database_url)
    with TestClient(create_app(app_settings)) as c:
        engine: Engine = c.app.state.engine  # type: ignore[attr-defined]
        service.add_user(
            engine, app_settings, name="an", role=Role.dispatcher, password=PASSWORD, **ADMIN
        )
        r = c.post("/api/auth/login", data={"username": "an", "password": PASSWORD})
        assert r.status_code == 200
        assert "camroute_token" in c.cookies
        yield c


def _write(c: TestClient, headers: dict[str, str]) -> tuple[int, dict[str, object]]:
    method, path, body = WRITE
    r = c.request(method, path, json=body, headers=headers)
    return r.status_code, r.json()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "https://testserver"},  # another scheme is another origin
        {"Origin": "null"},
        {},  # neither header: not provably ours
        {"Sec-Fetch-Site": "cross-site", "Origin": OWN},  # Sec-Fetch-Site wins
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is not us
    ],
)
def test_cookie_write_from_elsewhere_is_refused(
    cookie_client: TestClient, headers: dict[str, str]
) -> None:
    status, body = _write(cookie_client, headers)
    assert status == 403
    assert body["code"] == "cross_origin_refused"
    assert body["errors"][0]["field"] in ("Origin", "Sec-Fetch-Site")  # type: ignore[index]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": OWN},
        {"Origin": "http://testserver:80"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_cookie_write_from_the_app_itself_passes(
    cookie_client: TestClient, headers: dict[str, str]
) -> None:
    status, body = _write(cookie_client, headers)
    assert status == 404, body


def test_cookie_read_from_elsewhere_is_not_a_write(cookie_client: TestClient) -> None:
    r = cookie_client.get("/api/auth/me", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200


def test_cross_origin_logout_is_refused_and_the_session_lives(cookie_client: TestClient) -> None:
    r = cookie_client.post("/api/auth/logout", headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert cookie_client.get("/api/auth/me").status_code == 200
    r = cookie_client.post("/api/auth/logout", headers={"Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 204


def test_api_key_and_bearer_writes_need_no_origin(cookie_client: TestClient) -> None:
    engine: Engine = cookie_client.app.state.engine  # type: ignore[attr-defined]
    key = service.create_api_key(engine, name="cad", role=Role.integration, **ADMIN).key
    cookie_client.cookies.clear()
    call = {"call_id": "C-1", "hotline": "113", "location": {"lon": 106.7, "lat": 10.77}}
    r = cookie_client.post("/api/calls", json=call, headers={"X-API-Key": key})
    assert r.status_code == 201, r.text
    r = cookie_client.post(
        "/api/calls", json=call, headers={"X-API-Key": key, "Origin": "https://evil.example"}
    )
    assert r.status_code == 200, r.text  # the repeat of the same call
    token = cookie_client.post(
        "/api/auth/login", data={"username": "an", "password": PASSWORD}
    ).json()["access_token"]
    cookie_client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}", "Origin": "https://evil.example"}
    status, _ = _write(cookie_client, bearer)
    assert status == 404
