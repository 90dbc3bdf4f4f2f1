"""Live tiles in Chromium: frames and their age, renewal, staleness, denials, limits, closing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser


def test_live_tile_shows_simulator_frames_and_its_age_updates(
    page: Any, ui: Any, login: Any, stack: Any
) -> None:
    incident = stack.post_call(hotline="113")
    login("ann")
    ui.open_incident(incident["id"])
    ui.open_live("WEB-SEE")
    tile = "#tiles .tile[data-camera='WEB-SEE']"
    page.wait_for_selector(f"{tile} .age[data-age-s]")
    ui.wait_for_frame(tile)
    first = page.get_attribute(f"{tile} img", "src")
    page.wait_for_function(f'document.querySelector("{tile} img").src !== {first!r}', timeout=3000)
    age_s = float(page.get_attribute(f"{tile} .age", "data-age-s") or "nan")
    assert 0.0 <= age_s < 2.0
    frames, ages = set(), []
    for _ in range(10):  # about a second of a live tile: new frames, and an age that stays small
        ui.pause()
        frames.add(page.get_attribute(f"{tile} img", "src"))
        ages.append(float(page.get_attribute(f"{tile} .age", "data-age-s") or "nan"))
    assert len(frames) >= 3
    assert max(ages) < 1.0
    assert "stale" not in (page.get_attribute(tile, "class") or "")


@pytest.mark.slow
def test_ticket_is_renewed_before_it_expires_and_frames_keep_coming(
    page: Any, ui: Any, login: Any, stack: Any
) -> None:
    incident = stack.post_call(hotline="115")
    login("ann")
    ui.open_incident(incident["id"])
    ui.open_live("WEB-SEE")
    tile = "#tiles .tile[data-camera='WEB-SEE']"
    ui.wait_for_frame(tile)
    page.wait_for_function("window.camrouteMetrics.renewals >= 1", timeout=15000)
    first = page.get_attribute(f"{tile} img", "src")
    page.wait_for_function(f'document.querySelector("{tile} img").src !== {first!r}', timeout=3000)
    assert page.locator(tile).count() == 1


@pytest.mark.slow
def test_tile_turns_amber_then_stale_when_the_camera_dies(
    page: Any, ui: Any, login: Any, stack: Any
) -> None:
    incident = stack.post_call(hotline="113")
    login("ann")
    ui.open_incident(incident["id"])
    ui.open_live("WEB-DIES")
    tile = "#tiles .tile[data-camera='WEB-DIES']"
    ui.wait_for_frame(tile)
    stack.dying_sim.close()  # the camera's server goes away mid-stream
    page.wait_for_selector(f"{tile}.amber", timeout=6000)
    page.wait_for_selector(f"{tile}.stale", timeout=8000)
    assert "CŨ" in page.inner_text(f"{tile} .age")
    # Stale means older than 5 s; the attribute rounds to 0.01 s, so 5.004 s reads "5.00".
    assert float(page.get_attribute(f"{tile} .age", "data-age-s") or "0") >= 5.0


def test_restricted_camera_is_refused_for_a_dispatcher_with_the_reason(
    page: Any, ui: Any, login: Any, stack: Any
) -> None:
    incident = stack.post_call(hotline="113")
    login("ann")
    ui.open_incident(incident["id"])
    page.wait_for_selector("#detail li[data-camera='WEB-RESTR'] button.open-live")
    ui.open_live("WEB-RESTR")
    page.wait_for_selector("#purpose-error:not([hidden])")
    reason = page.inner_text("#purpose-error")
    assert "camera is restricted" in reason
    assert "supervisor" in reason
    assert page.locator("#tiles .tile").count() == 0


def test_supervisor_opens_a_restricted_camera_with_a_written_reason(
    page: Any, ui: Any, login: Any, stack: Any
) -> None:
    incident = stack.post_call(hotline="113")
    login("sue")
    ui.open_incident(incident["id"])
    page.click("#detail ol.cams li[data-camera='WEB-RESTR'] button.open-live")
    page.wait_for_selector("#purpose-dialog[open]")
    page.click("#purpose-ok")  # no reason yet: refused, and the dialog says why
    page.wait_for_selector("#purpose-error:not([hidden])")
    assert "reason" in page.inner_text("#purpose-error")
    page.fill("#purpose-dialog textarea[name=reason]", "Người gọi báo cháy trong sân, cần xác minh")
    page.click("#purpose-ok")
    ui.wait_for_frame("#tiles .tile[data-camera='WEB-RESTR']")
    assert not page.locator("#purpose-dialog[open]").count()


def test_at_most_four_tiles(page: Any, ui: Any, login: Any, stack: Any) -> None:
    incident = stack.post_call(hotline="115")
    login("dan")
    ui.open_incident(incident["id"])
    for camera_id in ("WEB-SEE", "WEB-PTZ", "WEB-ASSUMED", "hcmc-699"):
        ui.open_live(camera_id)
        page.wait_for_selector(f"#tiles .tile[data-camera='{camera_id}']")
    page.click("#detail ol.cams li[data-camera='WEB-DIES'] button.open-live")
    page.wait_for_selector("#toast:not([hidden])")
    assert "4" in page.inner_text("#toast")
    assert page.locator("#tiles .tile").count() == 4
    assert not page.locator("#purpose-dialog[open]").count()
    for camera_id in ("WEB-SEE", "WEB-PTZ", "WEB-ASSUMED", "hcmc-699"):
        ui.wait_for_frame(f"#tiles .tile[data-camera='{camera_id}']")


def test_camera_from_the_layer_needs_an_incident_and_a_ranking(
    page: Any, ui: Any, login: Any, stack: Any
) -> None:
    cam = httpx.get(f"{stack.url}/api/cameras/WEB-ADMIN", headers=stack.gis_admin()).json()
    login("ann")
    page.evaluate(f"void window.camroute.state.map.setView([{cam['lat']}, {cam['lon']}], 18)")
    page.wait_for_function("window.camrouteMetrics.clusters === 0")
    page.wait_for_timeout(300)
    page.mouse.click(*ui.map_point(cam["lon"], cam["lat"]))
    page.wait_for_selector("#toast:not([hidden])")
    assert "sự vụ" in page.inner_text("#toast")
    incident = stack.post_call(hotline="113")
    page.wait_for_selector(f"#queue li[data-id='{incident['id']}']")
    page.click(f"#queue li[data-id='{incident['id']}']")
    page.wait_for_selector(f"#detail .subject[data-id='{incident['id']}'] ol.cams li")
    page.evaluate(f"void window.camroute.state.map.setView([{cam['lat']}, {cam['lon']}], 18)")
    page.wait_for_timeout(500)
    page.mouse.click(*ui.map_point(cam["lon"], cam["lat"]))
    page.wait_for_selector("#purpose-dialog[open]")
    page.click("#purpose-ok")
    page.wait_for_selector("#purpose-error:not([hidden])")
    assert "not ranked for this incident" in page.inner_text("#purpose-error")


def test_closing_the_incident_closes_its_tiles(page: Any, ui: Any, login: Any, stack: Any) -> None:
    incident = stack.post_call(hotline="115")
    login("ann")
    ui.open_incident(incident["id"])
    ui.open_live("WEB-SEE")
    page.wait_for_selector("#tiles .tile[data-camera='WEB-SEE']")
    page.click("#detail button[data-status='closed']")
    page.wait_for_selector("#tiles .tile", state="detached", timeout=5000)


def test_keyboard_next_incident_open_best_camera_and_close_tile(
    page: Any, login: Any, stack: Any
) -> None:
    incident = stack.post_call(hotline="115")
    login("sue")
    # The newest call heads the queue once its row is there (older ones may show first).
    page.wait_for_selector(f"#queue li[data-id='{incident['id']}']")
    page.keyboard.press("j")
    page.wait_for_selector("#queue li.selected")
    selected = page.get_attribute("#queue li.selected", "data-id")
    assert selected == str(incident["id"])
    page.wait_for_selector(f"#detail .subject[data-id='{selected}'] ol.cams li")
    best = page.get_attribute("#detail ol.cams > li", "data-camera")
    assert best in {"WEB-SEE", "WEB-DIES"}  # both see the area whole (test_page says why)
    page.keyboard.press("o")
    page.wait_for_selector("#purpose-dialog[open]")
    assert best in page.inner_text("#purpose-camera")
    page.click("#purpose-ok")
    page.wait_for_selector(f"#tiles .tile[data-camera='{best}']")
    page.keyboard.press("Escape")
    page.wait_for_selector("#tiles .tile", state="detached")
    if page.locator("#queue li").count() > 1:
        page.keyboard.press("j")
        page.wait_for_function(
            f"document.querySelector('#queue li.selected')?.dataset.id !== {selected!r}"
        )
