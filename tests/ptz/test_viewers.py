"""``ptz/viewers.py``: a move that shows a protected zone ends other users' views of the
camera; calibration does not turn a camera somebody watches."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from camroute.events.models import Event
from camroute.incidents.events import ViewChanged
from camroute.live.tables import live_tickets
from camroute.ptz.viewers import TURNED_TO_ZONE

from .aim_env import Env, add_zone, calibrate

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
