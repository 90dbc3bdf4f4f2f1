"""``ptz/guard.py``: the camera's lock and the protected zones a move reaches, each refusal
audited once before it is raised."""

from __future__ import annotations

from typing import Any

import pytest

from camroute.ptz.aim import PtzPosition, Target, solve
from camroute.ptz.context import Actor, PtzContext, camera_setup
from camroute.ptz.errors import PtzLockedError
from camroute.ptz.guard import Asking, goal_zones, swept_zones, take_control
from camroute.ptz.protected import PtzProtectedZoneError

from .aim_env import GEOD, Env, add_zone, calibrate

ANN = Actor("ann", "dispatcher")
BOB = Actor("bob", "dispatcher")
SUE = Actor("sue", "supervisor", supervisor=True)


def _ctx(env: Env) -> PtzContext:
    return PtzContext(env.engine, lock_s=30.0)


def _lock(env: Env, actor: Actor, **kw: Any) -> Any:
    return take_control(_ctx(env), "PTZ-1", actor=actor, incident_id=None, ticket_id=None, **kw)


def test_the_holder_renews_others_are_refused_once_and_a_supervisor_takes_over(env: Env) -> None:
    first = _lock(env, ANN)
    assert _lock(env, ANN) >= first  # renewed, not refused
    with pytest.raises(PtzLockedError, match="controlled by ann"):
        _lock(env, BOB)
    with pytest.raises(PtzLockedError):
        _lock(env, SUE)  # a supervisor too, unless she takes over
    assert [e["actor"] for e in env.actions("ptz_refused")] == ["bob", "sue"]
    _lock(env, SUE, take_over=True)
    (taken,) = env.actions("ptz_taken_over")
    assert (taken["actor"], taken["details"]["taken_from"]) == ("sue", "ann")


def _toward(env: Env, bearing_deg: float, distance_m: float) -> Target:
    lon, lat, _ = GEOD.fwd(env.pose.lon, env.pose.lat, bearing_deg, distance_m)
    return Target(lon=lon, lat=lat, uncertainty_m=3.0)


def test_the_goal_and_the_way_are_judged_apart_and_each_refusal_audited_once(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-E", bearing_deg=90.0, distance_m=50.0, policy="never")
    with env.engine.connect() as conn:
        setup = camera_setup(conn, "PTZ-1", cipher=None)
    north = solve(setup.calibration, setup.pose, _toward(env, 0.0, 60.0)).position
    asking = Asking(ANN, None, None, None)
    assert goal_zones(_ctx(env), setup, north, asking) == []  # east is not in the picture
    assert env.actions("ptz_refused") == []
    start = PtzPosition(pan=0.0, tilt=0.0, zoom=0.0)  # home, 137 deg: the turn goes via east
    with pytest.raises(PtzProtectedZoneError, match="would sweep over"):
        swept_zones(_ctx(env), setup, north, asking, start=start, at_goal=[])
    (refused,) = env.actions("ptz_refused")
    assert refused["details"]["protected_zones"][0]["zone_id"] == "Z-E"
    east = solve(setup.calibration, setup.pose, _toward(env, 90.0, 50.0)).position
    with pytest.raises(PtzProtectedZoneError, match="would look into"):
        goal_zones(_ctx(env), setup, east, asking)
    assert len(env.actions("ptz_refused")) == 2
