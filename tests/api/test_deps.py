"""Paging offsets are bounded: a huge one is a 422 naming ``offset``, never a driver overflow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from camroute.api.deps import MAX_OFFSET
from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.settings import Settings

PAGED = [
    ("/api/cameras", Role.gis_admin),
    ("/api/collections/cameras/items", Role.gis_admin),
    ("/api/incidents", Role.supervisor),
    ("/api/audit", Role.auditor),
]


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, dict[Role, str]]]:
    db = tmp_path_factory.mktemp("deps") / "camroute.db"
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db}")  # type: ignore[call-arg]
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        engine = c.app.state.engine  # type: ignore[attr-defined]
        keys = {
            role: create_api_key(
                engine, name=f"d-{role.value}", role=role, actor="t", actor_role="t"
            ).key
            for role in Role
        }
        yield c, keys


@pytest.mark.parametrize(("path", "role"), PAGED)
@pytest.mark.parametrize("offset", [2**63, 2**63 - 1, MAX_OFFSET + 1])
def test_offset_beyond_the_bound_is_422(
    client: tuple[TestClient, dict[Role, str]], path: str, role: Role, offset: int
) -> None:
    c, keys = client
    resp = c.get(path, params={"offset": offset}, headers={"X-API-Key": keys[role]})
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.json()["errors"][0]["field"] == "offset"


@pytest.mark.parametrize(("path", "role"), PAGED)
def test_offset_at_the_bound_is_an_empty_page(
    client: tuple[TestClient, dict[Role, str]], path: str, role: Role
) -> None:
    c, keys = client
    resp = c.get(path, params={"offset": MAX_OFFSET}, headers={"X-API-Key": keys[role]})
    assert resp.status_code == 200, resp.text


def test_bound_is_documented(client: tuple[TestClient, dict[Role, str]]) -> None:
    c, _ = client
    params = c.get("/openapi.json").json()["paths"]["/api/cameras"]["get"]["parameters"]
    offset = next(p for p in params if p["name"] == "offset")
    assert offset["schema"]["maximum"] == MAX_OFFSET
