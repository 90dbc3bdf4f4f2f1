"""Stored camera credentials never follow a stream URL to another host.

A GIS admin who could point a camera's URL at a host of their own, keeping the stored
credentials, would receive the camera's password from the relay (HTTP Basic). Two fake
cameras record the ``Authorization`` header they are sent; the URL is changed through the
API as a GIS admin and the relay is then asked for a snapshot through a dispatcher's ticket.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import Response

from camroute.audit.tables import audit_events
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.cameras.store import get_stream_source
from camroute.sim.server import serve_in_thread

from .conftest import CALLER, M_PER_DEG_LAT, Api

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32 + b"\xff\xd9"
CAM = "MOVE-1"


class Recorder:
    """A fake camera that asks for Basic, serves a JPEG to any answer and remembers each
    Authorization header (the relay sends credentials only after the challenge)."""

    def __init__(self) -> None:
        self.auth: list[str | None] = []
        self.app = FastAPI()

        @self.app.get("/{path:path}")
        def snapshot(path: str, request: Request) -> Response:
            self.auth.append(request.headers.get("authorization"))
            if "authorization" not in request.headers:
                return Response(status_code=401, headers={"WWW-Authenticate": 'Basic realm="c"'})
            return Response(JPEG, media_type="image/jpeg")


@pytest.fixture(scope="module")
def hosts() -> Iterator[tuple[Recorder, str, Recorder, str]]:
    """The camera's own host and another one (another port is another origin)."""
    own, other = Recorder(), Recorder()
    with serve_in_thread(own.app) as own_url, serve_in_thread(other.app) as other_url:
        yield own, own_url, other, other_url


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _admin(api: Api) -> dict[str, str]:
    engine = api.app.state.engine
    key = create_api_key(engine, name="gis", role=Role.gis_admin, actor="t", actor_role="t")
    return {"X-API-Key": key.key}


def _create(api: Api, admin: dict[str, str], url: str) -> None:
    body = {
        "id": CAM,
        "lon": CALLER["lon"],
        "lat": CALLER["lat"] - 20 / M_PER_DEG_LAT,
        "heading_deg": 0.0,
        "hfov_deg": 60.0,
        "range_m": 120.0,
        "status": "online",
        "snapshot_url": f"{url}/cam/snap.jpg",
        "credentials": {"username": "viewer", "password": "pw-1"},
    }
    resp = api.client.post("/api/cameras", json=body, headers=admin)
    assert resp.status_code == 201, resp.text


def _patch(api: Api, admin: dict[str, str], change: dict[str, Any]) -> Any:
    resp = api.client.patch(f"/api/cameras/{CAM}", json=change, headers={**admin, "If-Match": "*"})
    assert resp.status_code == 200, resp.text
    api.app.state.camera_index.wait()
    return resp.json()


def _relay_snapshot(api: Api, *, status: int = 200) -> None:
    view = api.view(api.open_incident()["id"], CAM)
    assert view.status_code == 201, view.text
    resp = api.client.get(view.json()["snapshot_url"])
    assert resp.status_code == status, resp.text


def _last_update_details(api: Api) -> dict[str, Any]:
    query = (
        sa.select(audit_events.c.details)
        .where(audit_events.c.subject == CAM)
        .order_by(audit_events.c.id.desc())
        .limit(1)
    )
    with api.app.state.engine.connect() as conn:
        return dict(conn.execute(query).scalar_one())


def test_moving_the_url_to_another_host_drops_the_credentials(
    api: Api, hosts: tuple[Recorder, str, Recorder, str]
) -> None:
    _, own_url, other, other_url = hosts
    admin = _admin(api)
    _create(api, admin, own_url)
    body = _patch(api, admin, {"snapshot_url": f"{other_url}/cam/snap.jpg"})
    assert body["credentials_cleared"] is True
    assert _last_update_details(api) == {"op": "update", "credentials_cleared": True}
    src = get_stream_source(api.app.state.engine, CAM)
    assert (src.username, src.password) == (None, None)
    other.auth.clear()
    _relay_snapshot(api, status=502)  # it asked for a password the relay no longer has
    assert other.auth == [None]  # the new host got the request, and no password


def test_new_credentials_in_the_same_request_are_kept(
    api: Api, hosts: tuple[Recorder, str, Recorder, str]
) -> None:
    _, own_url, other, other_url = hosts
    admin = _admin(api)
    _create(api, admin, own_url)
    change = {
        "snapshot_url": f"{other_url}/cam/snap.jpg",
        "credentials": {"username": "viewer2", "password": "pw-2"},
    }
    assert _patch(api, admin, change)["credentials_cleared"] is False
    other.auth.clear()
    _relay_snapshot(api)
    assert other.auth == [None, _basic("viewer2", "pw-2")]


def test_a_path_change_on_the_same_host_keeps_the_credentials(
    api: Api, hosts: tuple[Recorder, str, Recorder, str]
) -> None:
    own, own_url, _, _ = hosts
    admin = _admin(api)
    _create(api, admin, own_url)
    body = _patch(api, admin, {"snapshot_url": f"{own_url}/cam/other.jpg?res=low"})
    assert body["credentials_cleared"] is False
    assert _last_update_details(api) == {"op": "update"}
    own.auth.clear()
    _relay_snapshot(api)
    assert own.auth == [None, _basic("viewer", "pw-1")]
