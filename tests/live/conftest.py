"""Fixtures: the app on SQLite and PostgreSQL with API keys per role, camera sources (the
simulator and a real ffmpeg-encoded MJPEG stream), and cameras placed around a caller."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import Response, StreamingResponse
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.cameras.store import insert_camera
from camroute.settings import Settings
from camroute.sim.cameras import create_sim_app
from camroute.sim.server import free_port, serve_in_thread

CALLER = {"lon": 106.698, "lat": 10.7725, "uncertainty_m": 10}
M_PER_DEG_LAT = 111_320.0
LOOPBACK = ["127.0.0.0/8"]  # the fake cameras listen on loopback, never allowed by default
ROLES = {
    "cad": Role.integration,
    "ann": Role.dispatcher,
    "bob": Role.dispatcher,
    "sue": Role.supervisor,
}


@dataclass
class Api:
    client: TestClient
    app: FastAPI
    keys: dict[str, dict[str, str]]

    def as_(self, name: str) -> dict[str, str]:
        return self.keys[name]

    def open_incident(self, call_id: str = "C-1") -> dict[str, Any]:
        body = {"call_id": call_id, "hotline": "115", "location": CALLER}
        resp = self.client.post("/api/calls", json=body, headers=self.as_("cad"))
        assert resp.status_code == 201, resp.text
        return dict(resp.json())

    def view(self, incident_id: str, camera_id: str, who: str = "ann", **extra: Any) -> Any:
        body = {"camera_id": camera_id, "purpose": "check the scene", **extra}
        return self.client.post(
            f"/api/incidents/{incident_id}/views", json=body, headers=self.as_(who)
        )


def camera(camera_id: str, *, south_m: float, base: str, **over: Any) -> dict[str, Any]:
    """A camera ``south_m`` south of the caller, looking north at it."""
    return {
        "id": camera_id,
        "name": camera_id,
        "lon": CALLER["lon"],
        "lat": CALLER["lat"] - south_m / M_PER_DEG_LAT,
        "heading_deg": 0.0,
        "hfov_deg": 60.0,
        "range_m": 120.0,
        "kind": "fixed",
        "status": "online",
        "access_class": "public_space",
        "fov_assumed": False,
        "mount_height_m": 6.0,
        "snapshot_url": f"{base}/cameras/{camera_id}/snapshot.jpg",
        "mjpeg_url": f"{base}/cameras/{camera_id}/mjpeg",
        **over,
    }


@pytest.fixture(scope="session")
def sim_url() -> Iterator[str]:
    with serve_in_thread(create_sim_app(fps=10.0)) as url:
        yield url


@pytest.fixture(scope="session")
def ffmpeg_media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A real MJPEG stream (40 frames) and a JPEG, both encoded by ffmpeg from testsrc."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is required for the relay tests"
    out = tmp_path_factory.mktemp("ffmpeg")
    src = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10"]
    common = [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", *src]
    subprocess.run([*common, "-frames:v", "40", "-f", "mpjpeg", str(out / "s.mjpeg")], check=True)
    subprocess.run([*common, "-frames:v", "1", str(out / "s.jpg")], check=True)
    return {"mjpeg": (out / "s.mjpeg").read_bytes(), "jpeg": (out / "s.jpg").read_bytes()}


def ffmpeg_app(media: dict[str, bytes]) -> FastAPI:
    """A tiny camera that serves the ffmpeg files, the stream at about 20 frames/s."""
    app = FastAPI()

    @app.get("/cameras/{camera_id}/snapshot.jpg")
    async def snap(camera_id: str) -> Response:
        return Response(media["jpeg"], media_type="image/jpeg")

    @app.get("/cameras/{camera_id}/mjpeg")
    async def stream(camera_id: str) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            data, size = media["mjpeg"], 4096
            for start in range(0, len(data), size):
                yield data[start : start + size]
                await asyncio.sleep(0.005)

        return StreamingResponse(chunks(), media_type="multipart/x-mixed-replace;boundary=ffmpeg")

    return app


@pytest.fixture(scope="session")
def ffmpeg_url(ffmpeg_media: dict[str, bytes]) -> Iterator[str]:
    with serve_in_thread(ffmpeg_app(ffmpeg_media)) as url:
        yield url


def make_api(app: FastAPI, client: TestClient) -> Api:
    engine = app.state.engine
    keys = {
        name: {
            "X-API-Key": create_api_key(
                engine, name=name, role=role, actor="test", actor_role="test"
            ).key
        }
        for name, role in ROLES.items()
    }
    return Api(client=client, app=app, keys=keys)


def add_cameras(app: FastAPI, cameras: list[dict[str, Any]]) -> None:
    engine = app.state.engine
    with engine.begin() as conn:
        for values in cameras:
            insert_camera(conn, values, actor="test")
    app.state.camera_index.wait()
    app.state.camera_index.rebuild(engine, viewsheds=False)


@pytest.fixture
def live_settings(store_url: str) -> Settings:
    return Settings(_env_file=None, database_url=store_url, camera_networks=LOOPBACK)  # type: ignore[call-arg]


@pytest.fixture
def api(live_settings: Settings, sim_url: str, ffmpeg_url: str) -> Iterator[Api]:
    app = create_app(live_settings)
    dead = f"http://127.0.0.1:{free_port()}"
    with TestClient(app) as client:
        add_cameras(
            app,
            [
                camera("SIM-1", south_m=30, base=sim_url),
                camera("FF-1", south_m=40, base=ffmpeg_url),
                camera("DEAD-1", south_m=35, base=dead),
                camera("RESTR-1", south_m=25, base=sim_url, access_class="restricted"),
                camera("FAR-1", south_m=2000, base=sim_url),
                camera("NEAR-BACK", south_m=-60, base=sim_url),  # north of the caller, facing away
            ],
        )
        yield make_api(app, client)
