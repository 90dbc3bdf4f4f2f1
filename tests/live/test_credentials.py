"""The relay opens a sealed camera password just before it calls the camera, and only then."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import SecretStr

from camroute.cameras.secrets import CredentialCipher
from camroute.cameras.store import set_credentials
from camroute.sim.server import serve_in_thread

from .conftest import Api, add_cameras, camera

KEY = SecretStr("a passphrase of at least thirty-two characters")
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32 + b"\xff\xd9"


@pytest.fixture(scope="module")
def locked_camera_url() -> Iterator[str]:
    """A camera that answers only to viewer / pw-1 (HTTP basic)."""
    app = FastAPI()
    want = "Basic " + base64.b64encode(b"viewer:pw-1").decode()

    @app.get("/cameras/{camera_id}/snapshot.jpg")
    def snapshot(camera_id: str, request: Request) -> Response:
        if request.headers.get("authorization") != want:
            return Response(status_code=401)
        return Response(JPEG, media_type="image/jpeg")

    with serve_in_thread(app) as url:
        yield url


def _locked(api: Api, url: str, *, sealed: bool) -> None:
    add_cameras(api.app, [camera("LOCK-1", south_m=20, base=url)])
    password = CredentialCipher(KEY.get_secret_value()).seal("pw-1") if sealed else "pw-1"
    with api.app.state.engine.begin() as conn:
        set_credentials(conn, "LOCK-1", username="viewer", password=password)


def _snapshot(api: Api) -> Any:
    view = api.view(api.open_incident()["id"], "LOCK-1")
    assert view.status_code == 201, view.text
    return api.client.get(view.json()["snapshot_url"])


def test_a_sealed_password_reaches_the_camera_opened(
    api: Api, locked_camera_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = api.app.state
    monkeypatch.setattr(
        state, "settings", state.settings.model_copy(update={"credentials_key": KEY})
    )
    _locked(api, locked_camera_url, sealed=True)
    resp = _snapshot(api)
    assert resp.status_code == 200, resp.text
    assert resp.content == JPEG


def test_a_sealed_password_without_the_key_is_not_sent(api: Api, locked_camera_url: str) -> None:
    _locked(api, locked_camera_url, sealed=True)
    resp = _snapshot(api)
    assert resp.status_code == 503
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.json()["code"] == "credentials_unavailable"
    assert "fernet" not in resp.text


def test_a_plain_password_still_works_without_a_key(api: Api, locked_camera_url: str) -> None:
    _locked(api, locked_camera_url, sealed=False)
    assert _snapshot(api).status_code == 200
