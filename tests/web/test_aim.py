"""The Aim button on a PTZ live tile in Chromium: the move, the residual, the turned cone, vi/en."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from tests.support import school_zone as zone_body

from camroute.audit.tables import audit_events
from camroute.cameras import onvif_store
from camroute.cameras.changes import registry_changed
from camroute.cameras.tables import cameras
from camroute.live.tables import live_tickets
from camroute.ptz.geometry import CameraPose, direction_to
from camroute.zones.service import create_zone, delete_zone

from ..ptz.ptz_device import PtzCamera, running
from .conftest import CALLER, M_PER_DEG_LAT, PASSWORD

pytestmark = pytest.mark.browser
TILE = "#tiles .tile[data-camera='WEB-PTZ']"
POSE = CameraPose(lon=CALLER["lon"], lat=CALLER["lat"] - 45 / M_PER_DEG_LAT, mount_height_m=6.0)


@pytest.fixture
def head(stack: Any) -> Iterator[PtzCamera]:
    """WEB-PTZ answers ONVIF from the fake PTZ camera for this test."""
    fake = PtzCamera()
    engine = stack.app.state.engine
    with running(fake) as url:
        with engine.begin() as conn:
            conn.execute(sa.update(cameras).where(cameras.c.id == "WEB-PTZ").values(onvif_url=url))
            onvif_store.set_account(conn, "WEB-PTZ", username="admin", password="Cam-pass-1")
        yield fake
        with engine.begin() as conn:
            conn.execute(sa.update(cameras).where(cameras.c.id == "WEB-PTZ").values(onvif_url=None))
            conn.execute(sa.text("DELETE FROM ptz_calibrations WHERE camera_id = 'WEB-PTZ'"))
            conn.execute(sa.text("DELETE FROM ptz_control WHERE camera_id = 'WEB-PTZ'"))
            # A test's views would outlive it (tickets last a minute): nobody watches the next.
            conn.execute(
                sa.update(live_tickets)
                .where(live_tickets.c.camera_id == "WEB-PTZ", live_tickets.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC), revoked_because="ended")
            )


def _aim(page: Any) -> dict[str, Any]:
    page.evaluate(
        f"document.querySelector(\"{TILE} .aim-result\")?.removeAttribute('data-residual-deg')"
    )
    page.click(f"{TILE} button.aim")
    page.wait_for_selector(f"{TILE} .aim-result[data-residual-deg]", timeout=15000)
    return dict(json.loads(page.get_attribute(f"{TILE} .aim-result", "data-result") or "{}"))


def _frames(page: Any) -> list[str]:
    """The drawn PTZ frames (their SVG paths; the map does not move between readings)."""
    return sorted(
        page.locator("path.ptz-frame").evaluate_all("ps => ps.map(p => p.getAttribute('d'))")
    )


def _calibrate(stack: Any, fake: PtzCamera) -> None:
    marks = []
    for east_m, north_m in ((30.0, 10.0), (-20.0, 40.0), (5.0, -35.0)):
        lon = POSE.lon + east_m / (M_PER_DEG_LAT * 0.9825)
        lat = POSE.lat + north_m / M_PER_DEG_LAT
        seen = direction_to(POSE, lon=lon, lat=lat)
        pan, tilt = fake.head.pan_tilt_for(seen.bearing_deg, seen.tilt_deg)
        marks.append({"lon": lon, "lat": lat, "pan": pan, "tilt": tilt})
    zoom = [{"zoom": z, "hfov_deg": fake.head.hfov_deg(z)} for z in (0, 0.05, 0.1, 0.2, 0.5, 1)]
    r = httpx.put(
        f"{stack.url}/api/cameras/WEB-PTZ/ptz/calibration",
        json={"landmarks": marks, "zoom_points": zoom},
        headers=stack.gis_admin(),
        timeout=10.0,
    )
    assert r.status_code == 200, r.text


def test_aim_button_moves_the_camera_shows_the_residual_and_turns_the_cone(
    page: Any, ui: Any, login: Any, stack: Any, head: PtzCamera
) -> None:
    incident = stack.post_call(hotline="113")
    login("ann")
    ui.open_incident(incident["id"])
    ui.open_live("WEB-PTZ")
    page.wait_for_selector(f"{TILE} button.aim")
    assert page.inner_text(f"{TILE} button.aim") == "Hướng camera về vị trí"
    planned = _frames(page)
    first = _aim(page)
    assert head.head.moves, "the camera was not moved"
    text = page.inner_text(f"{TILE} .aim-result")
    assert "chưa hiệu chỉnh" in text
    assert f"lệch {first['residual_deg']:.1f}°" in text
    turned = _frames(page)
    assert len(turned) == len(planned)
    assert turned != planned  # WEB-PTZ's frame follows the camera, not the plan
    page.click("#lang-toggle")
    page.wait_for_function(
        f"document.querySelector(\"{TILE} button.aim\").textContent === 'Aim camera'"
    )
    assert "not calibrated" in page.inner_text(f"{TILE} .aim-result")
    _calibrate(stack, head)
    second = _aim(page)
    assert second["calibrated"] is True
    assert second["residual_deg"] < 1.0
    text = page.inner_text(f"{TILE} .aim-result")
    assert "not calibrated" not in text
    assert f"{second['residual_deg']:.1f}° off" in text
    # The cone is drawn at the pan the camera reports, now known to face the caller.
    assert abs(second["pan_deg"] - second["bearing_deg"]) < 1.0
    assert len(_frames(page)) == len(planned)


def test_refused_aim_shows_the_problem_on_the_tile(
    page: Any, ui: Any, login: Any, stack: Any, head: PtzCamera
) -> None:
    head.head.tilt_limit = (0.9, 1.0)  # the head cannot look where the caller is
    incident = stack.post_call(hotline="115")
    login("ann")
    ui.open_incident(incident["id"])
    ui.open_live("WEB-PTZ")
    page.click(f"{TILE} button.aim")
    page.wait_for_selector(f"{TILE} .aim-result.error", timeout=15000)
    assert "outside the PTZ limits" in page.inner_text(f"{TILE} .aim-result")


def _bearer(stack: Any, user: str) -> dict[str, str]:
    r = httpx.post(f"{stack.url}/api/auth/login", data={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _api_aim(stack: Any, user: str, incident_id: str, **body: Any) -> httpx.Response:
    """``user`` opens a view of WEB-PTZ over the API and aims it."""
    headers = _bearer(stack, user)
    view = httpx.post(
        f"{stack.url}/api/incidents/{incident_id}/views",
        json={"camera_id": "WEB-PTZ", "purpose": "verify_incident"},
        headers=headers,
        timeout=20.0,
    )
    assert view.status_code == 201, view.text
    ticket = view.json()["ticket_id"]
    return httpx.post(
        f"{stack.url}/api/incidents/{incident_id}/views/{ticket}/aim",
        json=body,
        headers=headers,
        timeout=20.0,
    )


def test_aim_follow_re_aims_at_a_location_update_and_shows_the_new_residual(
    page: Any, ui: Any, login: Any, stack: Any, head: PtzCamera
) -> None:
    _calibrate(stack, head)
    incident = stack.post_call(hotline="113")
    login("ann")
    ui.open_incident(incident["id"])
    ui.open_live("WEB-PTZ")
    first = _aim(page)
    assert page.inner_text(f"{TILE} .aim-follow-label") == "Tự động hướng theo vị trí mới"
    page.click(f"{TILE} input.aim-follow")
    page.wait_for_selector(f"{TILE}[data-follow='true']")
    moves = len(head.head.moves)
    east = {**CALLER, "lon": CALLER["lon"] + 30.0 / (M_PER_DEG_LAT * 0.9825)}
    update = httpx.post(
        f"{stack.url}/api/calls",
        json={"call_id": stack.calls[-1], "hotline": "113", "location": east},
        headers={"X-API-Key": stack.integration_key},
        timeout=10.0,
    )
    assert update.status_code == 200, update.text
    page.wait_for_function(
        f"""() => {{
          const out = document.querySelector("{TILE} .aim-result");
          return out && out.dataset.result &&
            JSON.parse(out.dataset.result).bearing_deg !== {first["bearing_deg"]};
        }}""",
        timeout=20000,
    )
    followed = json.loads(page.get_attribute(f"{TILE} .aim-result", "data-result") or "{}")
    seen = direction_to(POSE, lon=east["lon"], lat=east["lat"])
    assert followed["bearing_deg"] == pytest.approx(seen.bearing_deg, abs=0.05)
    assert followed["residual_deg"] < 1.0
    assert len(head.head.moves) > moves
    assert f"lệch {followed['residual_deg']:.1f}°" in page.inner_text(f"{TILE} .aim-result")


def test_the_tile_names_the_holder_and_a_supervisors_take_over(
    page: Any, ui: Any, login: Any, stack: Any, head: PtzCamera
) -> None:
    incident = stack.post_call(hotline="114")
    login("ann")
    ui.open_incident(incident["id"])
    ui.open_live("WEB-PTZ")
    _aim(page)
    page.wait_for_function(
        f'document.querySelector("{TILE} .aim-holder").textContent.startsWith('
        "'Bạn đang điều khiển camera')",
        timeout=10000,
    )
    taken = _api_aim(stack, "sue", incident["id"], take_over=True)
    assert taken.status_code == 200, taken.text
    page.wait_for_selector(f"{TILE} .aim-holder.taken[data-taken-by='sue']", timeout=10000)
    assert "sue đã giành quyền điều khiển" in page.inner_text(f"{TILE} .aim-holder")
    page.click(f"{TILE} button.aim")
    page.wait_for_selector(f"{TILE} .aim-result.error", timeout=15000)
    assert "sue đang điều khiển camera đến" in page.inner_text(f"{TILE} .aim-result")
    page.click("#lang-toggle")
    page.wait_for_function(
        f"document.querySelector(\"{TILE} .aim-holder\").textContent.startsWith('sue took over')"
    )
    assert "sue controls the camera until" in page.inner_text(f"{TILE} .aim-result")


def test_another_dispatcher_sees_who_holds_the_camera(
    page: Any, ui: Any, login: Any, stack: Any, head: PtzCamera
) -> None:
    incident = stack.post_call(hotline="115")
    held = _api_aim(stack, "ann", incident["id"])
    assert held.status_code == 200, held.text
    login("dan")
    ui.open_incident(incident["id"])
    ui.open_live("WEB-PTZ")
    page.wait_for_selector(f"{TILE} .aim-holder[data-holder='ann']", timeout=10000)
    assert page.inner_text(f"{TILE} .aim-holder").startswith("Đang điều khiển: ann (đến ")


@pytest.fixture(params=["never"])
def school_zone(stack: Any, request: pytest.FixtureRequest) -> Iterator[str]:
    """A school zone (policy: the param) over the caller's place (every test call is there)."""
    d_lon, d_lat = 6.0 / (M_PER_DEG_LAT * 0.9825), 6.0 / M_PER_DEG_LAT
    lon, lat = CALLER["lon"], CALLER["lat"] + 4.0 / M_PER_DEG_LAT
    body = zone_body("WEB-Z", lon=lon, lat=lat, d_lon=d_lon, d_lat=d_lat, policy=request.param)
    engine = stack.app.state.engine
    with engine.begin() as conn:
        row = create_zone(conn, body, actor="test", role="gis_admin")
    _zones_changed(stack.app)
    yield "WEB-Z"
    with engine.begin() as conn:
        delete_zone(conn, "WEB-Z", if_match=int(row["version"]), actor="test", role="gis_admin")
    _zones_changed(stack.app)


def _zones_changed(app: Any) -> None:
    """Tell the app as the zones API does, and wait until routing marks the cameras anew.

    Left to the registry poll, the next page test met the snapshot of before the change: a
    deleted zone still marked the caller's cameras, and a plain open asked for a reason.
    """
    registry_changed(app)
    assert app.state.camera_index.wait(60.0), "the routing index was not rebuilt in 60 s"


def test_aiming_into_a_school_zone_is_refused_on_the_tile(
    page: Any, ui: Any, login: Any, stack: Any, head: PtzCamera, school_zone: str
) -> None:
    incident = stack.post_call(hotline="115")
    login("ann")
    ui.open_incident(incident["id"])
    ui.open_live("WEB-PTZ")  # the head faces east (its registered heading): the zone is not seen
    page.click(f"{TILE} button.aim")
    page.wait_for_selector(f"{TILE} .aim-result.error", timeout=15000)
    text = page.inner_text(f"{TILE} .aim-result")
    assert text.startswith("Không được hướng camera vào khu vực được bảo vệ: Trường WEB-Z")
    assert head.head.moves == []
    page.click("#lang-toggle")
    page.wait_for_function(
        f'document.querySelector("{TILE} .aim-result").textContent.startsWith('
        "'The camera may not point into protected zone: Trường WEB-Z')"
    )


def test_gis_admin_calibrates_a_ptz_camera_from_landmarks_on_the_map(
    page: Any, ui: Any, login: Any, stack: Any, head: PtzCamera
) -> None:
    login("gus")
    page.evaluate(f"void window.camroute.state.map.setView([{POSE.lat}, {POSE.lon}], 18)")
    page.wait_for_function("window.camrouteMetrics.clusters === 0")
    page.wait_for_timeout(300)
    x, y = ui.map_point(POSE.lon, POSE.lat)
    page.mouse.click(x, y)
    page.wait_for_selector(".admin-editor[data-camera='WEB-PTZ'] #admin-calibrate")
    assert page.inner_text("#admin-calibrate") == "Hiệu chỉnh PTZ"
    page.click("#admin-calibrate")
    page.wait_for_selector(".calibrate[data-camera='WEB-PTZ'] #calib-position[data-pan]")
    page.wait_for_function(  # the picture to steer by (the calibration snapshot)
        "document.querySelector('#calib-snapshot img')?.naturalWidth > 0", timeout=15000
    )
    page.click(".calibrate .nudge-step[data-axis='pan'][data-sign='1']")  # one 0.02 step
    page.wait_for_function(
        "Math.abs(Number(document.querySelector('#calib-position').dataset.pan) - 0.02) < 1e-4"
    )
    assert head.head.moves[-1][0] == pytest.approx(0.02, abs=1e-6)
    page.evaluate(f"void window.camroute.state.map.setView([{POSE.lat}, {POSE.lon}], 20)")
    page.wait_for_timeout(400)
    for east_m, north_m in ((30.0, 10.0), (-20.0, 40.0), (5.0, -35.0)):
        lon = POSE.lon + east_m / (M_PER_DEG_LAT * 0.9825)
        lat = POSE.lat + north_m / M_PER_DEG_LAT
        seen = direction_to(POSE, lon=lon, lat=lat)
        pan, tilt = head.head.pan_tilt_for(seen.bearing_deg, seen.tilt_deg)
        head.head.move((pan, tilt, 0.0))  # the installer's joystick puts the landmark centre
        page.mouse.click(*ui.map_point(lon, lat))
        page.wait_for_selector("#calib-record:not([disabled])")
        page.click("#calib-record")
        page.wait_for_selector("#calib-record[disabled]")
    assert page.locator("#calib-marks li").count() == 3
    page.click("#calib-fit")
    page.wait_for_selector("#calib-result.fit")
    fit_error = float(page.get_attribute("#calib-result", "data-fit-error-deg") or "nan")
    assert fit_error < 1.0  # a click is a few pixels off the landmark
    assert page.inner_text("#calib-result").startswith(f"Sai số khớp: {fit_error:.2f}° (3 mốc)")
    page.click("#calib-save")
    page.wait_for_selector("#calib-result[data-saved='measured']")
    stored = httpx.get(
        f"{stack.url}/api/cameras/WEB-PTZ/ptz/calibration", headers=stack.gis_admin()
    ).json()
    assert stored["source"] == "measured"
    cal = stored["calibration"]
    assert (cal["pan_sign"], cal["tilt_sign"]) == (-1, -1)  # this head turns and tilts inverted
    off = (cal["pan_offset_deg"] - head.head.pan_offset_deg + 180.0) % 360.0 - 180.0
    assert abs(off) < 1.5
    page.click("#lang-toggle")
    page.wait_for_function(
        "document.querySelector('.calibrate h2').textContent === 'Calibrate a PTZ camera'"
    )
    assert page.inner_text("#calib-result").startswith(f"Fit error: {fit_error:.2f}°")
    assert page.inner_text("#calib-position").startswith("Camera position: pan ")
    assert page.is_hidden("#toast.error")  # GIS staff have no call queue to refresh


@pytest.mark.parametrize("school_zone", ["supervisor"], indirect=True)
def test_a_supervisor_aims_into_a_supervisor_zone_with_a_written_reason(
    page: Any, ui: Any, login: Any, stack: Any, head: PtzCamera, school_zone: str
) -> None:
    incident = stack.post_call(hotline="113")
    login("sue")
    ui.open_incident(incident["id"])
    ui.open_live("WEB-PTZ", reason="người gọi báo cháy ở cổng trường")  # it sees the zone
    page.click(f"{TILE} button.aim")
    page.wait_for_selector(f"{TILE} .aim-result.error", timeout=15000)
    assert page.inner_text(f"{TILE} .aim-result").startswith(
        "Khu vực được bảo vệ (Trường WEB-Z): cần giám sát viên và lý do"
    )
    assert head.head.moves == []
    page.wait_for_selector(f"{TILE} input.aim-reason:not([hidden])")
    page.fill(f"{TILE} input.aim-reason", "người gọi báo cháy ở cổng trường")
    result = _aim(page)
    assert head.head.moves
    assert result["controller"] == "sue"
    assert page.is_hidden(f"{TILE} input.aim-reason")
    details = _last_details(stack, "ptz_moved", "sue")
    assert details["reason"] == "người gọi báo cháy ở cổng trường"
    assert details["protected_zones"][0]["zone_id"] == school_zone
    # her follow keeps the reason she wrote, for re-aims into the same zone
    page.click(f"{TILE} input.aim-follow")
    page.wait_for_selector(f"{TILE}[data-follow='true']")
    follow = _last_details(stack, "ptz_follow", "sue")
    assert (follow["follow"], follow["reason"]) == (True, "người gọi báo cháy ở cổng trường")


def _last_details(stack: Any, action: str, actor: str) -> dict[str, Any]:
    """The details of ``actor``'s last ``action`` audit event."""
    with stack.app.state.engine.connect() as conn:
        details: dict[str, Any] = conn.execute(
            sa.select(audit_events.c.details)
            .where(audit_events.c.action == action, audit_events.c.actor == actor)
            .order_by(audit_events.c.id.desc())
        ).scalar()
    return details


@pytest.mark.parametrize("school_zone", ["supervisor"], indirect=True)
def test_a_supervisors_aim_into_a_zone_closes_a_dispatchers_tile_saying_why(
    page: Any, ui: Any, login: Any, stack: Any, head: PtzCamera, school_zone: str
) -> None:
    incident = stack.post_call(hotline="114")
    login("ann")
    ui.open_incident(incident["id"])
    # The ranking marks a PTZ camera with every zone in its circle; the server judges the
    # ticket by the head's aim (east: the zone is not in view), so no reason is asked for.
    page.click("#detail ol.cams li[data-camera='WEB-PTZ'] button.open-live")
    page.wait_for_selector("#purpose-dialog[open]")
    assert "mở được nếu lúc này không hướng vào đó" in page.inner_text("#purpose-protected")
    page.click("#purpose-ok")
    page.wait_for_selector(f"{TILE} button.aim")
    why = "smoke reported at the school gate"
    turned = _api_aim(stack, "sue", incident["id"], reason=why)
    assert turned.status_code == 200, turned.text
    assert turned.json()["closed_views"] == ["ann"]
    page.wait_for_selector(TILE, state="detached", timeout=5000)
    page.wait_for_selector("#toast.info")
    assert "người khác đang xoay camera về phía khu vực được bảo vệ" in page.inner_text("#toast")
