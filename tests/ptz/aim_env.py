"""The aiming tests' app: a real app on SQLite, the fake PTZ camera, one user per role.

PTZ-1 (PTZ) stands 40 m south of the caller, FIX-1 (fixed) 30 m; the call C-1 is open.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pyproj import Geod
from tests.support import school_zone

from camroute.app import create_app
from camroute.audit.tables import audit_events
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.cameras import service as cameras
from camroute.cameras.model import CameraCreate, Credentials
from camroute.ptz.geometry import CameraPose, direction_to
from camroute.ptz.link import PtzAccount
from camroute.ptz.models import CalibrationRead
from camroute.ptz.onvif_ptz import read_status
from camroute.settings import Settings
from camroute.zones.service import create_zone

from .ptz_device import PtzCamera, running

GEOD = Geod(ellps="WGS84")
CALLER = {"lon": 106.698, "lat": 10.7725, "uncertainty_m": 12}
ROLES = {
    "cad": Role.integration,
    "ann": Role.dispatcher,
    "bob": Role.dispatcher,
    "sue": Role.supervisor,
    "gis": Role.gis_admin,
}


@dataclass
class Env:
    client: TestClient
    keys: dict[str, dict[str, str]]
    fake: PtzCamera
    engine: sa.Engine
    incident_id: str
    pose: CameraPose

    def view(self, who: str, camera_id: str = "PTZ-1") -> str:
        body = {"camera_id": camera_id, "purpose": "see the caller"}
        resp = self.client.post(
            f"/api/incidents/{self.incident_id}/views", json=body, headers=self.keys[who]
        )
        assert resp.status_code == 201, resp.text
        return str(resp.json()["ticket_id"])

    def aim(self, who: str, ticket: str, **body: Any) -> Any:
        return self.client.post(
            f"/api/incidents/{self.incident_id}/views/{ticket}/aim",
            json=body,
            headers=self.keys[who],
        )

    def actions(self, name: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(audit_events)
                .where(audit_events.c.action == name)
                .order_by(audit_events.c.id)
            ).mappings()
            return [dict(r) for r in rows]


def _camera(camera_id: str, url: str, *, south_m: float, kind: str = "ptz") -> CameraCreate:
    lon, lat, _ = GEOD.fwd(CALLER["lon"], CALLER["lat"], 180.0, south_m)
    return CameraCreate(
        id=camera_id,
        name=camera_id,
        lon=lon,
        lat=lat,
        kind=kind,  # type: ignore[arg-type]
        heading_deg=0.0,
        hfov_deg=360.0,
        range_m=200.0,
        mount_height_m=8.0,
        status="online",
        onvif_url=url,
        onvif_credentials=Credentials(username="admin", password="Cam-pass-1"),
    )


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'camroute.db'}",
        camera_networks=["127.0.0.0/8"],
    )
    fake = PtzCamera()
    with running(fake) as url:
        app = create_app(settings)
        with TestClient(app) as client:
            engine = app.state.engine
            with engine.begin() as conn:
                cameras.create_camera(conn, _camera("PTZ-1", url, south_m=40.0), actor="test")
                cameras.create_camera(
                    conn, _camera("FIX-1", url, south_m=30.0, kind="fixed"), actor="test"
                )
            app.state.camera_index.wait()
            app.state.camera_index.rebuild(engine, viewsheds=False)
            app.state.ptz_timeout_s = 10.0
            # Parse the bundled WSDLs once (seconds on a busy machine) outside any test's bound.
            asyncio.run(read_status(PtzAccount(url, "admin", "Cam-pass-1"), timeout_s=60.0))
            keys = {
                n: {
                    "X-API-Key": create_api_key(
                        engine, name=n, role=r, actor="t", actor_role="t"
                    ).key
                }
                for n, r in ROLES.items()
            }
            call = {"call_id": "C-1", "hotline": "115", "location": CALLER}
            resp = client.post("/api/calls", json=call, headers=keys["cad"])
            assert resp.status_code == 201, resp.text
            lon, lat, _ = GEOD.fwd(CALLER["lon"], CALLER["lat"], 180.0, 40.0)
            pose = CameraPose(lon=lon, lat=lat, mount_height_m=8.0)
            yield Env(client, keys, fake, engine, resp.json()["id"], pose)


def calibrate(env: Env) -> CalibrationRead:
    head, marks = env.fake.head, []
    for bearing, dist in ((10.0, 50.0), (130.0, 90.0), (250.0, 140.0)):
        lon, lat, _ = GEOD.fwd(env.pose.lon, env.pose.lat, bearing, dist)
        seen = direction_to(env.pose, lon=lon, lat=lat)
        pan, tilt = head.pan_tilt_for(seen.bearing_deg, seen.tilt_deg)
        marks.append({"lon": lon, "lat": lat, "pan": round(pan, 4), "tilt": round(tilt, 4)})
    zoom = [{"zoom": z, "hfov_deg": head.hfov_deg(z)} for z in (0, 0.05, 0.1, 0.2, 0.35, 0.5, 1)]
    resp = env.client.put(
        "/api/cameras/PTZ-1/ptz/calibration",
        json={"landmarks": marks, "zoom_points": zoom},
        headers=env.keys["gis"],
    )
    assert resp.status_code == 200, resp.text
    return CalibrationRead.model_validate(resp.json())


def add_zone(env: Env, zone_id: str, *, bearing_deg: float, distance_m: float, policy: str) -> None:
    """A 10 m square school zone ``distance_m`` from the camera towards ``bearing_deg``."""
    lon, lat, _ = GEOD.fwd(env.pose.lon, env.pose.lat, bearing_deg, distance_m)
    d_lat, d_lon = 5.0 / 110_600, 5.0 / (110_600 * 0.9824)
    body = school_zone(zone_id, lon=lon, lat=lat, d_lon=d_lon, d_lat=d_lat, policy=policy)
    with env.engine.begin() as conn:
        create_zone(conn, body, actor="gis", role="gis_admin")
