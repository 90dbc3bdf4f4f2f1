"""``GET /api/lookup`` and ``GET /api/geocode`` over HTTP (layers loaded in the lifespan)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.areas.models import AreaFeature, GeocodeResult, LocationReport
from camroute.areas.store import write_features
from camroute.auth.deps import Role
from camroute.auth.service import create_api_key
from camroute.settings import Settings
from camroute.store import make_engine, migrate

Api = tuple[TestClient, dict[str, str]]


def _client(db: Path, role: Role) -> Iterator[Api]:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db}")  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        new = create_api_key(
            client.app.state.engine,
            name=f"key-{role.value}",
            role=role,  # type: ignore[attr-defined]
            actor="test",
            actor_role="gis_admin",
        )
        yield client, {"X-API-Key": new.key}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, real_features: list[AreaFeature]) -> Path:
    path = tmp_path_factory.mktemp("areas") / "camroute.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    keep = [f for f in real_features if f.kind in ("admin", "stations", "streets")]
    write_features(engine, [f for f in keep if f.level != "district"])
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def api(db: Path) -> Iterator[Api]:
    yield from _client(db, Role.dispatcher)


def test_lookup(api: Api) -> None:
    client, headers = api
    r = client.get(
        "/api/lookup",
        params={
            "lon": 106.6558163578523,
            "lat": 20.86736300000007,
            "at": "2026-01-01T07:00:00+07:00",
        },
        headers=headers,
    )
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    report = LocationReport.model_validate(r.json())
    assert report.admin["ward"].name == "Phường Hồng Bàng"
    assert report.services["113"].name in {"Hồng Bàng", "Đội CSGT ĐB Số 1"}
    assert r.json()["at"] == "2026-01-01T00:00:00Z"


def test_lookup_helsinki_street(api: Api) -> None:
    client, headers = api
    r = client.get("/api/lookup", params={"lon": 24.945, "lat": 60.17}, headers=headers)
    body = r.json()
    assert r.status_code == 200
    assert body["street"]["name"] == "Mikonkatu"
    assert sorted(body["intersection"]["names"]) == ["Mikonkatu", "Yliopistonkatu"]
    assert body["inside_admin"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lon": 200, "lat": 10}, "lon"),
        ({"lon": 106.7}, "lat"),
        ({"lon": "abc", "lat": 10}, "lon"),
        ({"lon": 106.7, "lat": 10.7, "at": "2026-01-01T00:00:00"}, "at"),
        ({"lon": 106.7, "lat": 10.7, "at": "yesterday"}, "at"),
    ],
)
def test_lookup_bad_input_is_a_422_problem(api: Api, params: dict[str, object], field: str) -> None:
    client, headers = api
    r = client.get("/api/lookup", params=params, headers=headers)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert field in {e["field"] for e in r.json()["errors"]}


def test_geocode(api: Api) -> None:
    client, headers = api
    r = client.get(
        "/api/geocode", params={"q": "mikonkatu - yliopistonkatu", "limit": 3}, headers=headers
    )
    assert r.status_code == 200
    result = GeocodeResult.model_validate(r.json())
    assert result.candidates[0].kind == "intersection"
    assert len(result.candidates) <= 3


def test_geocode_no_match_is_200_with_an_empty_list(api: Api) -> None:
    client, headers = api
    r = client.get("/api/geocode", params={"q": "qwxz zzkq"}, headers=headers)
    assert (r.status_code, r.json()["candidates"]) == (200, [])


@pytest.mark.parametrize(
    "params", [{"q": ""}, {"q": "x" * 501}, {"q": "le loi", "limit": 0}, {"q": "a", "limit": 99}]
)
def test_geocode_bad_input(api: Api, params: dict[str, object]) -> None:
    client, headers = api
    r = client.get("/api/geocode", params=params, headers=headers)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"


def test_without_credentials_is_401(api: Api) -> None:
    client, _ = api
    assert client.get("/api/geocode", params={"q": "x"}).status_code == 401


@pytest.mark.parametrize(("role", "status"), [(Role.integration, 200), (Role.auditor, 403)])
def test_roles(tmp_path: Path, role: Role, status: int) -> None:
    for client, headers in _client(tmp_path / "roles.db", role):
        assert (
            client.get("/api/lookup", params={"lon": 1, "lat": 1}, headers=headers).status_code
            == status
        )
