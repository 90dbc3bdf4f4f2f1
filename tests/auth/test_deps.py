from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from tests.auth.conftest import fast_settings

from camroute.app import create_app
from camroute.auth import service
from camroute.auth.deps import PrincipalDep, require_roles
from camroute.auth.models import Role
from camroute.settings import Settings

ADMIN = {"actor": "cli:root", "actor_role": "cli"}
PASSWORD = "deps test password"


def test_require_roles_needs_a_role() -> None:
    with pytest.raises(ValueError, match="at least one role"):
        require_roles()


def test_require_roles_exposes_its_roles() -> None:
    dep = require_roles(Role.auditor, Role.supervisor)
    assert dep.required_roles == {Role.auditor, Role.supervisor}  # type: ignore[attr-defined]


@pytest.fixture
def probe_client(tmp_path: Path) -> Iterator[TestClient]:
    settings: Settings = fast_settings(f"sqlite:///{tmp_path}/deps.db")
    app = create_app(settings)
    probe = APIRouter()

    @probe.get("/probe", dependencies=[Depends(require_roles(Role.gis_admin))])
    def who(principal: PrincipalDep) -> dict[str, str]:
        return {"name": principal.name, "kind": principal.kind}

    app.include_router(probe)
    with TestClient(app) as client:
        engine = app.state.engine
        for name, role in (("gis", Role.gis_admin), ("dis", Role.dispatcher)):
            service.add_user(engine, settings, name=name, role=role, password=PASSWORD, **ADMIN)
        yield client


def _bearer(client: TestClient, name: str) -> dict[str, str]:
    r = client.post("/api/auth/login", data={"username": name, "password": PASSWORD})
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_allowed_role_reaches_the_route(probe_client: TestClient) -> None:
    r = probe_client.get("/probe", headers=_bearer(probe_client, "gis"))
    assert r.status_code == 200
    assert r.json() == {"name": "gis", "kind": "user"}


def test_wrong_role_gets_a_403_naming_the_roles(probe_client: TestClient) -> None:
    r = probe_client.get("/probe", headers=_bearer(probe_client, "dis"))
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == "forbidden"
    assert "gis_admin" in body["detail"]
    assert body["errors"] == [{"field": "role", "reason": "requires one of: gis_admin"}]


def test_a_bad_api_key_is_401_even_beside_a_good_token(probe_client: TestClient) -> None:
    headers = {**_bearer(probe_client, "gis"), "X-API-Key": "crk_wrong"}
    r = probe_client.get("/probe", headers=headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
