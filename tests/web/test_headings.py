"""A GIS admin walks the heading queue from the keyboard, takes a suggested heading, widens the
cone and saves: the heading is stored as ``measured`` with history and an audit event."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import shapely
import sqlalchemy as sa

from camroute.areas.models import AreaFeature
from camroute.areas.store import write_features
from camroute.areas.tables import area_features
from camroute.audit.tables import audit_events
from camroute.cameras.changes import registry_changed
from camroute.cameras.model import CameraCreate
from camroute.cameras.service import create_camera
from camroute.cameras.store import history
from camroute.cameras.tables import camera_history, cameras

from .conftest import CALLER, M_PER_DEG_LAT

pytestmark = pytest.mark.browser

# A corner 3 km south and 1 km west of the caller: far from every other test's cameras and
# beyond the 2 km the street lookup reports, so the shared stack's other answers do not move.
LAT0 = CALLER["lat"] - 3000.0 / M_PER_DEG_LAT
LON0 = CALLER["lon"] - 0.0092
CAM = {"lon": LON0 + 0.00004, "lat": LAT0 + 0.00022}  # ~4 m east, ~25 m north of the corner


@pytest.fixture
def corner(stack: Any) -> Iterator[dict[str, float]]:
    app, engine = stack.app, stack.app.state.engine
    ways = [
        ("Lê Lợi", [(LON0 - 0.003, LAT0), (LON0 + 0.003, LAT0)]),
        ("Nguyễn Huệ", [(LON0, LAT0 - 0.003), (LON0, LAT0 + 0.003)]),
    ]
    write_features(
        engine,
        [AreaFeature(kind="streets", name=n, geometry=shapely.LineString(c)) for n, c in ways],
    )
    app.state.area_layers.reload(engine)
    with engine.begin() as conn:
        create_camera(
            conn, CameraCreate(id="WEB-HQ", name="Lê Lợi - Nguyễn Huệ", **CAM), actor="test"
        )
    _settled(app)
    yield CAM
    with engine.begin() as conn:
        conn.execute(
            sa.delete(area_features).where(area_features.c.name.in_(["Lê Lợi", "Nguyễn Huệ"]))
        )
        conn.execute(sa.delete(camera_history).where(camera_history.c.camera_id == "WEB-HQ"))
        conn.execute(sa.delete(cameras).where(cameras.c.id == "WEB-HQ"))
    app.state.area_layers.reload(engine)
    _settled(app)


def _settled(app: Any) -> None:
    """The routing index rebuilt for the registry as it is now (viewsheds included).

    Without it, a later poll rebuilds while another test ranks, with line of sight only.
    """
    registry_changed(app)
    app.state.camera_index.wait()


def test_admin_takes_a_suggestion_from_the_queue_and_saves_it_measured(
    page: Any, ui: Any, login: Any, stack: Any, corner: dict[str, float]
) -> None:
    login("gus")
    # The page moves to the city's start view once its map config arrives (an animated fit):
    # after that, ours, without animation, checked to have stayed.
    page.wait_for_function("window.camrouteMetrics.basemapIdles > 0", timeout=20000)
    centred = f"Math.abs(window.camroute.state.map.getCenter().lat - {LAT0}) < 1e-5"
    for _ in range(5):
        page.evaluate(
            f"void window.camroute.state.map.setView([{LAT0}, {LON0}], 18, {{animate: false}})"
        )
        page.wait_for_timeout(300)
        if page.evaluate(centred):
            break
    assert page.evaluate(centred)
    page.click("#hq-refresh")
    # The queue shown at login (around the start view) is replaced by the refreshed one.
    page.wait_for_function(
        "document.querySelector('.heading-queue li')?.dataset.camera === 'WEB-HQ'",
        timeout=10000,
    )  # nearest to the map centre
    assert page.evaluate("document.activeElement.dataset.camera") == "WEB-HQ"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.index") == "1"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_selector(".admin-editor[data-camera='WEB-HQ']")
    # no snapshot URL on WEB-HQ: the panel says so
    assert page.get_attribute("#admin-snapshot", "data-reason") == "no_snapshot"
    best = page.locator("#admin-suggestions .suggestion").first
    best.wait_for()
    assert "Nguyễn Huệ" in best.inner_text()  # the street it stands on
    suggested = float(best.get_attribute("data-heading"))
    best.click()
    page.wait_for_timeout(200)
    # widen the cone: drag the width handle further round from the heading
    box = page.locator(".fov-handle").bounding_box()
    hx, hy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    x, y = ui.map_point(CAM["lon"], CAM["lat"])
    page.mouse.move(hx, hy)
    page.mouse.down()
    page.mouse.move(
        x + (hx - x) * 1.0 + (hy - y) * -0.6, y + (hy - y) * 1.0 + (hx - x) * 0.6, steps=6
    )
    page.mouse.up()
    page.click("#admin-save")
    page.wait_for_selector("#toast.info")
    saved = httpx.get(f"{stack.url}/api/cameras/WEB-HQ", headers=stack.gis_admin()).json()
    assert saved["heading_deg"] == pytest.approx(suggested, abs=0.1)
    assert saved["heading_source"] == "measured"
    assert saved["hfov_source"] == "measured"
    assert saved["hfov_deg"] != 60.0
    assert saved["version"] == 2
    engine = stack.app.state.engine
    with engine.connect() as conn:
        last = history(conn, "WEB-HQ")[-1]
        subjects = (
            conn.execute(
                sa.select(audit_events.c.subject).order_by(audit_events.c.id.desc()).limit(5)
            )
            .scalars()
            .all()
        )
    assert (last["actor"], last["after"]["heading_source"]) == ("gus", "measured")
    assert "WEB-HQ" in subjects


@pytest.fixture
def calls_near_corner(stack: Any, corner: dict[str, float]) -> Iterator[int]:
    """Many past incidents in reach of WEB-HQ: more than the other tests place anywhere."""
    from datetime import UTC, datetime, timedelta

    from camroute.incidents.tables import incidents

    engine, n = stack.app.state.engine, 60
    when = datetime.now(UTC) - timedelta(days=10)
    rows = [
        {
            "id": f"hq-call-{i}", "call_id": f"hq-call-{i}", "hotline": "115",
            "status": "closed", "created_at": when, "updated_at": when,
            "lon": corner["lon"] + 0.0001 * (i % 3), "lat": corner["lat"], "location_count": 1,
        }
        for i in range(n)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(sa.insert(incidents), rows)
    yield n
    with engine.begin() as conn:
        conn.execute(sa.delete(incidents).where(incidents.c.id.like("hq-call-%")))


def test_admin_orders_the_queue_by_past_calls(
    page: Any, login: Any, calls_near_corner: int
) -> None:
    login("gus")
    page.wait_for_selector("#hq-order")
    page.select_option("#hq-order", "calls")
    page.wait_for_function(
        f"document.querySelector('.heading-queue li')?.dataset.calls === '{calls_near_corner}'",
        timeout=10000,
    )  # 3 km from the start view, yet first: the most past calls in reach
    rows = page.eval_on_selector_all(
        ".heading-queue li", "els => els.map(e => [e.dataset.camera, Number(e.dataset.calls)])"
    )
    calls = [n for _id, n in rows]
    assert calls == sorted(calls, reverse=True)
    # a demo camera on that corner shares the calls; WEB-HQ is among the top ones
    assert ["WEB-HQ", calls_near_corner] in rows[:3]
    shown = page.locator(".heading-queue li[data-camera='WEB-HQ']").inner_text()
    assert f"{calls_near_corner} cuộc gọi trong tầm" in shown
    assert page.evaluate("document.querySelector('#hq-order').value") == "calls"


def test_editor_shows_the_camera_picture_and_stops_when_closed(
    page: Any, login: Any, stack: Any
) -> None:
    login("gus")
    first = page.locator(".heading-queue li").first
    first.wait_for()
    camera = first.get_attribute("data-camera")  # a demo camera: its snapshot is simulated
    first.click()
    page.wait_for_selector(f".admin-editor[data-camera='{camera}']")
    page.wait_for_function(
        "document.querySelector('#admin-snapshot img')?.naturalWidth > 0", timeout=15000
    )
    assert page.get_attribute("#admin-snapshot", "data-state") == "shown"
    assert "làm mới mỗi 3 giây" in page.locator("#admin-snapshot figcaption").inner_text()
    src = page.get_attribute("#admin-snapshot img", "src")
    page.wait_for_function(  # refreshed: a new picture object
        f"document.querySelector('#admin-snapshot img').src !== {src!r}", timeout=10000
    )
    with stack.app.state.engine.connect() as conn:
        shown = conn.execute(
            sa.select(audit_events.c.actor).where(
                audit_events.c.action == "calibration_snapshot",
                audit_events.c.subject == camera,
            )
        ).all()
    assert [row.actor for row in shown] == ["gus"]  # refreshes are not each an event
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "calibration-snapshot" in r.url else None)
    page.click(".admin-editor .actions button:last-child")  # cancel
    page.wait_for_timeout(4000)  # longer than a refresh
    assert fetched == []


def test_editor_shows_why_a_restricted_camera_has_no_picture(page: Any, login: Any) -> None:
    login("gus")
    page.locator(".heading-queue li").first.wait_for()
    page.evaluate(
        "async () => (await import('/static/js/admin.js')).editCamera({ id: 'WEB-RESTR' })"
    )
    page.wait_for_selector("#admin-snapshot[data-state='calibration_refused']", timeout=15000)
    text = page.locator("#admin-snapshot figcaption").inner_text()
    assert text.startswith("Không hiển thị ảnh để hiệu chỉnh: ")
    assert "restricted" in text  # the server's reason
    assert page.locator("#admin-snapshot img").get_attribute("src") is None
