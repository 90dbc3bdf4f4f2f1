"""Protected zones and PTZ: a move is judged by the view it would give, a ticket by the aim now.

PTZ-1 stands 40 m south of the caller with a 200 m range, so its whole circle reaches every
zone placed here; after calibration its head at home faces 137 deg (south-east).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from camroute.cameras.tables import cameras
from camroute.ptz import store
from camroute.ptz.known import KnownDevices

from .aim_env import GEOD, Env, add_zone, calibrate


def _toward(env: Env, *, bearing_deg: float, distance_m: float) -> dict[str, float]:
    lon, lat, _ = GEOD.fwd(env.pose.lon, env.pose.lat, bearing_deg, distance_m)
    return {"lon": lon, "lat": lat, "uncertainty_m": 3.0}


def _details(env: Env, action: str) -> list[dict[str, Any]]:
    return [e["details"] for e in env.actions(action)]


def test_aiming_into_a_never_zone_is_refused_naming_it_and_nothing_moves(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-N", bearing_deg=0.0, distance_m=60.0, policy="never")  # just past the caller
    resp = env.aim("sue", env.view("sue"))
    assert resp.status_code == 403
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["code"] == "ptz_protected_zone"
    assert "'Trường Z-N'" in body["detail"]
    assert "never" in body["detail"]
    assert [z["zone_id"] for z in body["zones"]] == ["Z-N"]
    assert env.fake.head.moves == []
    refused = _details(env, "ptz_refused")
    assert refused[-1]["code"] == "ptz_protected_zone"
    assert refused[-1]["protected_zones"][0]["zone_id"] == "Z-N"
    assert env.actions("ptz_moved") == []


def test_a_never_zone_outside_the_aimed_view_does_not_stop_the_move(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-S", bearing_deg=200.0, distance_m=30.0, policy="never")  # behind the camera
    ticket = env.view("ann")  # its circle reaches Z-S, the head (137 deg) does not see it
    resp = env.aim("ann", ticket)
    assert resp.status_code == 200, resp.text
    assert env.fake.head.moves
    toward_zone = env.aim("ann", ticket, target=_toward(env, bearing_deg=200.0, distance_m=30.0))
    assert toward_zone.status_code == 403
    assert toward_zone.json()["zones"][0]["zone_id"] == "Z-S"


@pytest.mark.parametrize(
    ("bearing_deg", "distance_m", "looks"),
    [(0.0, 60.0, "would look into"), (90.0, 50.0, "would sweep over")],
    ids=["at the goal", "on the way"],  # north, past the caller; east, turned through
)
def test_a_supervisor_zone_refuses_dispatchers_and_needs_a_supervisors_reason(
    env: Env, bearing_deg: float, distance_m: float, looks: str
) -> None:
    calibrate(env)
    add_zone(env, "Z-SUP", bearing_deg=bearing_deg, distance_m=distance_m, policy="supervisor")
    ann, sue = env.view("ann"), env.view("sue")
    refused = env.aim("ann", ann)
    assert refused.status_code == 403
    assert f"{looks} protected zone" in refused.json()["detail"]
    assert "only a supervisor may point it there" in refused.json()["detail"]
    bare = env.aim("sue", sue)
    assert bare.status_code == 403
    assert "written reason" in bare.json()["detail"]
    assert env.fake.head.moves == []
    why = "caller reports a fire at the school gate"
    allowed = env.aim("sue", sue, reason=why)
    assert allowed.status_code == 200, allowed.text
    moved = _details(env, "ptz_moved")[-1]
    assert moved["reason"] == why
    assert [z["zone_id"] for z in moved["protected_zones"]] == ["Z-SUP"]


def test_ptz_ticket_is_judged_by_where_the_head_points_now(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-W", bearing_deg=250.0, distance_m=50.0, policy="never")
    ticket = env.view("ann")  # the home aim faces 137 deg: Z-W is not in the picture
    issued = _details(env, "ticket_issued")[-1]
    assert issued["ticket_id"] == ticket
    assert issued["zones_judged_by"] == "ptz_current_aim"
    assert "protected_zones" not in issued


def test_ptz_ticket_is_refused_when_the_head_looks_into_a_never_zone_now(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-SE", bearing_deg=137.0, distance_m=50.0, policy="never")
    resp = env.client.post(
        f"/api/incidents/{env.incident_id}/views",
        json={"camera_id": "PTZ-1", "purpose": "see the caller"},
        headers=env.keys["sue"],
    )
    assert resp.status_code == 403
    assert resp.json()["code"] == "protected_zone"
    assert "Trường Z-SE" in resp.json()["detail"]
    assert _details(env, "ticket_denied")[-1]["zones_judged_by"] == "ptz_current_aim"


def test_ptz_ticket_falls_back_to_the_circle_when_the_head_cannot_be_read(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-W", bearing_deg=250.0, distance_m=50.0, policy="never")
    with env.engine.begin() as conn:  # nothing listens there: the aim is unknown
        conn.execute(
            sa.update(cameras)
            .where(cameras.c.id == "PTZ-1")
            .values(onvif_url="http://127.0.0.1:9/onvif/device_service")
        )
    resp = env.client.post(
        f"/api/incidents/{env.incident_id}/views",
        json={"camera_id": "PTZ-1", "purpose": "see the caller"},
        headers=env.keys["sue"],
    )
    assert resp.status_code == 403
    assert resp.json()["code"] == "protected_zone"
    assert "zones_judged_by" not in _details(env, "ticket_denied")[-1]


def test_a_turn_that_would_sweep_over_a_never_zone_is_refused_and_nothing_moves(env: Env) -> None:
    calibrate(env)
    # From home (137 deg) to the caller (0 deg) the head turns anticlockwise, through east.
    add_zone(env, "Z-E", bearing_deg=90.0, distance_m=50.0, policy="never")
    ticket = env.view("ann")
    resp = env.aim("ann", ticket)
    assert resp.status_code == 403, resp.text
    body = resp.json()
    assert body["code"] == "ptz_protected_zone"
    assert "would sweep over protected zone 'Trường Z-E'" in body["detail"]
    assert [z["zone_id"] for z in body["zones"]] == ["Z-E"]
    assert env.fake.head.moves == []
    (refused,) = _details(env, "ptz_refused")  # audited once
    assert refused["protected_zones"][0]["zone_id"] == "Z-E"
    with env.engine.connect() as conn:  # judged before the lock: nobody holds the camera
        assert store.ensure_control(conn, "PTZ-1", now=datetime.now(UTC)).holder is None


def test_an_aim_reads_the_head_and_moves_it_on_one_link(env: Env) -> None:
    calibrate(env)
    ticket = env.view("ann")
    env.client.app.state.ptz_known = KnownDevices()  # type: ignore[attr-defined]
    links = env.fake.calls.count("GetProfiles")  # each new link asks for the media profiles
    resp = env.aim("ann", ticket)
    assert resp.status_code == 200, resp.text
    assert env.fake.calls.count("GetProfiles") == links + 1
    assert env.fake.head.moves
    # The camera is now kept: the next aim asks it for nothing but the move.
    since = len(env.fake.calls)
    assert env.aim("ann", ticket).status_code == 200
    assert not {"GetServices", "GetProfiles"} & set(env.fake.calls[since:])


def test_a_head_that_cannot_say_where_it_points_is_not_moved_and_the_refusal_is_audited(
    env: Env,
) -> None:
    calibrate(env)
    ticket = env.view("ann")
    env.client.app.state.ptz_timeout_s = 1.0  # type: ignore[attr-defined]
    env.fake.delay_s["GetStatus"] = 2.0
    resp = env.aim("ann", ticket)
    env.fake.delay_s.clear()
    assert resp.status_code == 504, resp.text
    assert "did not finish reading its position within 1 s" in resp.json()["detail"]
    assert env.fake.head.moves == []
    assert [d["code"] for d in _details(env, "ptz_refused")] == [resp.json()["code"]]


def test_only_the_bearings_the_head_turns_through_are_judged(env: Env) -> None:
    calibrate(env)
    ticket = env.view("ann")
    assert env.aim("ann", ticket).status_code == 200  # the head faces the caller (north) now
    add_zone(env, "Z-E", bearing_deg=90.0, distance_m=50.0, policy="never")
    again = env.aim("ann", ticket)  # no turn: east stays out of the picture
    assert again.status_code == 200, again.text
    north_west = _toward(env, bearing_deg=330.0, distance_m=60.0)  # on anticlockwise
    assert env.aim("ann", ticket, target=north_west).status_code == 200
    # The pan stops at 317 deg (pan +-1 from 137 deg), so 300 deg is reached the long way
    # round, clockwise through east, as is 150 deg.
    for bearing in (300.0, 150.0):
        target = _toward(env, bearing_deg=bearing, distance_m=60.0)
        refused = env.aim("ann", ticket, target=target)
        assert refused.status_code == 403, bearing
        assert "would sweep over" in refused.json()["detail"]


def _wide_preset_on_the_caller(env: Env, who: str) -> tuple[str, dict[str, Any]]:
    """``who``'s ticket, aimed at the caller, and a stored preset on that spot at the widest
    zoom (62 deg): as good a view of the caller, and it lands exactly, so an aim would take
    it. Returns the ticket and the aim's answer."""
    calibrate(env)
    ticket = env.view(who)
    first: dict[str, Any] = env.aim(who, ticket).json()  # the caller fills the picture
    at = first["requested"]
    env.fake.head.presets = {"7": ("Toàn cảnh", (at["pan"], at["tilt"], 0.0))}
    return ticket, first


def test_a_wider_preset_is_not_used_where_its_picture_reaches_a_zone_the_aim_does_not(
    env: Env,
) -> None:
    ticket, first = _wide_preset_on_the_caller(env, "ann")
    assert first["move"] == "absolute"
    at = first["requested"]
    # The preset's picture reaches a never zone 32 deg off the caller's bearing (a 10 m
    # square: 23-41 deg) that the computed picture does not.
    assert first["hfov_deg"] / 2 + first["expected_error_deg"] < 22.0, first
    add_zone(env, "Z-WIDE", bearing_deg=32.0, distance_m=45.0, policy="never")
    again = env.aim("ann", ticket)
    assert again.status_code == 200, again.text
    assert again.json()["move"] == "absolute"
    assert again.json()["preset_name"] is None
    assert env.fake.head.moves[-1][2] == pytest.approx(at["zoom"])
    assert "protected_zones" not in _details(env, "ptz_moved")[-1]


def test_a_preset_is_judged_by_its_own_picture_and_used_when_nothing_refuses_it(
    env: Env,
) -> None:
    ticket, first = _wide_preset_on_the_caller(env, "ann")
    at = first["requested"]
    add_zone(env, "Z-FAR", bearing_deg=60.0, distance_m=45.0, policy="never")  # beyond 31 deg
    again = env.aim("ann", ticket)
    assert again.status_code == 200, again.text
    assert (again.json()["move"], again.json()["preset_name"]) == ("preset", "Toàn cảnh")
    assert env.fake.head.moves[-1] == (at["pan"], at["tilt"], 0.0)


def test_a_supervisor_with_a_reason_is_not_given_a_wider_preset_reaching_another_zone(
    env: Env,
) -> None:
    ticket, _ = _wide_preset_on_the_caller(env, "sue")
    add_zone(env, "Z-SUP", bearing_deg=32.0, distance_m=45.0, policy="supervisor")
    why = "caller reports smoke near the school fence"
    again = env.aim("sue", ticket, reason=why)
    assert again.status_code == 200, again.text
    assert (again.json()["move"], again.json()["preset_name"]) == ("absolute", None)
    assert "protected_zones" not in _details(env, "ptz_moved")[-1]


def test_a_preset_whose_wider_sweep_passes_over_a_zone_is_not_used(env: Env) -> None:
    calibrate(env)
    ticket = env.view("ann")
    at = env.aim("ann", ticket).json()["requested"]  # the computed move at the caller (north)
    # The head is then sent east, zoomed in on a spot 100 m away (a picture 4 deg wide).
    east = env.aim("ann", ticket, target={**_toward(env, bearing_deg=90.0, distance_m=100.0)})
    assert east.status_code == 200, east.text
    assert east.json()["hfov_deg"] < 6.0
    # Turning back north sweeps the bearings between; the wide preset's picture (62 deg) sweeps
    # 12 deg further each side than the computed one's, over a never zone at 119-131 deg that
    # the preset's own picture at the goal (north, +-31 deg) does not reach.
    env.fake.head.presets = {"7": ("Toàn cảnh", (at["pan"], at["tilt"], 0.0))}
    add_zone(env, "Z-WAY", bearing_deg=125.0, distance_m=45.0, policy="never")
    back = env.aim("ann", ticket)
    assert back.status_code == 200, back.text
    assert (back.json()["move"], back.json()["preset_name"]) == ("absolute", None)
    assert env.fake.head.moves[-1][2] == pytest.approx(at["zoom"])
