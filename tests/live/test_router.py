from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from camroute.audit.tables import audit_events
from camroute.live.models import ViewRead

PROBLEM = "application/problem+json"


def test_the_incident_ranks_the_cameras_that_see_the_caller(api) -> None:
    incident = api.open_incident()
    ranked = {c["camera_id"] for c in incident["route"]["cameras"]}
    assert {"SIM-1", "FF-1", "RESTR-1"} <= ranked
    assert "FAR-1" not in ranked
    assert "NEAR-BACK" not in ranked


def test_a_ranked_camera_gets_a_ticket(api) -> None:
    incident = api.open_incident()
    resp = api.view(incident["id"], "SIM-1")
    assert resp.status_code == 201, resp.text
    view = ViewRead.model_validate(resp.json())
    assert view.snapshot_url == f"/api/live/{view.ticket}/snapshot.jpg"
    assert view.mjpeg_url == f"/api/live/{view.ticket}/mjpeg"
    now = datetime.now(UTC)
    assert now < view.expires_at <= now + timedelta(minutes=10)


@pytest.mark.parametrize(
    ("camera_id", "who", "reason", "status", "code"),
    [
        ("SIM-1", "ann", None, 201, None),
        ("NEAR-BACK", "ann", None, 201, None),  # not ranked, but within 150 m
        ("FAR-1", "ann", None, 403, "ticket_denied"),
        ("FAR-1", "ann", "a long enough written reason", 403, "ticket_denied"),
        ("FAR-1", "sue", None, 403, "ticket_denied"),
        ("FAR-1", "sue", "short", 403, "ticket_denied"),
        ("FAR-1", "sue", "suspect vehicle left towards this junction", 201, None),
        ("RESTR-1", "ann", None, 403, "ticket_denied"),
        ("RESTR-1", "sue", "caller reports fire inside the compound", 201, None),
        ("NOPE", "ann", None, 404, "not_found"),
    ],
)
def test_who_may_view_what(api, camera_id, who, reason, status, code) -> None:
    incident = api.open_incident()
    extra = {"reason": reason} if reason else {}
    resp = api.view(incident["id"], camera_id, who=who, **extra)
    assert resp.status_code == status, resp.text
    if code is not None:
        assert resp.headers["content-type"] == PROBLEM
        assert resp.json()["code"].endswith(code) or resp.json()["code"] == code
        assert resp.json()["errors"][0]["field"] == "camera_id"


def test_a_denial_says_why(api) -> None:
    incident = api.open_incident()
    body = api.view(incident["id"], "RESTR-1").json()
    assert "restricted" in body["detail"]
    assert "supervisor" in body["detail"]


def test_integration_keys_may_not_open_views(api) -> None:
    incident = api.open_incident()
    assert api.view(incident["id"], "SIM-1", who="cad").status_code == 403


def test_at_most_four_live_views_per_user(api) -> None:
    incident = api.open_incident()
    tickets = [api.view(incident["id"], "SIM-1").json() for _ in range(4)]
    fifth = api.view(incident["id"], "SIM-1")
    assert fifth.status_code == 429
    assert fifth.json()["code"] == "too_many_views"
    assert api.view(incident["id"], "SIM-1", who="bob").status_code == 201
    url = f"/api/incidents/{incident['id']}/views/{tickets[0]['ticket_id']}"
    assert api.client.delete(url, headers=api.as_("ann")).status_code == 204
    assert api.view(incident["id"], "SIM-1").status_code == 201


def test_snapshot_from_the_simulator(api) -> None:
    view = api.view(api.open_incident()["id"], "SIM-1").json()
    resp = api.client.get(view["snapshot_url"])
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "image/jpeg"
    assert resp.content[:2] == b"\xff\xd8"
    age = datetime.now(UTC) - datetime.fromisoformat(resp.headers["last-frame-at"])
    assert timedelta(0) <= age < timedelta(seconds=5)


def test_snapshot_bytes_pass_unchanged(api, ffmpeg_media) -> None:
    view = api.view(api.open_incident()["id"], "FF-1").json()
    resp = api.client.get(view["snapshot_url"])
    assert resp.status_code == 200
    assert resp.content == ffmpeg_media["jpeg"]


def test_ffmpeg_mjpeg_stream_passes_unchanged(api, ffmpeg_media) -> None:
    view = api.view(api.open_incident()["id"], "FF-1").json()
    with api.client.stream("GET", view["mjpeg_url"]) as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"] == "multipart/x-mixed-replace;boundary=ffmpeg"
        assert "last-frame-at" in resp.headers
        assert float(resp.headers["frame-age-s"]) < 2.0
        data = b"".join(resp.iter_bytes())
    assert data == ffmpeg_media["mjpeg"]
    closed = _audit(api, "stream_closed")
    assert closed[-1]["bytes"] == len(ffmpeg_media["mjpeg"])
    assert closed[-1]["frames"] == ffmpeg_media["mjpeg"].count(b"--ffmpeg")  # 40 + trailing
    assert closed[-1]["ended"] == "upstream_ended"


def test_dead_camera_is_a_quick_502(api) -> None:
    view = api.view(api.open_incident()["id"], "DEAD-1").json()
    for url in (view["snapshot_url"], view["mjpeg_url"]):
        started = time.monotonic()
        resp = api.client.get(url)
        assert time.monotonic() - started < 3.0
        assert resp.status_code == 502
        assert resp.headers["content-type"] == PROBLEM
        assert "127.0.0.1" not in resp.text


@pytest.mark.parametrize("ticket", ["garbage", "a.b.c", ""])
def test_forged_tickets_are_refused(api, ticket) -> None:
    resp = api.client.get(f"/api/live/{ticket}x/snapshot.jpg")
    assert resp.status_code == 403
    assert resp.json()["code"] == "ticket_invalid"


def test_a_ticket_signed_with_another_key_is_refused(api) -> None:
    from camroute.live.tickets import TicketClaims, sign_ticket

    claims = TicketClaims(
        "t", "i", "SIM-1", "ann", "dispatcher", "p", datetime.now(UTC) + timedelta(minutes=5)
    )
    resp = api.client.get(f"/api/live/{sign_ticket(claims, key=b'x' * 32)}/snapshot.jpg")
    assert resp.status_code == 403
    assert resp.json()["code"] == "ticket_invalid"


def test_closing_the_incident_revokes_its_tickets(api) -> None:
    incident = api.open_incident()
    view = api.view(incident["id"], "SIM-1").json()
    assert api.client.get(view["snapshot_url"]).status_code == 200
    patch = api.client.patch(
        f"/api/incidents/{incident['id']}", json={"status": "closed"}, headers=api.as_("ann")
    )
    assert patch.status_code == 200
    # The close's own audit event names the ticket: revoked in the closing transaction.
    assert _audit(api, "incident_closed")[-1]["revoked_tickets"] == [view["ticket_id"]]
    resp = api.client.get(view["snapshot_url"])
    assert resp.status_code == 403
    assert resp.json()["code"] == "ticket_revoked"
    assert api.view(incident["id"], "SIM-1").status_code == 409
    renew = api.client.post(
        f"/api/incidents/{incident['id']}/views/{view['ticket_id']}/renew", headers=api.as_("ann")
    )
    assert renew.status_code == 409


def test_renewal_extends_the_ticket(api) -> None:
    incident = api.open_incident()
    view = api.view(incident["id"], "SIM-1").json()
    time.sleep(1.1)
    url = f"/api/incidents/{incident['id']}/views/{view['ticket_id']}/renew"
    assert api.client.post(url, headers=api.as_("bob")).status_code == 403  # not bob's
    resp = api.client.post(url, headers=api.as_("ann"))
    assert resp.status_code == 200
    renewed = resp.json()
    assert renewed["ticket_id"] == view["ticket_id"]
    assert renewed["expires_at"] > view["expires_at"]
    assert api.client.get(renewed["snapshot_url"]).status_code == 200


def test_views_are_audited(api) -> None:
    incident = api.open_incident()
    api.view(incident["id"], "SIM-1")
    api.view(incident["id"], "FAR-1")
    with api.app.state.engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_events.c.action, audit_events.c.subject, audit_events.c.purpose).where(
                audit_events.c.incident_id == incident["id"]
            )
        ).all()
    assert ("ticket_issued", "SIM-1", "check the scene") in rows
    assert ("ticket_denied", "FAR-1", "check the scene") in rows
    assert ("call_received", "C-1", None) in rows


def _audit(api, action: str) -> list[dict]:
    with api.app.state.engine.connect() as conn:
        return [
            r.details
            for r in conn.execute(
                sa.select(audit_events.c.details)
                .where(audit_events.c.action == action)
                .order_by(audit_events.c.id)
            )
        ]


def test_retention_deletes_expired_tickets(api) -> None:
    from camroute.incidents.retention import run_retention

    incident = api.open_incident()
    view = api.view(incident["id"], "SIM-1").json()
    engine = api.app.state.engine
    assert run_retention(engine, days=30, actor="t").tickets == 0  # still live
    later = datetime.now(UTC) + timedelta(minutes=11)
    assert run_retention(engine, days=30, actor="t", now=later).tickets == 1
    resp = api.client.get(view["snapshot_url"])
    assert resp.status_code == 403
    assert resp.json()["code"] == "ticket_revoked"


def test_the_view_limit_holds_under_concurrent_requests(api) -> None:
    from concurrent.futures import ThreadPoolExecutor

    incident = api.open_incident()
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda _: api.view(incident["id"], "SIM-1").status_code, range(8)))
    assert sorted(codes) == [201] * 4 + [429] * 4


@pytest.mark.parametrize(("who", "status"), [(None, 200), ("ann", 200), ("bob", 403)])
def test_a_ticket_opens_only_for_its_holder(api, who, status) -> None:
    view = api.view(api.open_incident()["id"], "SIM-1", who="ann").json()
    headers = api.as_(who) if who else {}
    resp = api.client.get(view["snapshot_url"], headers=headers)
    assert resp.status_code == status
    if status == 403:
        assert resp.json()["code"] == "ticket_denied"
        assert "issued to ann" in resp.json()["detail"]


def test_a_polled_snapshot_is_audited_once_a_minute(api) -> None:
    view = api.view(api.open_incident()["id"], "SIM-1").json()
    sizes = []
    for _ in range(5):  # a tile refreshing its snapshot
        resp = api.client.get(view["snapshot_url"])
        assert resp.status_code == 200
        sizes.append(len(resp.content))
    mine = [d for d in _audit(api, "snapshot_relayed") if d["ticket_id"] == view["ticket_id"]]
    assert len(mine) == 1
    assert (mine[0]["snapshots"], mine[0]["bytes"], mine[0]["first"]) == (1, sizes[0], True)


def test_an_audited_denial_does_not_say_how_far_the_caller_is(api) -> None:
    # The chain outlives retention: a camera id and a distance would place the caller.
    incident = api.open_incident()
    assert api.view(incident["id"], "FAR-1").status_code == 403
    (denied,) = _audit(api, "ticket_denied")
    assert "more than 150 m from the caller" in denied["why"]
    assert "m away" not in denied["why"]


def test_a_camera_made_restricted_ends_a_dispatchers_view_at_its_renewal(api) -> None:
    incident = api.open_incident()
    view = api.view(incident["id"], "SIM-1").json()
    kept = api.view(incident["id"], "SIM-1", who="sue", reason="caller reports fire inside")
    assert kept.status_code == 201, kept.text
    with api.app.state.engine.begin() as conn:
        conn.execute(sa.text("UPDATE cameras SET access_class = 'restricted' WHERE id = 'SIM-1'"))
    url = f"/api/incidents/{incident['id']}/views/{view['ticket_id']}/renew"
    refused = api.client.post(url, headers=api.as_("ann"))
    assert (refused.status_code, refused.json()["code"]) == (403, "ticket_revoked")
    assert "camera is restricted" in refused.json()["detail"]
    assert _audit(api, "ticket_revoked")[-1]["because"] == "rules_changed"
    supervisor = f"/api/incidents/{incident['id']}/views/{kept.json()['ticket_id']}/renew"
    assert api.client.post(supervisor, headers=api.as_("sue")).status_code == 200
