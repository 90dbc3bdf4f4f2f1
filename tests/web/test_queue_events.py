"""The queue follows typed events row by row: no list reload after login, one row redrawn."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from .conftest import CALLER, PASSWORD, Stack

pytestmark = pytest.mark.browser


def _bearer(stack: Stack, user: str) -> dict[str, str]:
    r = httpx.post(f"{stack.url}/api/auth/login", data={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _set_status(stack: Stack, incident_id: str, status: str, headers: dict[str, str]) -> None:
    r = httpx.patch(
        f"{stack.url}/api/incidents/{incident_id}", json={"status": status}, headers=headers
    )
    assert r.status_code == 200, r.text


def _record_gets(page: Any) -> list[str]:
    """Paths of the page's GET requests to /api/incidents..., in order, from now on."""
    gets: list[str] = []

    def seen(request: Any) -> None:
        path = urlsplit(request.url).path
        if request.method == "GET" and path.startswith("/api/incidents"):
            gets.append(path)

    page.on("request", seen)
    return gets


def _settled(page: Any, login: Any, user: str) -> list[str]:
    """Log in; return the recorder once the stream is open and the list loaded after it."""
    gets = _record_gets(page)
    login(user)
    page.wait_for_selector("#conn[data-i18n='conn.live']")
    page.wait_for_function(
        "window.camrouteMetrics.streamOpens >= 1 && window.camrouteMetrics.queueLoads >= 2"
    )
    page.mouse.move(900, 500)  # away from the queue: new rows go in at once
    assert gets.count("/api/incidents") == 2  # at login, and once the stream was open
    return gets


MARK_ROWS = "document.querySelectorAll('#queue li').forEach((li) => { li.__kept = true; })"
# Each row: id, still the node marked before, status, and its text less the ticking age.
ROWS = """[...document.querySelectorAll('#queue li')].map((li) => [
  li.dataset.id, li.__kept === true, li.dataset.status,
  [...li.querySelectorAll('.badge, .ward, .status-chip')].map((n) => n.textContent).join('|')])"""


def test_a_posted_call_joins_the_queue_without_loading_the_list(
    page: Any, login: Any, stack: Stack
) -> None:
    gets = _settled(page, login, "ann")
    before = len(gets)
    incident = stack.post_call(hotline="113")
    page.wait_for_selector(f"#queue li[data-id='{incident['id']}']")
    page.wait_for_selector(f".inc-marker[data-incident='{incident['id']}']")
    assert page.locator("#queue li").first.get_attribute("data-id") == incident["id"]
    page.wait_for_timeout(300)  # anything the page would still ask for
    assert gets[before:] == []  # neither the list nor the incident was fetched


def test_a_status_change_redraws_only_its_row(page: Any, login: Any, stack: Stack) -> None:
    first, second = stack.post_call(hotline="114"), stack.post_call(hotline="115")
    gets = _settled(page, login, "ann")
    page.wait_for_selector(f"#queue li[data-id='{second['id']}']")
    page.evaluate(MARK_ROWS)
    rows_before = page.evaluate(ROWS)
    before = len(gets)
    events_before = page.evaluate("window.camrouteMetrics.serverEvents")
    _set_status(stack, first["id"], "acknowledged", _bearer(stack, "dan"))  # another dispatcher
    page.wait_for_selector(f"#queue li[data-id='{first['id']}'][data-status='acknowledged']")
    rows_after = page.evaluate(ROWS)
    assert [r[0] for r in rows_after] == [r[0] for r in rows_before]  # same rows, same order
    changed = [r for r in rows_after if r[0] == first["id"]]
    assert len(changed) == 1
    assert changed[0][1] is False  # a new node
    assert changed[0][3] != next(r[3] for r in rows_before if r[0] == first["id"])
    others_before = [r for r in rows_before if r[0] != first["id"]]
    assert [r for r in rows_after if r[0] != first["id"]] == others_before  # same nodes, same text
    assert all(kept for _id, kept, *_ in others_before)
    assert page.evaluate("window.camrouteMetrics.serverEvents") == events_before + 1
    page.wait_for_timeout(300)
    assert gets[before:] == []


def test_the_open_incident_follows_only_the_events_about_it(
    page: Any, ui: Any, login: Any, stack: Stack
) -> None:
    mine, other = stack.post_call(hotline="113"), stack.post_call(hotline="113")
    gets = _settled(page, login, "ann")
    ui.open_incident(mine["id"])
    own = f"/api/incidents/{mine['id']}"
    page.wait_for_timeout(200)
    assert gets.count(own) == 1
    dan = _bearer(stack, "dan")
    _set_status(stack, other["id"], "dispatched", dan)
    page.wait_for_selector(f"#queue li[data-id='{other['id']}'][data-status='dispatched']")
    _set_status(stack, mine["id"], "acknowledged", dan)  # the event's row carries the status
    page.wait_for_selector(
        f"#detail .subject[data-id='{mine['id']}'] button[data-status='dispatched']"
    )
    assert page.locator("#detail button[data-status='acknowledged']").count() == 0
    assert page.locator("#detail ol.cams li").count() > 0  # the stored cameras stay
    page.wait_for_timeout(300)
    assert gets.count(own) == 1  # neither change fetched the open incident again
    moved = {**CALLER, "lon": CALLER["lon"] + 0.0002}  # a new location: ranked again
    r = httpx.post(
        f"{stack.url}/api/calls",
        json={"call_id": mine["call_id"], "hotline": "113", "location": moved},
        headers={"X-API-Key": stack.integration_key},
    )
    assert r.status_code == 200, r.text
    page.wait_for_function(f"window.camroute.state.detail.lon === {moved['lon']}")
    assert gets.count(own) == 2
    assert gets.count("/api/incidents") == 2  # and the list was not loaded for any of it
