"""``POST /api/incidents/{id}/views/{ticket}/aim`` against the fake PTZ camera, end to end."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pyproj import Geod

from camroute.app import create_app
from camroute.audit.tables import audit_events
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.cameras import service as cameras
from camroute.cameras.model import CameraCreate, Credentials
from camroute.ptz.admin import mark_do_not_move
from camroute.ptz.geometry import CameraPose, angle_between_deg, direction_to
from camroute.ptz.homing import return_idle_home
from camroute.ptz.models import AimResult, CalibrationRead, ReleaseResult
from camroute.ptz.onvif_ptz import PtzAccount, read_status
from camroute.ptz.service import PtzContext
from camroute.settings import Settings

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


def _true_error_deg(env: Env, result: AimResult) -> float:
    seen = direction_to(env.pose, lon=CALLER["lon"], lat=CALLER["lat"])
    got = env.fake.head.direction(result.read_back.pan, result.read_back.tilt)
    return angle_between_deg(got, (seen.bearing_deg, seen.tilt_deg))


def _calibrate(env: Env) -> CalibrationRead:
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


def test_uncalibrated_aim_moves_and_says_it_is_uncalibrated(env: Env) -> None:
    ticket = env.view("ann")
    resp = env.aim("ann", ticket)
    assert resp.status_code == 200, resp.text
    result = AimResult.model_validate(resp.json())
    assert result.calibrated is False
    assert result.expected_error_deg == 20.0  # pan 0 assumed along the registered heading
    assert result.read_back.distance(result.requested) < 1e-3
    assert result.controller == "ann"
    assert _true_error_deg(env, result) > 20.0  # and indeed this head is mounted otherwise
    moved = env.actions("ptz_moved")
    assert [(e["actor"], e["subject"]) for e in moved] == [("ann", "PTZ-1")]
    assert moved[0]["details"]["ticket_id"] == ticket
    assert set(moved[0]["details"]) >= {"from", "to", "residual_deg"}


def test_calibrated_aim_frames_the_caller_within_a_degree(env: Env) -> None:
    calibration = _calibrate(env)
    assert calibration.source == "measured"
    assert calibration.calibration.fit_error_deg is not None
    assert calibration.calibration.fit_error_deg < 0.2
    resp = env.aim("ann", env.view("ann"))
    assert resp.status_code == 200, resp.text
    result = AimResult.model_validate(resp.json())
    assert result.calibrated
    assert result.residual_deg < 0.5
    assert _true_error_deg(env, result) < 1.0
    assert result.share_in_picture > 0.9
    assert env.actions("ptz_calibrated")[0]["actor"] == "gis"


def test_second_dispatcher_is_told_who_holds_the_camera_and_a_supervisor_takes_over(
    env: Env,
) -> None:
    ann, bob, sue = env.view("ann"), env.view("bob"), env.view("sue")
    assert env.aim("ann", ann).status_code == 200
    refused = env.aim("bob", bob)
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "ptz_locked"
    assert "controlled by ann (dispatcher)" in refused.json()["detail"]
    taken = env.aim("sue", sue, take_over=True)
    assert taken.status_code == 200, taken.text
    assert taken.json()["controller"] == "sue"
    assert env.aim("ann", ann).status_code == 409  # now sue holds it
    assert env.actions("ptz_taken_over")[0]["details"]["taken_from"] == "ann"
    assert [e["actor"] for e in env.actions("ptz_refused")] == ["bob", "ann"]


def test_do_not_move_camera_is_refused_with_403(env: Env) -> None:
    mark_do_not_move(env.engine, "PTZ-1", True, actor="gis", role="gis_admin")
    resp = env.aim("ann", env.view("ann"))
    assert resp.status_code == 403
    assert resp.json()["code"] == "ptz_do_not_move"
    assert env.fake.head.moves == []


def test_camera_returns_home_after_the_last_ticket_ends(env: Env) -> None:
    ctx = PtzContext(env.engine)
    ann, bob = env.view("ann"), env.view("bob")
    assert env.aim("ann", ann).status_code == 200
    released = env.client.post(
        f"/api/incidents/{env.incident_id}/views/{ann}/aim/release", headers=env.keys["ann"]
    )
    assert ReleaseResult.model_validate(released.json()) == ReleaseResult(
        camera_id="PTZ-1",
        released=True,
        returned_home=False,  # ann's and bob's views are live
    )
    for who, ticket in (("ann", ann), ("bob", bob)):
        gone = env.client.delete(
            f"/api/incidents/{env.incident_id}/views/{ticket}", headers=env.keys[who]
        )
        assert gone.status_code == 204
    assert return_idle_home(ctx) == ["PTZ-1"]
    assert env.fake.head.moves[-1] == env.fake.head.home
    assert env.actions("ptz_returned_home")[0]["actor"] == "camroute"
    assert return_idle_home(ctx) == []  # once


def test_camera_without_ptz_and_a_hung_camera_give_problems_not_hangs(env: Env) -> None:
    fixed = env.aim("ann", env.view("ann", "FIX-1"))
    assert fixed.status_code == 422
    assert fixed.json()["code"] == "ptz_unsupported"
    env.fake.delay_s["AbsoluteMove"] = 10.0
    env.client.app.state.ptz_timeout_s = 1.5  # type: ignore[attr-defined]
    started = time.monotonic()
    hung = env.aim("ann", env.view("ann"))
    assert time.monotonic() - started < 5.0
    assert hung.status_code == 504
    assert hung.json()["code"] == "ptz_timeout"
    assert "did not finish the move within 1.5 s" in hung.json()["detail"]


def test_move_outside_the_limits_is_a_422_problem(env: Env) -> None:
    env.fake.head.tilt_limit = (-0.2, 0.05)  # the caller lies below what this head reaches
    _calibrate(env)
    resp = env.aim("ann", env.view("ann"))
    assert resp.status_code == 422
    assert resp.json()["code"] == "ptz_refused"
    assert "outside the PTZ limits" in resp.json()["detail"]


def test_a_dispatcher_may_not_aim_far_from_the_caller_but_a_supervisor_may(env: Env) -> None:
    far_lon, far_lat, _ = GEOD.fwd(CALLER["lon"], CALLER["lat"], 90.0, 400.0)
    far = {"lon": far_lon, "lat": far_lat, "uncertainty_m": 5}
    refused = env.aim("ann", env.view("ann"), target=far)
    assert refused.status_code == 403
    assert "a supervisor must aim farther" in refused.json()["detail"]
    assert env.fake.head.moves == []
    near_lon, near_lat, _ = GEOD.fwd(CALLER["lon"], CALLER["lat"], 90.0, 60.0)
    near = env.aim("ann", env.view("ann"), target={"lon": near_lon, "lat": near_lat})
    assert near.status_code == 200, near.text
    allowed = env.aim("sue", env.view("sue"), target=far, take_over=True)
    assert allowed.status_code == 200, allowed.text
    seen = direction_to(env.pose, lon=far_lon, lat=far_lat)
    assert AimResult.model_validate(allowed.json()).bearing_deg == pytest.approx(
        seen.bearing_deg, abs=0.01
    )


def test_only_the_tickets_holder_aims_and_an_ended_ticket_aims_nothing(env: Env) -> None:
    ann = env.view("ann")
    other = env.aim("bob", ann)
    assert other.status_code == 403
    assert "holder or a supervisor" in other.json()["detail"]
    gone = env.client.delete(
        f"/api/incidents/{env.incident_id}/views/{ann}", headers=env.keys["ann"]
    )
    assert gone.status_code == 204
    ended = env.aim("ann", ann)
    assert ended.status_code == 403
    assert ended.json()["code"] == "ticket_revoked"
    assert env.fake.head.moves == []
