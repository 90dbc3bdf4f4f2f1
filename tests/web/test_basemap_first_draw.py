"""The basemap's first draw does not hold the page: a call that arrives right after login is
listed and marked as fast as on a page without the basemap.

Software WebGL (Chromium ``--disable-gpu``) blocks the page's main thread while a frame is
rasterised (the canvas is read back for the compositor), so a basemap drawn before the queue
would hold the calls list for whole frames. Rounds alternate with and without the basemap
(the map config answered with ``basemap: false``) so machine load falls on both alike.
"""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from .conftest import Stack

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROUNDS = 3
IN_VIEW = {"lon": 106.7005, "lat": 10.7752, "uncertainty_m": 20.0}  # District 1, the start view

# Milliseconds from the login click until the call's row and its map marker are both on
# screen (checked each frame: a main thread held by the basemap delays the frame too).
SHOWN_JS = """async (id) => {
  const shown = () => document.querySelector(`#queue li[data-id='${id}']`)
    && document.querySelector(`[data-incident='${id}']`);
  while (!shown()) await new Promise((r) => requestAnimationFrame(r));
  return performance.now() - window.__loginAt;
}"""


def _no_basemap(route: Any) -> None:
    response = route.fetch()
    route.fulfill(response=response, json={**response.json(), "basemap": False})


def _call_after_login(browser: Any, stack: Stack, *, basemap: bool) -> tuple[float, bool]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
    try:
        page = context.new_page()
        if not basemap:
            page.route("**/api/map/config", _no_basemap)
        page.goto(f"{stack.url}/")
        page.wait_for_selector("body[data-ready='1']")
        page.fill("#login-form input[name=username]", "dan")
        page.fill("#login-form input[name=password]", stack.password)
        page.evaluate("window.__loginAt = performance.now()")
        page.click("#login-form button[type=submit]")
        incident = stack.post_call(location=IN_VIEW)
        ms = float(page.evaluate(SHOWN_JS, incident["id"]))
        page.wait_for_timeout(300)
        drawn = bool(page.evaluate("window.camroute.state.vectorBasemap"))
        if basemap:  # the basemap still comes: drawn once the page is idle
            page.wait_for_function("window.camrouteMetrics.basemapIdles > 0", timeout=30_000)
        return ms, drawn
    finally:
        context.close()


def test_a_call_right_after_login_is_not_held_by_the_basemap(browser: Any, stack: Stack) -> None:
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(ROUNDS):
        for basemap in (False, True):
            ms, drawn = _call_after_login(browser, stack, basemap=basemap)
            assert drawn is basemap
            times[basemap].append(ms)
    without, with_ = statistics.median(times[False]), statistics.median(times[True])
    print(f"call shown after login: without basemap {times[False]}, with {times[True]} ms")
    # as fast as without the basemap, give or take one software frame of machine noise
    assert with_ <= without * 1.2 + 150, (times[True], times[False])
