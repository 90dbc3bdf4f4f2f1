"""Where a camera streams from is for GIS admins only, on every endpoint that returns cameras.

A stream URL opens the camera with no ticket and no audit event. Every role × every endpoint
that can carry a camera (registry, OGC API - Features, route, calls, incidents, map layers,
audit, SSE events) is asked; the answer may say *whether* a camera streams (``has_*``), never
*where*: no fake camera host, no ``*_url`` key, no credential. GIS admins see the URLs on the
registry endpoints (and nowhere else). Which role may call what comes from the route×role
matrix, so a refused call is expected to be a 403 and an allowed one a success.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from tests.auth.test_route_matrix import MATRIX

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.settings import Settings
from camroute.sim.server import serve_in_thread

HOST = "cams-secret.example"
CAMERA_ID = "SEE-1"
PASSWORD = "pw-never-shown"
CALLER = {"lon": 106.698, "lat": 10.7725, "uncertainty_m": 10}
CAMERA: dict[str, Any] = {
    "id": CAMERA_ID,
    "name": "Sees the caller",
    "lon": CALLER["lon"],
    "lat": CALLER["lat"] - 30 / 111_320.0,  # 30 m south, looking north at the caller
    "heading_deg": 0.0,
    "hfov_deg": 60.0,
    "range_m": 120.0,
    "kind": "fixed",
    "status": "online",
    "snapshot_url": f"http://{HOST}:8081/private/snap.jpg",
    "mjpeg_url": f"http://{HOST}:8081/private/video.mjpg",
    "rtsp_url": f"rtsp://{HOST}:554/private/ch1",
    "credentials": {"username": "viewer", "password": PASSWORD},
}
CALL = {"call_id": "VIS-1", "hotline": "113", "location": CALLER}
BBOX = "106.69,10.76,106.71,10.78"
LEAK = re.compile(rf"{re.escape(HOST)}|/private/|_url\"|{PASSWORD}|\"password\"")


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str  # as in the route matrix
    url: str
    body: dict[str, Any] | None = None
    registry: bool = False  # returns the camera's registry record (GIS admins see its URLs)


ENDPOINTS = [
    Endpoint("GET", "/api/cameras", f"/api/cameras?bbox={BBOX}", registry=True),
    Endpoint("GET", "/api/cameras/{camera_id}", f"/api/cameras/{CAMERA_ID}", registry=True),
    Endpoint(
        "GET", "/api/collections/cameras/items", "/api/collections/cameras/items", registry=True
    ),
    Endpoint(
        "GET",
        "/api/collections/cameras/items/{camera_id}",
        f"/api/collections/cameras/items/{CAMERA_ID}",
        registry=True,
    ),
    Endpoint("GET", "/api/collections/cameras", "/api/collections/cameras"),
    Endpoint("POST", "/api/route", "/api/route", body=CALLER),
    Endpoint("POST", "/api/locate", "/api/locate", body=CALLER),
    Endpoint("POST", "/api/calls", "/api/calls", body=CALL),
    Endpoint("GET", "/api/incidents", "/api/incidents"),
    Endpoint("GET", "/api/incidents/{incident_id}", "/api/incidents/{incident}"),
    *[
        Endpoint("GET", "/api/layers/{name}", f"/api/layers/{name}?bbox={BBOX}")
        for name in ("admin", "streets", "pois", "buildings")
    ],
    Endpoint("GET", "/api/audit", "/api/audit"),
]
# Answers that name the camera (so "no URL" is not true merely because it is absent); the
# incident list carries summaries only, no ranking.
NAMES_CAMERA = {"/api/route", "/api/calls", "/api/incidents/{incident_id}"}


@dataclass(frozen=True)
class Server:
    base: str
    keys: dict[Role, dict[str, str]]
    incident_id: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = Path(tmp_path_factory.mktemp("streams")) / "camroute.db"
    app = create_app(Settings(_env_file=None, database_url=f"sqlite:///{db}"))  # type: ignore[call-arg]
    with serve_in_thread(app, lifespan="on") as base:
        keys = {
            role: {
                "X-API-Key": create_api_key(
                    app.state.engine, name=f"k-{role.value}", role=role, actor="t", actor_role="t"
                ).key
            }
            for role in Role
        }
        made = httpx.post(f"{base}/api/cameras", json=CAMERA, headers=keys[Role.gis_admin])
        assert made.status_code == 201, made.text
        app.state.camera_index.wait()
        app.state.camera_index.rebuild(app.state.engine, viewsheds=False)
        incident = httpx.post(f"{base}/api/calls", json=CALL, headers=keys[Role.integration])
        assert incident.status_code == 201, incident.text
        yield Server(base, keys, incident.json()["id"])


def _leaks(text: str) -> list[str]:
    return LEAK.findall(text)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.url.split("?")[0])
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_stream_urls_only_reach_gis_admins(server: Server, role: Role, endpoint: Endpoint) -> None:
    url = server.base + endpoint.url.replace("{incident}", server.incident_id)
    resp = httpx.request(endpoint.method, url, json=endpoint.body, headers=server.keys[role])
    allowed = MATRIX[(endpoint.method, endpoint.template)]
    assert isinstance(allowed, frozenset)
    if role not in allowed:
        assert resp.status_code == 403, resp.text
        assert not _leaks(resp.text)
        return
    assert resp.status_code in (200, 201), resp.text
    if endpoint.template in NAMES_CAMERA:
        assert CAMERA_ID in resp.text  # the camera is there; where it streams is not
    if role is Role.gis_admin and endpoint.registry:
        for name in ("snapshot_url", "mjpeg_url", "rtsp_url"):
            assert f'"{name}":"{CAMERA[name]}"' in resp.text.replace(" ", "")
        assert PASSWORD not in resp.text
        return
    assert not _leaks(resp.text), resp.text[:500]
    if endpoint.registry:
        flags = ('"has_snapshot":true', '"has_mjpeg":true', '"has_rtsp":true')
        assert all(f in resp.text.replace(" ", "") for f in flags)


class _Sse:
    """Collects the ``data:`` lines of ``GET /api/events`` in a thread."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.data: list[str] = []
        self.status: int | None = None
        self.ready = threading.Event()
        threading.Thread(target=self._run, args=(url, headers), daemon=True).start()
        assert self.ready.wait(10.0), "no answer from /api/events"

    def _run(self, url: str, headers: dict[str, str]) -> None:
        try:
            with httpx.stream("GET", url, headers=headers, timeout=None) as resp:
                self.status = resp.status_code
                for line in resp.iter_lines():
                    if line == ": subscribed" or resp.status_code != 200:
                        self.ready.set()
                    if line.startswith("data: "):
                        self.data.append(line[6:])
        except httpx.HTTPError:
            pass
        finally:
            self.ready.set()


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_sse_events_carry_no_stream_url(server: Server, role: Role) -> None:
    sse = _Sse(f"{server.base}/api/events", server.keys[role])
    if role not in MATRIX[("GET", "/api/events")]:
        assert sse.status == 403
        return
    assert sse.status == 200
    call = {**CALL, "call_id": f"VIS-SSE-{role.value}"}
    made = httpx.post(f"{server.base}/api/calls", json=call, headers=server.keys[Role.integration])
    assert made.status_code == 201, made.text
    incident = made.json()["id"]
    view = httpx.post(
        f"{server.base}/api/incidents/{incident}/views",
        json={"camera_id": CAMERA_ID, "purpose": "check the scene"},
        headers=server.keys[role],
    )
    assert view.status_code == 201, view.text
    httpx.delete(
        f"{server.base}/api/incidents/{incident}/views/{view.json()['ticket_id']}",
        headers=server.keys[role],
    )
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline and len(sse.data) < 3:
        time.sleep(0.05)
    kinds = [orjson.loads(d)["kind"] for d in sse.data]
    assert {"incident.created", "view.opened"} <= set(kinds), kinds
    assert any(CAMERA_ID in d for d in sse.data)  # the camera is named, its URLs are not
    assert not _leaks("\n".join(sse.data))
