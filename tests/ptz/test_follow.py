"""The tile's PTZ state over HTTP: aim-follow, who holds the lock, do-not-move, the settings."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from camroute.ptz import store
from camroute.ptz.geometry import direction_to
from camroute.ptz.models import AimResult, ControlRead, PtzTileRead

from .aim_env import CALLER, GEOD, Env, add_zone, calibrate


def _tile(env: Env, who: str, ticket: str) -> PtzTileRead:
    resp = env.client.get(
        f"/api/incidents/{env.incident_id}/views/{ticket}/ptz", headers=env.keys[who]
    )
    assert resp.status_code == 200, resp.text
    return PtzTileRead.model_validate(resp.json())


def _follow(env: Env, who: str, ticket: str, on: bool, reason: str | None = None) -> Any:
    body: dict[str, Any] = {"follow": on} if reason is None else {"follow": on, "reason": reason}
    return env.client.put(
        f"/api/incidents/{env.incident_id}/views/{ticket}/aim/follow",
        json=body,
        headers=env.keys[who],
    )


def _move_caller(env: Env, *, east_m: float) -> dict[str, float]:
    lon, lat, _ = GEOD.fwd(CALLER["lon"], CALLER["lat"], 90.0, east_m)
    where = {"lon": lon, "lat": lat, "uncertainty_m": 8.0}
    call = {"call_id": "C-1", "hotline": "115", "location": where}
    resp = env.client.post("/api/calls", json=call, headers=env.keys["cad"])
    assert resp.status_code == 200, resp.text
    return where


def _wait_refused(env: Env, who: str, count: int, *, within_s: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        refused = [e for e in env.actions("ptz_refused") if e["actor"] == who]
        if len(refused) >= count:
            return refused[-1]
        time.sleep(0.1)
    raise AssertionError(f"no {count} refusal(s) of {who} within {within_s} s")


def _wait_follow_moves(env: Env, count: int, *, within_s: float = 20.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        moved = [e for e in env.actions("ptz_moved") if e["details"].get("follow")]
        if len(moved) >= count:
            return moved
        time.sleep(0.1)
    raise AssertionError(f"no {count} follow move(s) within {within_s} s")


def test_a_location_update_re_aims_a_following_camera_at_the_new_place(env: Env) -> None:
    calibrate(env)
    ticket = env.view("ann")
    assert env.aim("ann", ticket).status_code == 200
    on = _follow(env, "ann", ticket, True)
    assert on.status_code == 200, on.text
    assert PtzTileRead.model_validate(on.json()).follow is True
    assert env.actions("ptz_follow")[-1]["details"]["follow"] is True
    moves_before = len(env.fake.head.moves)
    where = _move_caller(env, east_m=35.0)
    moved = _wait_follow_moves(env, 1)
    assert moved[-1]["actor"] == "ann"
    assert moved[-1]["details"]["ticket_id"] == ticket
    assert len(env.fake.head.moves) > moves_before
    last = _tile(env, "ann", ticket).last_aim
    assert last is not None
    seen = direction_to(env.pose, lon=where["lon"], lat=where["lat"])
    assert last.bearing_deg == pytest.approx(seen.bearing_deg, abs=0.05)
    assert last.residual_deg < 1.0


def test_a_follow_turned_on_after_unfollowed_updates_takes_the_next_one(env: Env) -> None:
    """The process keeps who follows: an update seen unfollowed must not hide a later follow."""
    calibrate(env)
    ticket = env.view("ann")
    assert env.aim("ann", ticket).status_code == 200
    _move_caller(env, east_m=10.0)  # nobody follows yet: the process notes that
    time.sleep(0.5)
    followed = env.client.app.state.ptz_followed  # type: ignore[attr-defined]
    assert followed.surely_unfollowed(env.incident_id)
    assert _follow(env, "ann", ticket, True).status_code == 200
    _move_caller(env, east_m=35.0)
    moved = _wait_follow_moves(env, 1)
    assert moved[-1]["details"]["ticket_id"] == ticket


def test_without_follow_a_location_update_moves_nothing(env: Env) -> None:
    calibrate(env)
    ticket = env.view("ann")
    assert env.aim("ann", ticket).status_code == 200
    assert _follow(env, "ann", ticket, True).status_code == 200
    off = _follow(env, "ann", ticket, False)
    assert PtzTileRead.model_validate(off.json()).follow is False
    moves_before = len(env.fake.head.moves)
    _move_caller(env, east_m=35.0)
    time.sleep(2.0)  # the follow loop had the update: it must leave the camera alone
    assert len(env.fake.head.moves) == moves_before
    assert not [e for e in env.actions("ptz_moved") if e["details"].get("follow")]


def test_follow_respects_the_lock_of_another_dispatcher(env: Env) -> None:
    calibrate(env)
    ann, bob = env.view("ann"), env.view("bob")
    assert _follow(env, "ann", ann, True).status_code == 200
    assert env.aim("bob", bob).status_code == 200  # bob controls it now
    _move_caller(env, east_m=35.0)
    deadline = time.monotonic() + 20.0
    while time.monotonic() < deadline and not [
        e for e in env.actions("ptz_refused") if e["actor"] == "ann"
    ]:
        time.sleep(0.1)
    refused = [e for e in env.actions("ptz_refused") if e["actor"] == "ann"]
    assert refused, "the follow re-aim was not refused"
    assert "controlled by bob" in refused[-1]["details"]["why"]


def test_follow_on_a_camera_that_cannot_move_is_a_422(env: Env) -> None:
    resp = _follow(env, "ann", env.view("ann", "FIX-1"), True)
    assert resp.status_code == 422
    assert resp.json()["code"] == "ptz_unsupported"


def test_the_locked_problem_and_the_tile_name_the_holder_until_when(env: Env) -> None:
    ann, bob, sue = env.view("ann"), env.view("bob"), env.view("sue")
    assert env.aim("ann", ann).status_code == 200
    refused = env.aim("bob", bob)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["holder"] == "ann"
    assert problem["holder_role"] == "dispatcher"
    until = datetime.fromisoformat(problem["lock_until"])
    assert 0 < (until - datetime.now(UTC)).total_seconds() <= 31
    seen_by_bob = _tile(env, "bob", bob).control
    assert (seen_by_bob.holder, seen_by_bob.yours) == ("ann", False)
    assert seen_by_bob.lock_until == until
    assert _tile(env, "ann", ann).control.yours is True
    assert env.aim("sue", sue, take_over=True).status_code == 200
    seen_by_ann = _tile(env, "ann", ann).control
    assert (seen_by_ann.holder, seen_by_ann.holder_role) == ("sue", "supervisor")
    assert seen_by_ann.yours is False


def test_a_free_lock_shows_no_holder(env: Env) -> None:
    ticket = env.view("ann")
    control = _tile(env, "ann", ticket).control
    assert control.holder is None
    assert control.yours is False
    assert control.do_not_move is False


@pytest.mark.parametrize(("who", "status"), [("gis", 200), ("sue", 200), ("ann", 403)])
def test_do_not_move_is_set_by_gis_staff_and_supervisors(env: Env, who: str, status: int) -> None:
    resp = env.client.put(
        "/api/cameras/PTZ-1/ptz/do-not-move", json={"do_not_move": True}, headers=env.keys[who]
    )
    assert resp.status_code == status, resp.text
    aimed = env.aim("ann", env.view("ann"))
    if status == 200:
        assert ControlRead.model_validate(resp.json()).do_not_move is True
        event = env.actions("ptz_do_not_move")[-1]
        assert (event["actor"], event["details"]["do_not_move"]) == (who, True)
        assert aimed.status_code == 403
        assert aimed.json()["code"] == "ptz_do_not_move"
    else:
        assert env.actions("ptz_do_not_move") == []
        assert aimed.status_code == 200, aimed.text


def test_do_not_move_cleared_lets_the_camera_move_again(env: Env) -> None:
    url = "/api/cameras/PTZ-1/ptz/do-not-move"
    env.client.put(url, json={"do_not_move": True}, headers=env.keys["gis"])
    cleared = env.client.put(url, json={"do_not_move": False}, headers=env.keys["gis"])
    assert ControlRead.model_validate(cleared.json()).do_not_move is False
    assert env.aim("ann", env.view("ann")).status_code == 200
    assert [e["details"]["do_not_move"] for e in env.actions("ptz_do_not_move")] == [True, False]


def test_do_not_move_of_an_unknown_camera_is_a_404(env: Env) -> None:
    resp = env.client.put(
        "/api/cameras/NOPE/ptz/do-not-move", json={"do_not_move": True}, headers=env.keys["gis"]
    )
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("application/problem+json")


def test_the_lock_lasts_the_configured_seconds(env: Env) -> None:
    state = env.client.app.state  # type: ignore[attr-defined]
    state.settings = state.settings.model_copy(update={"ptz_lock_s": 90.0})
    resp = env.aim("ann", env.view("ann"))
    assert resp.status_code == 200, resp.text
    left_s = (AimResult.model_validate(resp.json()).lock_expires_at - datetime.now(UTC)).seconds
    assert 80 <= left_s <= 90


def test_ptz_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from camroute.settings import Settings

    monkeypatch.setenv("CAMROUTE_PTZ_LOCK_S", "45")
    monkeypatch.setenv("CAMROUTE_PTZ_SETTLE_TIMEOUT_S", "3.5")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.ptz_lock_s, settings.ptz_settle_timeout_s) == (45.0, 3.5)
    monkeypatch.setenv("CAMROUTE_PTZ_LOCK_S", "1")
    with pytest.raises(ValueError, match="ptz_lock_s"):
        Settings(_env_file=None)  # type: ignore[call-arg]


WHY = "the caller is trapped by the fire at the school gate"


def test_a_supervisors_follow_enters_a_supervisor_zone_only_with_her_written_reason(
    env: Env,
) -> None:
    calibrate(env)
    add_zone(env, "Z-SUP", bearing_deg=0.0, distance_m=60.0, policy="supervisor")  # past the caller
    sue = env.view("sue")
    assert env.aim("sue", sue, reason=WHY).status_code == 200
    assert _follow(env, "sue", sue, True).status_code == 200  # no reason given
    _move_caller(env, east_m=5.0)
    refused = _wait_refused(env, "sue", 1)
    assert refused["details"]["code"] == "ptz_protected_zone"
    assert "written reason" in refused["details"]["why"]
    assert not [e for e in env.actions("ptz_moved") if e["details"].get("follow")]
    on = _follow(env, "sue", sue, True, reason=f"  {WHY}  ")
    assert on.status_code == 200, on.text
    assert env.actions("ptz_follow")[-1]["details"]["reason"] == WHY  # kept without the blanks
    _move_caller(env, east_m=10.0)
    (moved,) = _wait_follow_moves(env, 1)
    assert moved["actor"] == "sue"
    assert moved["details"]["reason"] == WHY
    assert moved["details"]["protected_zones"][0]["zone_id"] == "Z-SUP"


def test_a_follow_reason_is_checked_when_given_and_dropped_when_the_follow_ends(
    env: Env,
) -> None:
    sue = env.view("sue")
    short = _follow(env, "sue", sue, True, reason="because")
    assert short.status_code == 422
    assert short.headers["content-type"].startswith("application/problem+json")
    assert "reason" in short.text
    assert _follow(env, "sue", sue, True, reason=WHY).status_code == 200
    with env.engine.connect() as conn:
        assert store.follow_reason(conn, sue) == WHY
    assert _follow(env, "sue", sue, False, reason=WHY).status_code == 200
    assert _follow(env, "sue", sue, True).status_code == 200
    with env.engine.connect() as conn:
        assert store.follow_reason(conn, sue) is None
    off, on = env.actions("ptz_follow")[-2:]
    assert "reason" not in off["details"]
    assert "reason" not in on["details"]
