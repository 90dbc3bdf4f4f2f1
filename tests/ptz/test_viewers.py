"""``ptz/viewers.py``: a move that shows a protected zone ends other users' views of the
camera; calibration does not turn a camera somebody watches."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from camroute.events.models import Event
from camroute.incidents.events import ViewChanged
from camroute.live.session import recheck_s as recheck_s_of
from camroute.live.tables import live_tickets
from camroute.ptz import viewers
from camroute.ptz.viewers import TURNED_TO_ZONE

from .aim_env import CALLER, Env, add_zone, calibrate

WHY = "caller reports a fire at the school gate"


def _ticket(env: Env, ticket_id: str) -> dict[str, Any]:
    with env.engine.connect() as conn:
        row = conn.execute(sa.select(live_tickets).where(live_tickets.c.id == ticket_id))
        return dict(row.mappings().one())


def _stream_refused(env: Env, who: str, ticket: str) -> Any:
    return env.client.post(
        f"/api/incidents/{env.incident_id}/views/{ticket}/renew", headers=env.keys[who]
    )


def test_a_supervisors_move_into_a_zone_ends_the_other_users_views_only(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    bus = env.client.app.state.events  # type: ignore[attr-defined]
    published: list[Event] = []
    monkeypatch.setattr(bus, "publish", lambda event: published.append(event) or event)
    calibrate(env)
    add_zone(env, "Z-SUP", bearing_deg=0.0, distance_m=60.0, policy="supervisor")
    bob = env.view("bob")  # the head faces 137 deg at home: no zone in the picture
    sue = env.view("sue")
    resp = env.aim("sue", sue, reason=WHY)  # north, past the caller: Z-SUP is in the picture
    assert resp.status_code == 200, resp.text
    assert resp.json()["closed_views"] == ["bob"]
    assert _ticket(env, bob)["revoked_because"] == TURNED_TO_ZONE
    assert _ticket(env, sue)["revoked_at"] is None
    (revoked,) = [e for e in env.actions("ticket_revoked") if e["actor"] == "bob"]
    assert revoked["details"] == {"ticket_id": bob, "because": TURNED_TO_ZONE}
    assert env.actions("ptz_moved")[-1]["details"]["closed_views"] == ["bob"]
    closing = [e for e in published if isinstance(e, ViewChanged) and e.because]
    assert [(e.kind, e.ticket_id, e.because) for e in closing] == [
        ("view.revoked", bob, TURNED_TO_ZONE)
    ]
    refused = _stream_refused(env, "bob", bob)
    assert (refused.status_code, refused.json()["code"]) == (403, "ticket_revoked")


def test_a_move_that_shows_no_zone_leaves_the_other_views_open(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-W", bearing_deg=250.0, distance_m=50.0, policy="supervisor")  # behind
    bob = env.view("bob")
    resp = env.aim("ann", env.view("ann"))
    assert resp.status_code == 200, resp.text
    assert resp.json()["closed_views"] == []
    assert _ticket(env, bob)["revoked_at"] is None
    assert "closed_views" not in env.actions("ptz_moved")[-1]["details"]


def test_a_refused_move_ends_no_view(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-SUP", bearing_deg=0.0, distance_m=60.0, policy="supervisor")
    bob = env.view("bob")
    assert env.aim("ann", env.view("ann")).status_code == 403  # a dispatcher: refused
    assert _ticket(env, bob)["revoked_at"] is None
    assert env.fake.head.moves == []


def test_a_nudge_waits_until_nobody_watches_the_camera(env: Env) -> None:
    ticket = env.view("bob")
    nudge = {"pan": 0.1}
    watched = env.client.post("/api/cameras/PTZ-1/ptz/nudge", json=nudge, headers=env.keys["gis"])
    assert watched.status_code == 409
    assert watched.json()["code"] == "ptz_watched"
    assert f"bob (incident {env.incident_id})" in watched.json()["detail"]
    assert env.fake.head.moves == []
    assert env.actions("ptz_refused")[-1]["details"]["code"] == "ptz_watched"
    ended = env.client.delete(
        f"/api/incidents/{env.incident_id}/views/{ticket}", headers=env.keys["bob"]
    )
    assert ended.status_code == 204
    moved = env.client.post("/api/cameras/PTZ-1/ptz/nudge", json=nudge, headers=env.keys["gis"])
    assert moved.status_code == 200, moved.text
    assert env.fake.head.moves


def _aim_in_background(env: Env, who: str, ticket: str, **body: Any) -> Callable[[], Any]:
    """Start an aim in a thread; return a call that waits for its answer."""
    out: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: out.setdefault("r", env.aim(who, ticket, **body)))
    moves = len(env.fake.head.moves)
    thread.start()
    deadline = time.monotonic() + 20.0
    while len(env.fake.head.moves) == moves and time.monotonic() < deadline:
        time.sleep(0.02)

    def answer() -> Any:
        thread.join()
        return out["r"]

    return answer


def _ask_view(env: Env, who: str, incident_id: str | None = None) -> Any:
    return env.client.post(
        f"/api/incidents/{incident_id or env.incident_id}/views",
        json={"camera_id": "PTZ-1", "purpose": "see the caller"},
        headers=env.keys[who],
    )


def test_a_ticket_asked_for_while_the_head_turns_is_judged_by_its_circle(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-SUP", bearing_deg=0.0, distance_m=60.0, policy="supervisor")
    env.fake.head.speed_per_s = 0.25  # the turn north takes about three seconds
    answer = _aim_in_background(env, "sue", env.view("sue"), reason=WHY)
    time.sleep(0.5)
    assert env.fake.head.now()[1], "the head should still be turning"
    mid_turn = _ask_view(env, "bob")  # mid-turn no zone is in the picture; where it goes, one is
    assert (mid_turn.status_code, mid_turn.json()["code"]) == (403, "protected_zone")
    assert "zones_judged_by" not in env.actions("ticket_denied")[-1]["details"]
    assert answer().status_code == 200


def test_a_move_that_fails_after_closing_views_says_so_in_its_refusal(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-SUP", bearing_deg=0.0, distance_m=60.0, policy="supervisor")
    bob = env.view("bob")
    sue = env.view("sue")
    env.fake.head.tilt_limit = (0.9, 1.0)  # the camera refuses the move itself
    resp = env.aim("sue", sue, reason=WHY)
    assert (resp.status_code, resp.json()["code"]) == (422, "ptz_refused")
    assert _ticket(env, bob)["revoked_because"] == TURNED_TO_ZONE
    assert env.actions("ptz_refused")[-1]["details"]["closed_views"] == ["bob"]


def test_no_view_is_closed_before_the_camera_has_answered_for_the_move(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-SUP", bearing_deg=0.0, distance_m=60.0, policy="supervisor")
    bob = env.view("bob")
    sue = env.view("sue")
    env.client.app.state.ptz_timeout_s = 1.0  # type: ignore[attr-defined]
    env.fake.delay_s["GetPresets"] = 2.0  # the camera hangs before the move
    resp = env.aim("sue", sue, reason=WHY)
    env.fake.delay_s.clear()
    assert resp.status_code == 504, resp.text
    assert env.fake.head.moves == []
    assert _ticket(env, bob)["revoked_at"] is None
    assert "closed_views" not in env.actions("ptz_refused")[-1]["details"]


def test_the_movers_own_view_for_another_incident_is_closed_too(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-SUP", bearing_deg=0.0, distance_m=60.0, policy="supervisor")
    first = env.view("sue")  # incident 1: judged with no zone in the picture, no reason
    call = {"call_id": "C-2", "hotline": "114", "location": CALLER}
    resp = env.client.post("/api/calls", json=call, headers=env.keys["cad"])
    other = resp.json()["id"]
    second = _ask_view(env, "sue", other).json()["ticket_id"]
    again = env.view("sue")  # incident 1 again: another ticket of the same user and incident
    aimed = env.client.post(
        f"/api/incidents/{other}/views/{second}/aim", json={"reason": WHY}, headers=env.keys["sue"]
    )
    assert aimed.status_code == 200, aimed.text
    assert aimed.json()["closed_views"] == ["sue"]
    assert _ticket(env, first)["revoked_because"] == TURNED_TO_ZONE
    assert _ticket(env, again)["revoked_because"] == TURNED_TO_ZONE
    assert _ticket(env, second)["revoked_at"] is None


def test_the_head_turns_only_once_the_closed_streams_have_rechecked(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[tuple[float, int]] = []
    clock = SimpleNamespace(sleep=lambda s: slept.append((s, len(env.fake.head.moves))))
    monkeypatch.setattr(viewers, "time", clock)
    calibrate(env)
    add_zone(env, "Z-SUP", bearing_deg=0.0, distance_m=60.0, policy="supervisor")
    env.view("bob")
    resp = env.aim("sue", env.view("sue"), reason=WHY)
    assert resp.status_code == 200, resp.text
    recheck_s = recheck_s_of(env.client.app.state.settings)  # type: ignore[attr-defined]
    assert slept == [(recheck_s, 0)]  # waited the streams' recheck, before any move was sent
    assert env.fake.head.moves


def test_a_ticket_asked_for_while_the_head_returns_home_is_judged_by_its_circle(
    env: Env,
) -> None:
    calibrate(env)
    head = env.fake.head
    pan, tilt = head.pan_tilt_for(250.0, -5.0)
    head.home = (pan, tilt, 0.0)  # the installer's home faces a school
    add_zone(env, "Z-HOME", bearing_deg=250.0, distance_m=60.0, policy="supervisor")
    ann = env.view("ann")
    assert env.aim("ann", ann).status_code == 200  # north: no zone
    assert (
        env.client.delete(
            f"/api/incidents/{env.incident_id}/views/{ann}", headers=env.keys["ann"]
        ).status_code
        == 204
    )
    head.speed_per_s = 0.3
    moves = len(head.moves)
    out: dict[str, Any] = {}
    release = f"/api/incidents/{env.incident_id}/views/{ann}/aim/release"
    thread = threading.Thread(
        target=lambda: out.setdefault("r", env.client.post(release, headers=env.keys["ann"]))
    )
    thread.start()
    while len(head.moves) == moves:
        time.sleep(0.02)
    time.sleep(0.5)
    on_the_way = _ask_view(env, "bob")
    thread.join()
    assert out["r"].json()["returned_home"] is True
    assert (on_the_way.status_code, on_the_way.json()["code"]) == (403, "protected_zone")


def _renew(env: Env, who: str, ticket: str) -> Any:
    return env.client.post(
        f"/api/incidents/{env.incident_id}/views/{ticket}/renew", headers=env.keys[who]
    )


def test_a_supervisors_reason_for_a_move_into_a_zone_keeps_her_view_renewable(env: Env) -> None:
    calibrate(env)
    add_zone(env, "Z-SUP", bearing_deg=0.0, distance_m=60.0, policy="supervisor")
    sue = env.view("sue")  # opened without a reason: no zone in the picture then
    assert env.aim("sue", sue, reason=WHY).status_code == 200
    assert _ticket(env, sue)["reason"] == WHY
    renewed = _renew(env, "sue", sue)  # the head shows the zone now, under her reason
    assert renewed.status_code == 200, renewed.text


def test_a_ticket_asked_for_while_someone_controls_the_camera_is_judged_by_its_circle(
    env: Env,
) -> None:
    calibrate(env)
    sue = env.view("sue")
    assert env.aim("sue", sue).status_code == 200  # she holds the lock now; no zone yet
    add_zone(env, "Z-SUP", bearing_deg=250.0, distance_m=60.0, policy="supervisor")  # behind
    held = _ask_view(env, "bob")  # the head faces north, but sue may turn it at any moment
    assert (held.status_code, held.json()["code"]) == (403, "protected_zone")
    released = env.client.post(
        f"/api/incidents/{env.incident_id}/views/{sue}/aim/release", headers=env.keys["sue"]
    )
    assert released.status_code == 200, released.text
    assert _ask_view(env, "bob").status_code == 201  # nobody controls it: judged by its aim


def test_a_renewal_keeps_the_judgement_while_the_head_cannot_say_where_it_points(
    env: Env,
) -> None:
    calibrate(env)
    bob = env.view("bob")  # at home, no zone anywhere
    add_zone(env, "Z-NEVER", bearing_deg=137.0, distance_m=60.0, policy="never")  # at home
    with env.engine.begin() as conn:
        url = conn.execute(sa.text("SELECT onvif_url FROM cameras WHERE id = 'PTZ-1'")).scalar()
        conn.execute(  # nothing listens there: the head cannot be asked for now
            sa.text("UPDATE cameras SET onvif_url = :u WHERE id = 'PTZ-1'"),
            {"u": "http://127.0.0.1:9/onvif/device_service"},
        )
    unanswered = _renew(env, "bob", bob)  # asked again at the next renewal
    assert unanswered.status_code == 200, unanswered.text
    with env.engine.begin() as conn:
        conn.execute(sa.text("UPDATE cameras SET onvif_url = :u WHERE id = 'PTZ-1'"), {"u": url})
    answered = _renew(env, "bob", bob)
    assert (answered.status_code, answered.json()["code"]) == (403, "ticket_revoked")
    assert "Trường Z-NEVER" in answered.json()["detail"]


def test_a_ptz_camera_without_onvif_is_judged_by_its_circle_at_renewal(env: Env) -> None:
    bob = env.view("bob")
    with env.engine.begin() as conn:
        conn.execute(sa.text("UPDATE cameras SET onvif_url = NULL WHERE id = 'PTZ-1'"))
    add_zone(env, "Z-NEVER", bearing_deg=250.0, distance_m=60.0, policy="never")  # in its circle
    renewed = _renew(env, "bob", bob)
    assert (renewed.status_code, renewed.json()["code"]) == (403, "ticket_revoked")
    assert _ticket(env, bob)["revoked_because"] == "rules_changed"


def test_a_camera_removed_from_the_registry_ends_its_views_at_renewal(env: Env) -> None:
    bob = env.view("bob", camera_id="FIX-1")
    with env.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM cameras WHERE id = 'FIX-1'"))
    renewed = _renew(env, "bob", bob)
    assert (renewed.status_code, renewed.json()["code"]) == (403, "ticket_revoked")
    assert "removed from the registry" in renewed.json()["detail"]
