"""The access review in Chromium: a supervisor sees an outlier flagged, opens the audit events
behind it, and reads the page in English after the switch."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from tests.web.conftest import doc_shot

from camroute.audit.service import record_many

pytestmark = pytest.mark.browser

ROGUE_VIEWS = 12
TEAM_SIZE = 8  # of two ranked views each: the team's median stays 2 whatever other tests did


def _seed(engine: Any) -> tuple[str, list[int]]:
    """A team working its ranked cameras and one user opening cameras nobody ranked."""
    tag = uuid.uuid4().hex[:6]
    incident, rogue = f"inc-{tag}", f"rogue-{tag}"
    ranked = ["WEB-SEE", "WEB-PTZ"]
    events: list[dict[str, Any]] = [
        {"actor": "cad", "role": "integration", "action": "route_computed",
         "incident_id": incident, "details": {"cameras": ranked}},
    ]  # fmt: skip
    for n in range(TEAM_SIZE):
        events += [
            {"actor": f"team{n}-{tag}", "role": "dispatcher", "action": "login_ok"},
            *[
                {"actor": f"team{n}-{tag}", "role": "dispatcher", "action": "ticket_issued",
                 "subject": camera, "incident_id": incident, "purpose": "verify_incident"}
                for camera in ranked
            ],
        ]  # fmt: skip
    events.append({"actor": rogue, "role": "dispatcher", "action": "login_ok"})
    events += [
        {"actor": rogue, "role": "dispatcher", "action": "ticket_issued",
         "subject": f"hcmc-{100 + n}", "incident_id": incident, "purpose": "locate_caller"}
        for n in range(ROGUE_VIEWS)
    ]  # fmt: skip
    with engine.begin() as conn:
        written = record_many(conn, events)
    rogue_views = [e.id for e in written if e.actor == rogue and e.action == "ticket_issued"]
    return rogue, rogue_views


def _open_review(page: Any, rogue: str) -> None:
    page.click("#access-toggle")
    page.wait_for_selector("#access-dialog[open]")
    page.wait_for_selector(f"#access-table tr[data-user='{rogue}']")


def test_a_supervisor_sees_the_outlier_and_the_events_behind_it(
    page: Any, login: Any, stack: Any
) -> None:
    rogue, view_ids = _seed(stack.app.state.engine)
    login("sue")
    _open_review(page, rogue)
    row = f"#access-table tr[data-user='{rogue}']"
    assert "flagged" in (page.get_attribute(row, "class") or "")
    assert page.locator(f"{row} td.outlier[data-figure='views']").count() == 1
    assert page.locator(f"{row} td.outlier[data-figure='off_ranking']").count() == 1
    assert "12 (100%)" in page.inner_text(f"{row} td[data-figure='off_ranking']")
    assert "bất thường" in page.inner_text(f"{row} td[data-figure='off_ranking']")
    team = f"#access-table tr[data-user^='team0-{rogue.split('-')[1]}']"
    assert page.locator(f"{team} td.outlier").count() == 0
    assert "Ngoài danh sách xếp hạng" in page.inner_text("#access-table")

    page.click(f"{row} td[data-figure='off_ranking'] button")
    page.wait_for_selector("#access-events:not([hidden]) tr[data-event]")
    shown = page.eval_on_selector_all(
        "#access-events tr[data-event]", "rows => rows.map(r => Number(r.dataset.event))"
    )
    assert shown == view_ids
    assert "Sự kiện kiểm toán" in page.inner_text("#access-events h3")
    assert "mở xem trực tiếp" in page.inner_text("#access-events")
    page.locator("#access-dialog").screenshot(path=str(doc_shot("screenshot-access-review.png")))


def test_the_review_speaks_english_after_the_switch(page: Any, login: Any, stack: Any) -> None:
    rogue, _ = _seed(stack.app.state.engine)
    login("sue")
    assert page.inner_text("#access-toggle").strip() == "Rà soát truy cập"
    page.click("#lang-toggle")
    page.wait_for_function("document.documentElement.lang === 'en'")
    _open_review(page, rogue)
    assert "Not in the ranking" in page.inner_text("#access-table")
    assert "Team median" in page.inner_text("#access-table")
    assert "outlier" in page.inner_text(f"#access-table tr[data-user='{rogue}']")
    assert "Outlier: above 2 × the team median" in page.inner_text("#access-rule")


def test_a_dispatcher_has_no_review(page: Any, login: Any) -> None:
    login("ann")
    assert page.locator("#access-toggle").is_hidden()
