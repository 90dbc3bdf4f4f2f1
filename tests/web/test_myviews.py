"""My live views in Chromium: views a reload left behind are listed, re-opened and ended."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from camroute.auth.models import Role
from camroute.auth.service import add_user

pytestmark = pytest.mark.browser

CAMERAS = ("WEB-SEE", "WEB-PTZ", "WEB-ASSUMED", "hcmc-699")  # all ranked for the caller


@pytest.fixture
def dispatcher(stack: Any) -> str:
    """A dispatcher of this test alone (the session's users hold views of other tests)."""
    name = f"vy-{uuid.uuid4().hex[:8]}"
    app = stack.app
    add_user(
        app.state.engine,
        app.state.settings,
        name=name,
        role=Role.dispatcher,
        password=stack.password,
        actor="test",
        actor_role="test",
    )
    return name


def test_views_left_by_a_reload_are_listed_reopened_and_ended(
    page: Any, ui: Any, login: Any, stack: Any, dispatcher: str
) -> None:
    incident = stack.post_call(hotline="114")
    login(dispatcher)
    assert page.locator("#my-views").is_hidden()  # nothing held: the list stays closed
    ui.open_incident(incident["id"])
    for camera_id in CAMERAS:
        ui.open_live(camera_id)
        page.wait_for_selector(f"#tiles .tile[data-camera='{camera_id}']")

    page.reload()  # the tiles go; their four tickets stay for the grace
    page.wait_for_selector("body[data-ready='1']")
    for camera_id in CAMERAS:
        page.wait_for_selector(f"#my-views li[data-camera='{camera_id}']")
    assert page.inner_text("#my-views-count").strip() == "(4)"
    assert page.locator("#tiles .tile").count() == 0

    page.click("#my-views li[data-camera='WEB-SEE'] button.reopen")
    ui.wait_for_frame("#tiles .tile[data-camera='WEB-SEE']")
    page.wait_for_selector("#my-views li[data-camera='WEB-SEE'] button.reopen[disabled]")

    ui.open_incident(incident["id"])
    ui.open_live("WEB-PTZ")  # a fifth view: refused, and the list says which ones hold slots
    page.wait_for_selector("#purpose-error:not([hidden])")
    assert "/api/live/mine" in page.inner_text("#purpose-error")
    page.click("#purpose-cancel")

    page.click("#my-views li[data-camera='WEB-PTZ'] button.end")
    page.wait_for_selector("#my-views li[data-camera='WEB-PTZ']", state="detached")
    assert page.inner_text("#my-views-count").strip() == "(3)"
    ui.open_live("WEB-PTZ")
    ui.wait_for_frame("#tiles .tile[data-camera='WEB-PTZ']")
    page.wait_for_selector("#my-views li[data-camera='WEB-PTZ'] .shown")
    assert page.locator("#my-views li").count() == 4


def test_the_list_speaks_english_after_the_switch(
    page: Any, ui: Any, login: Any, stack: Any, dispatcher: str
) -> None:
    login(dispatcher)
    assert "Xem trực tiếp của tôi" in page.inner_text("#my-views-toggle")
    page.click("#lang-toggle")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert "My live views" in page.inner_text("#my-views-toggle")
    page.click("#my-views-toggle")
    page.wait_for_selector("#my-views .empty")
    assert "no live views" in page.inner_text("#my-views")
