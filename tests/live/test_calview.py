"""The calibration snapshot: GIS staff see a camera's picture without an incident, never a
restricted or protected place, and the audit log says who looked (once per ten minutes)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from camroute.audit.tables import audit_events
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.cameras.store import set_credentials
from camroute.live.upstream import UNREACHABLE_DETAIL
from camroute.reports.access import Rules, build_access
from camroute.reports.transparency import period_events
from camroute.sim.server import serve_in_thread

from .conftest import CALLER, Api, add_cameras, camera
from .test_digest import PASSWORD, USER, FakeCamera, fake_camera_app

PROBLEM = "application/problem+json"


@pytest.fixture
def gis(api: Api) -> dict[str, str]:
    engine = api.app.state.engine
    key = create_api_key(engine, name="gia", role=Role.gis_admin, actor="t", actor_role="t").key
    return {"X-API-Key": key}


@pytest.fixture(scope="module")
def digest_cam(ffmpeg_media: dict[str, bytes]) -> Iterator[FakeCamera]:
    log: list[Any] = []
    app = fake_camera_app(ffmpeg_media["jpeg"], ffmpeg_media["mjpeg"], scheme="digest", log=log)
    with serve_in_thread(app) as url:
        yield FakeCamera(url=url, log=log)


def _get(api: Api, camera_id: str, headers: dict[str, str]) -> Any:
    return api.client.get(f"/api/cameras/{camera_id}/calibration-snapshot", headers=headers)


def _events(api: Api, action: str) -> list[dict[str, Any]]:
    with api.app.state.engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_events).where(audit_events.c.action == action).order_by("id")
        )
        return [dict(r) for r in rows.mappings()]


def test_a_digest_camera_picture_comes_back_unchanged(
    api: Api, gis: dict[str, str], digest_cam: FakeCamera, ffmpeg_media: dict[str, bytes]
) -> None:
    url = f"{digest_cam.url}/ISAPI/Streaming/channels/101/picture"
    add_cameras(api.app, [camera("HIK-C", south_m=20, base=digest_cam.url, snapshot_url=url)])
    with api.app.state.engine.begin() as conn:
        set_credentials(conn, "HIK-C", username=USER, password=PASSWORD)
    digest_cam.log.clear()
    resp = _get(api, "HIK-C", gis)
    assert resp.status_code == 200, resp.text
    assert resp.content == ffmpeg_media["jpeg"]
    assert resp.headers["content-type"] == "image/jpeg"
    assert resp.headers["cache-control"] == "no-store"
    assert [a is not None for _, _, a in digest_cam.log] == [False, True]  # challenged, answered
    [event] = _events(api, "calibration_snapshot")
    assert (event["actor"], event["subject"], event["role"]) == ("gia", "HIK-C", "gis_admin")
    assert event["incident_id"] is None


def test_a_page_refreshing_writes_one_audit_event(api: Api, gis: dict[str, str]) -> None:
    first, second = _get(api, "SIM-1", gis), _get(api, "SIM-1", gis)
    assert first.status_code == second.status_code == 200
    assert first.content[:2] == second.content[:2] == b"\xff\xd8"
    assert len(_events(api, "calibration_snapshot")) == 1
    assert _get(api, "FF-1", gis).status_code == 200  # another camera: its own event
    assert [e["subject"] for e in _events(api, "calibration_snapshot")] == ["SIM-1", "FF-1"]


def test_a_restricted_camera_is_refused_and_audited(api: Api, gis: dict[str, str]) -> None:
    for _ in range(2):
        resp = _get(api, "RESTR-1", gis)
        assert resp.status_code == 403
        assert resp.headers["content-type"] == PROBLEM
        assert resp.json()["code"] == "calibration_refused"
        assert "restricted" in resp.json()["detail"]
    refused = _events(api, "calibration_refused")
    assert [e["subject"] for e in refused] == ["RESTR-1", "RESTR-1"]  # every refusal
    assert _events(api, "calibration_snapshot") == []


def _zone_over_the_caller(api: Api, gis: dict[str, str], policy: str) -> None:
    d = 0.0001  # about 11 m round the caller, inside SIM-1's view
    lon, lat = CALLER["lon"], CALLER["lat"]
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    body = {
        "id": "z-clinic",
        "kind": "hospital",
        "name": "Phòng khám",
        "policy": policy,
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
    }
    resp = api.client.post("/api/zones", json=body, headers=gis)
    assert resp.status_code == 201, resp.text


@pytest.mark.parametrize("policy", ["supervisor", "never"])
def test_a_camera_seeing_a_protected_zone_is_refused(
    api: Api, gis: dict[str, str], policy: str
) -> None:
    assert _get(api, "SIM-1", gis).status_code == 200
    _zone_over_the_caller(api, gis, policy)
    resp = _get(api, "SIM-1", gis)
    assert resp.status_code == 403, resp.text
    assert resp.json()["code"] == "calibration_refused"
    assert "Phòng khám" in resp.json()["detail"]
    [refused] = _events(api, "calibration_refused")
    assert refused["details"]["zones"] == [{"zone_id": "z-clinic", "policy": policy}]


def test_a_dispatcher_may_not(api: Api) -> None:
    resp = _get(api, "SIM-1", api.as_("ann"))
    assert resp.status_code == 403
    assert resp.json()["code"] == "forbidden"
    assert _events(api, "calibration_snapshot") == []


def test_unknown_camera_no_url_and_dead_camera(api: Api, gis: dict[str, str]) -> None:
    add_cameras(api.app, [camera("NOURL-1", south_m=50, base="http://x", snapshot_url=None)])
    assert _get(api, "NOPE", gis).status_code == 404
    resp = _get(api, "NOURL-1", gis)
    assert (resp.status_code, resp.json()["code"]) == (409, "no_snapshot_url")
    dead = _get(api, "DEAD-1", gis)
    assert (dead.status_code, dead.json()["detail"]) == (502, UNREACHABLE_DETAIL)
    assert _events(api, "calibration_snapshot") == []


def test_calibration_is_not_a_live_view_in_the_reports(api: Api, gis: dict[str, str]) -> None:
    assert _get(api, "SIM-1", gis).status_code == 200
    assert _get(api, "RESTR-1", gis).status_code == 403
    today = datetime.now(UTC).date()
    period = {"date_from": today, "date_to": today + timedelta(days=1)}
    engine = api.app.state.engine
    access = build_access(engine, **period, rules=Rules())
    assert "gia" not in [row.user for row in access.users]  # no view, no refusal of a view
    counted = {e.action for e in period_events(engine, **period)}
    assert not counted & {"calibration_snapshot", "calibration_refused"}
    assert len(_events(api, "calibration_snapshot") + _events(api, "calibration_refused")) == 2
