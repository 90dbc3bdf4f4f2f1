"""The app factory, health and the problem+json rendering."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel

from camroute.api.problems import Problem
from camroute.app import create_app
from camroute.errors import ConflictError, UpstreamError
from camroute.settings import Settings


class _Body(BaseModel):
    radius_m: float


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    probe = APIRouter()

    @probe.get("/_probe/conflict")
    def conflict() -> None:
        raise ConflictError("camera CAM-1 changed since version 3", field="version")

    @probe.get("/_probe/upstream")
    def upstream() -> None:
        raise UpstreamError("camera CAM-1 did not answer within 2 s")

    @probe.get("/_probe/crash")
    def crash() -> None:
        raise RuntimeError("secret internals at /etc/passwd")

    @probe.post("/_probe/body")
    def body(item: _Body) -> _Body:
        return item

    app.include_router(probe)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_healthz_reports_store(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.json()["store"] == "sqlite"


def test_domain_error_is_problem_json(client: TestClient) -> None:
    r = client.get("/_probe/conflict")
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == "conflict"
    assert body["errors"] == [
        {"field": "version", "reason": "camera CAM-1 changed since version 3"}
    ]
    assert body["instance"] == "/_probe/conflict"


def test_upstream_problem_says_which_camera(client: TestClient) -> None:
    r = client.get("/_probe/upstream")
    assert r.status_code == 502
    assert "CAM-1" in r.json()["detail"]


def test_unexpected_error_hides_internals(client: TestClient) -> None:
    r = client.get("/_probe/crash")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert "passwd" not in r.text
    assert "detail" not in r.json()


def test_validation_error_names_the_field(client: TestClient) -> None:
    r = client.post("/_probe/body", json={"radius_m": "wide"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == "radius_m"


def test_unknown_route_is_problem_json(client: TestClient) -> None:
    r = client.get("/nowhere")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


def test_openapi_declares_problem_json_errors_on_every_operation(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    ref = {"$ref": "#/components/schemas/Problem"}
    assert "Problem" in document["components"]["schemas"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert len(operations) > 20
    for op in operations:
        errors = {c: r for c, r in op["responses"].items() if c[0] in "45"}
        assert {"4XX", "5XX"} <= set(errors), op["operationId"]
        for response in errors.values():
            assert response["content"] == {"application/problem+json": {"schema": ref}}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/cameras", 401),
        ("GET", "/_probe/conflict", 409),
        ("POST", "/_probe/body", 422),
        ("GET", "/_probe/crash", 500),
    ],
)
def test_error_bodies_match_the_declared_problem_model(
    client: TestClient, method: str, path: str, status: int
) -> None:
    resp = client.request(method, path, json={"radius_m": "wide"} if method == "POST" else None)
    assert resp.status_code == status
    assert resp.headers["content-type"] == "application/problem+json"
    Problem.model_validate(resp.json())
