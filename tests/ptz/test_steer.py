"""GIS staff calibrate by hand over HTTP: nudge the head onto landmarks, read it, fit, save."""

from __future__ import annotations

from typing import Any

import pytest

from camroute.ptz.geometry import direction_to
from camroute.ptz.models import AimResult, CalibrationFit, PtzStatus

from .aim_env import GEOD, Env


def _nudge(env: Env, who: str = "gis", **steps: float) -> Any:
    return env.client.post("/api/cameras/PTZ-1/ptz/nudge", json=steps, headers=env.keys[who])


def _status(env: Env) -> PtzStatus:
    resp = env.client.get("/api/cameras/PTZ-1/ptz/status", headers=env.keys["gis"])
    assert resp.status_code == 200, resp.text
    return PtzStatus.model_validate(resp.json())


def _steer_to(env: Env, pan: float, tilt: float) -> PtzStatus:
    """Nudge in steps of at most 0.5 until the head is at ``pan``, ``tilt``."""
    here = _status(env).position
    while abs(here.pan - pan) > 1e-6 or abs(here.tilt - tilt) > 1e-6:
        step = {
            "pan": max(-0.5, min(0.5, pan - here.pan)),
            "tilt": max(-0.5, min(0.5, tilt - here.tilt)),
        }
        resp = _nudge(env, **step)
        assert resp.status_code == 200, resp.text
        here = PtzStatus.model_validate(resp.json()).position
    return _status(env)


def test_a_nudge_turns_the_head_by_the_step_and_is_audited(env: Env) -> None:
    assert _status(env).position.pan == 0.0
    since = len(env.fake.calls)
    resp = _nudge(env, pan=0.1, tilt=-0.05)
    assert resp.status_code == 200, resp.text
    # Read and moved on one link, on what the status read kept: no discovery asked again.
    assert env.fake.calls[since : since + 2] == ["GetStatus", "AbsoluteMove"]
    assert not {"GetServices", "GetProfiles"} & set(env.fake.calls[since:])
    after = PtzStatus.model_validate(resp.json()).position
    assert after.pan == pytest.approx(0.1, abs=1e-4)
    assert after.tilt == pytest.approx(-0.05, abs=1e-4)
    event = env.actions("ptz_moved")[-1]
    assert event["actor"] == "gis"
    assert event["details"]["calibration"] is True
    assert event["details"]["from"]["pan"] == 0.0


def test_a_nudge_waits_for_a_dispatchers_lock_and_a_do_not_move_mark(env: Env) -> None:
    ticket = env.view("ann")
    assert env.aim("ann", ticket).status_code == 200
    ended = env.client.delete(
        f"/api/incidents/{env.incident_id}/views/{ticket}", headers=env.keys["ann"]
    )
    assert ended.status_code == 204  # nobody watches; ann's lock outlives her view
    locked = _nudge(env, pan=0.1)
    assert locked.status_code == 409
    assert locked.json()["holder"] == "ann"
    released = env.client.put(
        "/api/cameras/PTZ-1/ptz/do-not-move", json={"do_not_move": True}, headers=env.keys["gis"]
    )
    assert released.status_code == 200
    assert _nudge(env, pan=0.1).json()["code"] == "ptz_do_not_move"


@pytest.mark.parametrize("steps", [{"pan": 0.9}, {"zoom": -0.6}])
def test_a_nudge_larger_than_half_a_unit_is_refused_naming_the_axis(
    env: Env, steps: dict[str, float]
) -> None:
    resp = _nudge(env, **steps)
    assert resp.status_code == 422
    assert next(iter(steps)) in str(resp.json()["errors"])
    assert env.fake.head.moves == []


def test_dispatchers_cannot_steer_or_read_the_head(env: Env) -> None:
    assert _nudge(env, "ann", pan=0.1).status_code == 403
    status = env.client.get("/api/cameras/PTZ-1/ptz/status", headers=env.keys["ann"])
    assert status.status_code == 403


def test_three_landmarks_steered_by_hand_fit_then_save_and_aim_within_a_degree(env: Env) -> None:
    head, marks = env.fake.head, []
    for bearing, dist in ((20.0, 60.0), (140.0, 80.0), (260.0, 120.0)):
        lon, lat, _ = GEOD.fwd(env.pose.lon, env.pose.lat, bearing, dist)
        seen = direction_to(env.pose, lon=lon, lat=lat)
        pan, tilt = head.pan_tilt_for(seen.bearing_deg, seen.tilt_deg)  # the installer's eye
        at = _steer_to(env, round(pan, 4), round(tilt, 4)).position
        marks.append({"lon": lon, "lat": lat, "pan": at.pan, "tilt": at.tilt})
    zoom = [{"zoom": z, "hfov_deg": head.hfov_deg(z)} for z in (0, 0.05, 0.1, 0.2, 0.35, 0.5, 1)]
    body = {"landmarks": marks, "zoom_points": zoom}
    fitted = env.client.post(
        "/api/cameras/PTZ-1/ptz/calibration/fit", json=body, headers=env.keys["gis"]
    )
    assert fitted.status_code == 200, fitted.text
    fit = CalibrationFit.model_validate(fitted.json())
    assert fit.fit_error_deg < 0.2
    assert env.actions("ptz_calibrated") == []  # a fit is not stored
    saved = env.client.put("/api/cameras/PTZ-1/ptz/calibration", json=body, headers=env.keys["gis"])
    assert saved.status_code == 200, saved.text
    assert saved.json()["source"] == "measured"
    aimed = env.aim("ann", env.view("ann"))
    assert aimed.status_code == 200, aimed.text
    assert AimResult.model_validate(aimed.json()).residual_deg < 1.0


def test_a_fit_of_one_landmark_is_a_422_naming_landmarks(env: Env) -> None:
    one = {"landmarks": [{"lon": env.pose.lon, "lat": env.pose.lat + 0.0005, "pan": 0, "tilt": 0}]}
    resp = env.client.post(
        "/api/cameras/PTZ-1/ptz/calibration/fit", json=one, headers=env.keys["gis"]
    )
    assert resp.status_code == 422
    assert "landmarks" in str(resp.json()["errors"])
