"""Protected zones on real Helsinki data: tickets follow the zone policy, by viewshed."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from tests.zones.conftest import (
    BLOCKED,
    CHAPEL,
    NEAR_CHAPEL,
    NEAR_UNIVERSITY,
    SEES_CHAPEL,
    SEES_UNIVERSITY,
    UNIVERSITY,
    Helsinki,
)

from camroute.audit.tables import audit_events
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.routing.models import RouteResult
from camroute.zones.rules import MetricZones, zones_seen
from camroute.zones.store import all_zones

PROBLEM = "application/problem+json"
REASON = "fire reported next to the chapel, checking the street"


def _audit(helsinki: Helsinki, action: str) -> list[dict[str, Any]]:
    query = sa.select(audit_events).where(audit_events.c.action == action)
    with helsinki.api.app.state.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query.order_by(audit_events.c.id)).mappings()]


def test_never_zone_refuses_everyone(helsinki: Helsinki) -> None:
    helsinki.zones("never")
    incident = helsinki.incident(NEAR_CHAPEL, "HEL-1")
    for who, extra in (("ann", {}), ("sue", {"reason": REASON})):
        resp = helsinki.api.view(incident, SEES_CHAPEL, who=who, **extra)
        assert resp.status_code == 403, resp.text
        assert resp.headers["content-type"].startswith(PROBLEM)
        body = resp.json()
        assert body["code"] == "protected_zone"
        assert "Kampin kappeli" in body["detail"]
        assert CHAPEL in body["detail"]
        assert "nobody may view it" in body["detail"]
    denied = _audit(helsinki, "ticket_denied")
    assert [e["actor"] for e in denied] == ["ann", "sue"]
    assert denied[0]["details"]["protected_zones"][0]["zone_id"] == CHAPEL
    assert _audit(helsinki, "ticket_issued") == []


def test_supervisor_zone_needs_a_supervisor_with_a_reason(helsinki: Helsinki) -> None:
    helsinki.zones("supervisor")
    incident = helsinki.incident(NEAR_UNIVERSITY, "HEL-2")
    refused = helsinki.api.view(incident, SEES_UNIVERSITY, who="ann")
    assert refused.status_code == 403
    assert refused.json()["code"] == "protected_zone"
    assert UNIVERSITY in refused.json()["detail"]
    assert "a supervisor must open it, with a reason" in refused.json()["detail"]
    no_reason = helsinki.api.view(incident, SEES_UNIVERSITY, who="sue")
    assert no_reason.status_code == 403
    assert "written reason" in no_reason.json()["detail"]
    allowed = helsinki.api.view(incident, SEES_UNIVERSITY, who="sue", reason=REASON)
    assert allowed.status_code == 201, allowed.text
    approved = _audit(helsinki, "protected_view_approved")
    assert len(approved) == 1
    assert approved[0]["actor"] == "sue"
    assert approved[0]["subject"] == SEES_UNIVERSITY
    assert approved[0]["details"]["reason"] == REASON
    assert UNIVERSITY in [z["zone_id"] for z in approved[0]["details"]["protected_zones"]]
    issued = _audit(helsinki, "ticket_issued")
    assert {z["policy"] for z in issued[0]["details"]["protected_zones"]} == {"supervisor"}
    assert [e["actor"] for e in _audit(helsinki, "ticket_denied")] == ["ann", "sue"]


def test_a_camera_whose_view_is_blocked_is_not_affected(helsinki: Helsinki) -> None:
    helsinki.zones("never")
    incident = helsinki.incident(NEAR_UNIVERSITY, "HEL-3")
    # The zone is inside its plain sector and range: a distance rule would refuse it.
    index = helsinki.api.app.state.camera_index.current
    i = list(index.ids).index(BLOCKED)
    zones = MetricZones.build(all_zones(helsinki.api.app.state.engine), index.projection)
    assert UNIVERSITY in [h.zone_id for h in zones_seen(index.sectors([i])[0], zones)]
    assert zones_seen(index.viewsheds[i], zones) == []
    resp = helsinki.api.view(incident, BLOCKED, who="ann")
    assert resp.status_code == 201, resp.text
    assert "protected_zones" not in _audit(helsinki, "ticket_issued")[0]["details"]
    # ...while its neighbour, which does see the university, is still refused
    assert helsinki.api.view(incident, SEES_UNIVERSITY, who="ann").status_code == 403


def test_ranking_marks_the_cameras_that_see_a_zone(helsinki: Helsinki) -> None:
    helsinki.zones("never")
    resp = helsinki.api.client.post(
        "/api/route", json=NEAR_UNIVERSITY, headers=helsinki.api.as_("ann")
    )
    assert resp.status_code == 200, resp.text
    result = RouteResult.model_validate(resp.json())
    rows = {c.camera_id: c for c in [*result.cameras, *result.context]}
    assert {SEES_UNIVERSITY, BLOCKED} <= set(rows)
    [hit] = [h for h in rows[SEES_UNIVERSITY].protected if h.zone_id == UNIVERSITY]
    assert (hit.kind, hit.policy) == ("university", "never")
    assert hit.reason.vi == "nhìn vào khu vực trường đại học — không được xem"
    assert hit.reason.en == "looks into a university zone — cannot be viewed"
    assert rows[BLOCKED].protected == []


def test_the_incident_ranking_carries_the_marks(helsinki: Helsinki) -> None:
    helsinki.zones("supervisor")
    body = {"call_id": "HEL-4", "hotline": "113", "location": NEAR_CHAPEL}
    resp = helsinki.api.client.post("/api/calls", json=body, headers=helsinki.api.as_("cad"))
    assert resp.status_code == 201
    route = RouteResult.model_validate(resp.json()["route"])
    [row] = [c for c in route.cameras if c.camera_id == SEES_CHAPEL]
    assert [h.reason.vi for h in row.protected] == [
        "nhìn vào khu vực nơi thờ tự — cần giám sát viên"
    ]


def test_a_zone_removed_lets_the_camera_open(helsinki: Helsinki) -> None:
    helsinki.zones("never")
    incident = helsinki.incident(NEAR_CHAPEL, "HEL-5")
    assert helsinki.api.view(incident, SEES_CHAPEL).status_code == 403
    engine = helsinki.api.app.state.engine
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM protected_zones WHERE id = :id"), {"id": CHAPEL})
    assert helsinki.api.view(incident, SEES_CHAPEL).status_code == 201  # read at every ticket


def test_a_zone_drawn_through_the_api_marks_the_ranking(helsinki: Helsinki) -> None:
    app = helsinki.api.app
    key = create_api_key(
        app.state.engine, name="gis", role=Role.gis_admin, actor="t", actor_role="t"
    ).key
    assert app.state.camera_index.current.protected == {}  # no zone yet
    # a hospital drawn over the university building's bounding box
    lo_lon, lo_lat, hi_lon, hi_lat = 24.95141, 60.17513, 24.95159, 60.17539
    ring = [
        [lo_lon, lo_lat],
        [hi_lon, lo_lat],
        [hi_lon, hi_lat],
        [lo_lon, hi_lat],
        [lo_lon, lo_lat],
    ]
    body = {
        "id": "h1",
        "kind": "hospital",
        "name": "Sairaala",
        "policy": "supervisor",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    resp = helsinki.api.client.post("/api/zones", json=body, headers={"X-API-Key": key})
    assert resp.status_code == 201, resp.text
    app.state.camera_index.wait()  # the write rebuilt the snapshot in the background
    index = app.state.camera_index.current
    marked = {cid: [h.zone_id for h in hits] for cid, hits in index.protected.items()}
    assert marked == {SEES_UNIVERSITY: ["h1"]}
    assert (
        index.protected[SEES_UNIVERSITY][0].reason.en
        == "looks into a hospital zone — supervisor needed"
    )


def _renew(helsinki: Helsinki, incident: str, ticket: str, who: str) -> Any:
    url = f"/api/incidents/{incident}/views/{ticket}/renew"
    return helsinki.api.client.post(url, headers=helsinki.api.as_(who))


def test_a_zone_drawn_after_a_ticket_ends_it_at_its_renewal(helsinki: Helsinki) -> None:
    incident = helsinki.incident(NEAR_CHAPEL, "HEL-7")
    opened = helsinki.api.view(incident, SEES_CHAPEL)  # no zone yet
    assert opened.status_code == 201, opened.text
    ticket = opened.json()["ticket_id"]
    assert _renew(helsinki, incident, ticket, "ann").status_code == 200
    helsinki.zones("never")
    refused = _renew(helsinki, incident, ticket, "ann")
    assert (refused.status_code, refused.json()["code"]) == (403, "ticket_revoked")
    assert "Kampin kappeli" in refused.json()["detail"]
    (revoked,) = _audit(helsinki, "ticket_revoked")
    assert revoked["details"] == {"ticket_id": ticket, "because": "rules_changed"}
    assert helsinki.api.client.get(opened.json()["snapshot_url"]).status_code == 403
    again = _renew(helsinki, incident, ticket, "ann")
    assert (again.status_code, again.json()["code"]) == (403, "ticket_revoked")
    assert len(_audit(helsinki, "ticket_revoked")) == 1  # revoked once


def test_a_supervisor_zone_drawn_later_keeps_a_view_opened_with_a_reason(
    helsinki: Helsinki,
) -> None:
    incident = helsinki.incident(NEAR_UNIVERSITY, "HEL-8")
    plain = helsinki.api.view(incident, SEES_UNIVERSITY, who="sue").json()["ticket_id"]
    reasoned = helsinki.api.view(incident, SEES_UNIVERSITY, who="bob", reason=REASON)
    assert reasoned.status_code == 201, reasoned.text
    helsinki.zones("supervisor")
    kept = helsinki.api.view(incident, SEES_UNIVERSITY, who="sue", reason=REASON)
    assert kept.status_code == 201, kept.text
    assert _renew(helsinki, incident, kept.json()["ticket_id"], "sue").status_code == 200
    without = _renew(helsinki, incident, plain, "sue")
    assert (without.status_code, without.json()["code"]) == (403, "ticket_revoked")
    assert "written reason" in without.json()["detail"]
    dispatcher = _renew(helsinki, incident, reasoned.json()["ticket_id"], "bob")
    assert (dispatcher.status_code, dispatcher.json()["code"]) == (403, "ticket_revoked")
    assert "a supervisor must open it" in dispatcher.json()["detail"]


def test_a_camera_edited_since_its_viewshed_keeps_its_views_at_renewal(
    helsinki: Helsinki,
) -> None:
    api = helsinki.api
    helsinki.zones("supervisor")
    incident = helsinki.incident(NEAR_UNIVERSITY, "HEL-9")
    opened = api.view(incident, BLOCKED, who="ann")  # its viewshed misses the university
    assert opened.status_code == 201, opened.text
    ticket = opened.json()["ticket_id"]
    gis = {
        "X-API-Key": create_api_key(
            api.app.state.engine, name="gis", role=Role.gis_admin, actor="t", actor_role="t"
        ).key
    }
    etag = api.client.get(f"/api/cameras/{BLOCKED}", headers=gis).headers["ETag"]
    edit = api.client.patch(
        f"/api/cameras/{BLOCKED}", json={"name": "renamed"}, headers={**gis, "If-Match": etag}
    )
    assert edit.status_code == 200, edit.text
    # Until its viewshed is made again only its sector is known, which reaches the zone.
    assert api.view(incident, BLOCKED, who="ann").status_code == 403
    renewed = _renew(helsinki, incident, ticket, "ann")
    assert renewed.status_code == 200, renewed.text
    api.app.state.camera_index.wait()
