"""``POST /api/locate`` over HTTP: content types, problems, size limit, roles."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.auth.deps import Role
from camroute.auth.service import create_api_key
from camroute.location import CallerLocation
from camroute.settings import Settings

Vector = Callable[[str], bytes]
MAX_BODY = 64 * 1024


def _client(tmp_path: Path, role: Role) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'camroute.db'}",
        max_body_bytes=MAX_BODY,
    )
    with TestClient(create_app(settings)) as client:
        new = create_api_key(
            client.app.state.engine,  # type: ignore[attr-defined]
            name=f"key-{role.value}",
            role=role,
            actor="test",
            actor_role="gis_admin",
        )
        yield client, {"X-API-Key": new.key}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """One app for the module (the route is stateless)."""
    yield from _client(tmp_path_factory.mktemp("locate"), Role.integration)


@pytest.mark.parametrize(
    ("name", "content_type", "fmt", "shape"),
    [
        ("pidflo_circle_rfc5491.xml", "application/pidf+xml", "pidf-lo", "circle"),
        ("lost_findService_ellipse_orient90.xml", "application/lost+xml", "pidf-lo", "ellipse"),
        ("constructed_aml_sms_v1_danang.txt", "text/plain", "aml", "circle"),
        ("aml_https_uk_full.txt", "application/x-www-form-urlencoded", "aml", "circle"),
        ("pflau_arcband_sample.json", "application/json", "json", "arcband"),
    ],
)
def test_locate_returns_the_caller_location(
    api: tuple[TestClient, dict[str, str]],
    vector: Vector,
    name: str,
    content_type: str,
    fmt: str,
    shape: str,
) -> None:
    client, headers = api
    r = client.post(
        "/api/locate", content=vector(name), headers={**headers, "Content-Type": content_type}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    body = CallerLocation.model_validate(r.json())
    assert (body.format, body.shape) == (fmt, shape)
    assert r.json()["region"]["type"] == "Polygon"


def test_locate_json_time_is_utc(api: tuple[TestClient, dict[str, str]], vector: Vector) -> None:
    client, headers = api
    r = client.post(
        "/api/locate",
        content=vector("constructed_pidflo_circle_hcmc_vi_civic.xml"),
        headers={**headers, "Content-Type": "application/pidf+xml"},
    )
    assert r.json()["time"] == "2025-07-01T01:00:00Z"
    assert r.json()["civic"]["A3"] == "Phường Bến Thành"


@pytest.mark.parametrize(
    ("body", "content_type", "code", "field"),
    [
        (b"<presence", "application/pidf+xml", "location_parse_error", "body"),
        (b"geo:10.7,106.7", "application/json", "location_parse_error", "content_type"),
        ("12 Lê Lợi, Bến Thành".encode(), "text/plain", "needs_geocoding", "body"),
        (b"", "text/plain", "location_parse_error", "body"),
        (
            b'A"ML=1;lt=+00.00000;lg=+000.00000;rd=N;top=20130717141935;lc=90;pm=N',
            "text/plain",
            "location_parse_error",
            "aml.pm",
        ),
    ],
)
def test_bad_body_is_a_422_problem(
    api: tuple[TestClient, dict[str, str]], body: bytes, content_type: str, code: str, field: str
) -> None:
    client, headers = api
    r = client.post("/api/locate", content=body, headers={**headers, "Content-Type": content_type})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["code"] == code
    assert problem["errors"][0]["field"] == field
    assert problem["instance"] == "/api/locate"


def test_hostile_xml_is_a_422_problem(
    api: tuple[TestClient, dict[str, str]], vector: Vector
) -> None:
    client, headers = api
    r = client.post(
        "/api/locate",
        content=vector("constructed_pidflo_billion_laughs_must_reject.xml"),
        headers={**headers, "Content-Type": "application/pidf+xml"},
    )
    assert r.status_code == 422
    assert "DTD" in r.json()["detail"]


def test_oversized_body_is_a_413_problem(api: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = api
    body = b"<presence>" + b" " * MAX_BODY + b"</presence>"
    r = client.post(
        "/api/locate", content=body, headers={**headers, "Content-Type": "application/pidf+xml"}
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "payload_too_large"


def test_streamed_oversized_body_is_a_413_problem(api: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = api

    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY // 1024 + 2):
            yield b" " * 1024

    r = client.post(
        "/api/locate", content=chunks(), headers={**headers, "Content-Type": "text/plain"}
    )
    assert r.status_code == 413


def test_without_credentials_is_401(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _headers = api
    r = client.post(
        "/api/locate", content=b"geo:10.7,106.7", headers={"Content-Type": "text/plain"}
    )
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("role", "status"), [(Role.dispatcher, 200), (Role.auditor, 403)])
def test_roles(tmp_path: Path, role: Role, status: int) -> None:
    for client, headers in _client(tmp_path, role):
        r = client.post(
            "/api/locate",
            content=b"geo:10.7,106.7;u=20",
            headers={**headers, "Content-Type": "text/plain"},
        )
        assert r.status_code == status


def test_openapi_documents_the_body_types(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    spec = client.get("/openapi.json").json()
    content = spec["paths"]["/api/locate"]["post"]["requestBody"]["content"]
    assert {"application/pidf+xml", "text/plain", "application/json"} <= set(content)


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """An app with the operator's AML HMAC key set (the real vector is signed with "AML")."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{tmp_path_factory.mktemp('keyed') / 'camroute.db'}",
        aml_hmac_key="AML",
    )
    with TestClient(create_app(settings)) as client:
        new = create_api_key(
            client.app.state.engine,  # type: ignore[attr-defined]
            name="key-integration",
            role=Role.integration,
            actor="test",
            actor_role="gis_admin",
        )
        yield client, {"X-API-Key": new.key}


@pytest.mark.parametrize("path", ["/api/locate", "/api/route"])
def test_aml_hmac_key_setting_authenticates_aml_https(
    keyed: tuple[TestClient, dict[str, str]], vector: Vector, path: str
) -> None:
    client, headers = keyed
    headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    signed = vector("aml_https_v1_hmac.txt")
    ok = client.post(path, content=signed, headers=headers)
    assert ok.status_code == 200, ok.text
    if path == "/api/locate":
        assert not any("hmac" in w for w in ok.json()["warnings"])
    tampered = signed.replace(b"0.85732", b"0.85733")
    unsigned = vector("aml_https_uk_full.txt")
    for body in (tampered, unsigned):
        r = client.post(path, content=body, headers=headers)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert "aml.hmac" in r.text


def test_without_a_key_aml_https_is_accepted_with_a_warning(
    api: tuple[TestClient, dict[str, str]], vector: Vector
) -> None:
    client, headers = api
    r = client.post(
        "/api/locate",
        content=vector("aml_https_v1_hmac.txt"),
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200, r.text
    assert any("not verified" in w for w in r.json()["warnings"])
