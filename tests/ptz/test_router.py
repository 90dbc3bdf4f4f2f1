"""``POST /api/incidents/{id}/views/{ticket}/aim`` against the fake PTZ camera, end to end."""

from __future__ import annotations

import time
from typing import Any

import pytest

from camroute.ptz import checks
from camroute.ptz.admin import mark_do_not_move
from camroute.ptz.context import PtzContext
from camroute.ptz.geometry import angle_between_deg, direction_to
from camroute.ptz.homing import return_idle_home
from camroute.ptz.models import AimResult, ReleaseResult

from .aim_env import CALLER, GEOD, Env, calibrate


def _true_error_deg(env: Env, result: AimResult) -> float:
    seen = direction_to(env.pose, lon=CALLER["lon"], lat=CALLER["lat"])
    got = env.fake.head.direction(result.read_back.pan, result.read_back.tilt)
    return angle_between_deg(got, (seen.bearing_deg, seen.tilt_deg))


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
    calibration = calibrate(env)
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
    assert "GetPresets" not in env.fake.calls  # refused on the link, before anything is asked
    (refused,) = env.actions("ptz_refused")  # audited once
    assert "do-not-move" in refused["details"]["why"]


def test_a_slow_store_while_deciding_is_not_counted_against_the_camera(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = checks.take_control

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.5)  # the lock's transaction waits on another writer
        return real(*args, **kwargs)

    monkeypatch.setattr(checks, "take_control", slow)
    env.client.app.state.ptz_timeout_s = 1.2  # type: ignore[attr-defined]
    resp = env.aim("ann", env.view("ann"))
    assert resp.status_code == 200, resp.text  # was 504, with the camera locked and unmoved
    assert env.fake.head.moves


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
    calibrate(env)
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
