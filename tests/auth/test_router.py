from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from camroute.auth import service
from camroute.auth.models import MeRead, Role, TokenRead
from camroute.settings import Settings

PROBLEM = "application/problem+json"
ADMIN = {"actor": "cli:root", "actor_role": "cli"}
PASSWORD = "đủ dài để an toàn 2026"


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


def _add(client: TestClient, settings: Settings, name: str, role: Role) -> None:
    service.add_user(_engine(client), settings, name=name, role=role, password=PASSWORD, **ADMIN)


def _login(client: TestClient, name: str, password: str = PASSWORD) -> TokenRead:
    r = client.post("/api/auth/login", data={"username": name, "password": password})
    assert r.status_code == 200, r.text
    return TokenRead.model_validate(r.json())


def test_login_returns_token_and_sets_a_strict_httponly_cookie(
    client: TestClient, auth_settings: Settings
) -> None:
    _add(client, auth_settings, "an", Role.dispatcher)
    r = client.post("/api/auth/login", data={"username": "an", "password": PASSWORD})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["cache-control"] == "no-store"
    body = TokenRead.model_validate(r.json())
    assert body.token_type == "bearer"
    assert body.role is Role.dispatcher
    assert body.expires_at > datetime.now(body.expires_at.tzinfo)
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"camroute_token={body.access_token};")
    for attribute in ("HttpOnly", "SameSite=strict", "Path=/", "Max-Age=28800"):
        assert attribute in cookie
    assert "Secure" not in cookie  # plain http test server; https sets it


def test_cookie_is_secure_when_configured(store_url: str) -> None:
    from tests.auth.conftest import fast_settings

    from camroute.app import create_app

    settings = fast_settings(store_url, cookie_secure=True)
    with TestClient(create_app(settings)) as c:
        _add(c, settings, "an", Role.dispatcher)
        r = c.post("/api/auth/login", data={"username": "an", "password": PASSWORD})
    assert "Secure" in r.headers["set-cookie"]


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"username": "an", "password": "not the password"}, 401),
        ({"username": "ghost", "password": PASSWORD}, 401),
        ({"username": "an"}, 422),
        ({}, 422),
    ],
)
def test_failed_login_is_a_problem(
    client: TestClient, auth_settings: Settings, data: dict[str, str], status: int
) -> None:
    _add(client, auth_settings, "an", Role.dispatcher)
    r = client.post("/api/auth/login", data=data)
    assert r.status_code == status
    assert r.headers["content-type"] == PROBLEM
    assert "set-cookie" not in r.headers
    if status == 401:
        assert r.json()["detail"] == "invalid username or password"
        assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("via", ["bearer", "cookie", "apikey"])
def test_me_with_each_credential(client: TestClient, auth_settings: Settings, via: str) -> None:
    _add(client, auth_settings, "bo", Role.supervisor)
    headers: dict[str, str] = {}
    expected = MeRead(name="bo", role=Role.supervisor, kind="user")
    if via == "bearer":
        headers["Authorization"] = f"Bearer {_login(client, 'bo').access_token}"
        client.cookies.clear()
    elif via == "cookie":
        _login(client, "bo")
    else:
        new = service.create_api_key(_engine(client), name="cad", **ADMIN)
        headers["X-API-Key"] = new.key
        expected = MeRead(name="cad", role=Role.integration, kind="apikey")
    r = client.get("/api/auth/me", headers=headers)
    assert r.status_code == 200
    assert MeRead.model_validate(r.json()) == expected


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": "Basic YW46cGFzcw=="},
        {"X-API-Key": "crk_guessed"},
    ],
)
def test_me_without_valid_credentials_is_401(client: TestClient, headers: dict[str, str]) -> None:
    r = client.get("/api/auth/me", headers=headers)
    assert r.status_code == 401
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["code"] == "unauthenticated"


def test_logout_clears_the_cookie_and_ends_the_session(
    client: TestClient, auth_settings: Settings
) -> None:
    _add(client, auth_settings, "an", Role.dispatcher)
    token = _login(client, "an").access_token
    r = client.post("/api/auth/logout", headers={"Sec-Fetch-Site": "same-origin"})  # the page
    assert r.status_code == 204
    assert 'camroute_token=""' in r.headers["set-cookie"]
    assert "Max-Age=0" in r.headers["set-cookie"]
    client.cookies.clear()
    again = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401


def test_logout_without_credentials_is_harmless(client: TestClient) -> None:
    assert client.post("/api/auth/logout").status_code == 204


def test_disabled_users_token_stops_working(client: TestClient, auth_settings: Settings) -> None:
    _add(client, auth_settings, "an", Role.dispatcher)
    token = _login(client, "an").access_token
    client.cookies.clear()
    service.disable_user(_engine(client), "an", **ADMIN)
    r = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
