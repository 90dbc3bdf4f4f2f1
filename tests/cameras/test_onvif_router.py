"""``POST /api/cameras/{id}/onvif-probe`` and the ONVIF fields of ``/api/cameras``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.cameras.model import CameraAdminRead, CameraRead
from camroute.cameras.onvif_model import ProbeResult
from camroute.cameras.tables import camera_onvif
from camroute.settings import Settings

from .onvif_device import FakeCamera, running

PROBLEM = "application/problem+json"
KEY = "a passphrase of at least thirty-two characters, for tests"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    db = Path(tmp_path_factory.mktemp("onvif-api")) / "camroute.db"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{db}",
        camera_networks=["127.0.0.0/8", "10.0.0.0/8"],
        credentials_key=KEY,
    )
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        keys = {
            role: {
                "X-API-Key": create_api_key(
                    engine, name=f"k-{role.value}", role=role, actor="t", actor_role="t"
                ).key
            }
            for role in Role
        }
        yield client, keys


@pytest.fixture
def device() -> Iterator[tuple[FakeCamera, str]]:
    fake = FakeCamera()
    with running(fake) as url:
        yield fake, url


def _create(client: TestClient, admin: dict[str, str], camera_id: str, url: str, pw: str) -> None:
    body = {
        "id": camera_id,
        "lon": 105.85,
        "lat": 21.03,
        "onvif_url": url,
        "onvif_credentials": {"username": "admin", "password": pw},
    }
    resp = client.post("/api/cameras", json=body, headers=admin)
    assert resp.status_code == 201, resp.text


def test_probe_fills_the_camera_and_returns_what_the_device_said(
    app: tuple[TestClient, dict[Role, dict[str, str]]], device: tuple[FakeCamera, str]
) -> None:
    client, keys = app
    admin = keys[Role.gis_admin]
    _create(client, admin, "api-1", device[1], "Cam-pass-1")
    resp = client.post("/api/cameras/api-1/onvif-probe", headers=admin)
    assert resp.status_code == 200, resp.text
    result = ProbeResult.model_validate(resp.json())
    assert result.written
    assert result.device is not None
    assert result.device.info.manufacturer == "HIKVISION"
    camera = CameraAdminRead.model_validate(client.get("/api/cameras/api-1", headers=admin).json())
    assert (camera.kind, camera.streams_source, camera.version) == ("ptz", "onvif", 2)
    assert camera.rtsp_sub_url == "rtsp://127.0.0.1:554/Streaming/Channels/102"


def test_only_gis_admins_see_where_onvif_and_the_sub_stream_are(
    app: tuple[TestClient, dict[Role, dict[str, str]]], device: tuple[FakeCamera, str]
) -> None:
    client, keys = app
    _create(client, keys[Role.gis_admin], "api-2", device[1], "Cam-pass-1")
    client.post("/api/cameras/api-2/onvif-probe", headers=keys[Role.gis_admin])
    seen = client.get("/api/cameras/api-2", headers=keys[Role.dispatcher]).json()
    assert "onvif_url" not in seen
    assert "rtsp_sub_url" not in seen
    assert device[0].address not in str(seen)
    assert CameraRead.model_validate(seen).has_rtsp_sub
    admin = client.get("/api/cameras/api-2", headers=keys[Role.gis_admin]).json()
    assert admin["onvif_url"] == device[1]
    assert "password" not in str(admin)


def test_wrong_password_is_a_502_problem_and_writes_nothing(
    app: tuple[TestClient, dict[Role, dict[str, str]]], device: tuple[FakeCamera, str]
) -> None:
    client, keys = app
    admin = keys[Role.gis_admin]
    _create(client, admin, "api-3", device[1], "not-it")
    resp = client.post("/api/cameras/api-3/onvif-probe", headers=admin)
    assert resp.status_code == 502
    assert resp.headers["content-type"] == PROBLEM
    assert resp.json()["code"] == "onvif_not_authorized"
    assert "refused the ONVIF username/password" in resp.json()["detail"]
    assert client.get("/api/cameras/api-3", headers=admin).json()["version"] == 1


def test_probe_of_a_camera_without_onvif_url_is_409(
    app: tuple[TestClient, dict[Role, dict[str, str]]],
) -> None:
    client, keys = app
    admin = keys[Role.gis_admin]
    resp = client.post(
        "/api/cameras", json={"id": "api-4", "lon": 105.8, "lat": 21.0}, headers=admin
    )
    assert resp.status_code == 201
    probe = client.post("/api/cameras/api-4/onvif-probe", headers=admin)
    assert (probe.status_code, probe.json()["code"]) == (409, "no_onvif_url")
    assert client.post("/api/cameras/nobody/onvif-probe", headers=admin).status_code == 404


def test_onvif_url_outside_the_camera_networks_is_refused(
    app: tuple[TestClient, dict[Role, dict[str, str]]],
) -> None:
    client, keys = app
    body = {"id": "api-5", "lon": 105.8, "lat": 21.0, "onvif_url": "http://169.254.169.254/onvif"}
    resp = client.post("/api/cameras", json=body, headers=keys[Role.gis_admin])
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "onvif_url"


def test_moving_onvif_url_to_another_host_forgets_the_onvif_account(
    app: tuple[TestClient, dict[Role, dict[str, str]]],
) -> None:
    client, keys = app
    admin = keys[Role.gis_admin]
    _create(client, admin, "api-6", "http://10.0.0.5/onvif/device_service", "secret-1")
    engine = client.app.state.engine  # type: ignore[attr-defined]

    def account() -> tuple[Any, Any]:
        query = sa.select(camera_onvif.c.username, camera_onvif.c.password).where(
            camera_onvif.c.camera_id == "api-6"
        )
        with engine.connect() as conn:
            row = conn.execute(query).one()
        return row.username, row.password

    user, sealed = account()
    assert user == "admin"
    assert sealed.startswith("fernet:")
    same_host = {"onvif_url": "http://10.0.0.5/onvif/other_path"}
    resp = client.patch("/api/cameras/api-6", json=same_host, headers={**admin, "If-Match": '"1"'})
    assert resp.status_code == 200
    assert account()[0] == "admin"
    moved = {"onvif_url": "http://10.0.0.66/onvif/device_service"}
    resp = client.patch("/api/cameras/api-6", json=moved, headers={**admin, "If-Match": '"2"'})
    assert resp.status_code == 200
    assert account() == (None, None)
