"""A GIS admin turns on the coverage layer: the seen area, the blind stretches and the last
plan's proposed camera with its cone and gain are drawn; turning it off removes them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import shapely
import sqlalchemy as sa

from camroute.areas.models import AreaFeature
from camroute.areas.store import write_features
from camroute.areas.tables import area_features
from camroute.coverage.models import PlannedCamera
from camroute.coverage.store import PLAN_KEY, SavedPlan, save_plan
from camroute.store.meta import META

from .conftest import ARTIFACTS, CALLER, M_PER_DEG_LAT

pytestmark = pytest.mark.browser

# A street 4 km north of the caller, far from every camera: wholly blind.
LAT0 = CALLER["lat"] + 4000.0 / M_PER_DEG_LAT
LON0 = CALLER["lon"]
STREET = "Đường Thử Độ Phủ"


@pytest.fixture
def blind_street_and_plan(stack: Any) -> Iterator[None]:
    app, engine = stack.app, stack.app.state.engine
    way = shapely.LineString([(LON0 - 0.002, LAT0), (LON0 + 0.002, LAT0)])
    write_features(engine, [AreaFeature(kind="streets", name=STREET, geometry=way)])
    app.state.area_layers.reload(engine)
    camera = PlannedCamera(
        rank=1, lon=LON0, lat=LAT0, heading_deg=90.0, hfov_deg=60.0, range_m=100.0,
        site=STREET, gain_m=100.0, weighted_gain=100.0,
    )  # fmt: skip
    save_plan(engine, SavedPlan(made_at=datetime.now(UTC), months=12, budget=1, cameras=[camera]))
    yield
    with engine.begin() as conn:
        conn.execute(sa.delete(area_features).where(area_features.c.name == STREET))
        conn.execute(sa.delete(META).where(META.c.key == PLAN_KEY))
    app.state.area_layers.reload(engine)


def test_admin_sees_coverage_blind_stretches_and_the_plan(
    page: Any, login: Any, blind_street_and_plan: None
) -> None:
    login("gus")
    toggle = page.locator("#coverage-toggle")
    toggle.wait_for()
    assert toggle.inner_text() == "Độ phủ camera"
    toggle.click()
    page.wait_for_selector("#coverage-toggle[aria-pressed='true']", timeout=60000)
    assert toggle.get_attribute("data-planned") == "1"
    # the summary says when the figures were computed: the layer is reused for minutes
    assert re.search(
        r"\(tính đến \d{2}:\d{2}:\d{2}\)$", page.locator("#toast .detail").inner_text()
    )
    assert int(toggle.get_attribute("data-blind")) >= 1
    label = page.locator(".plan-label").first
    assert "#1 đề xuất: thêm 100 m đường, hướng 90°" in label.inner_text()
    # the blind street is drawn red and the seen area green (SVG paths on the map)
    assert page.locator("path[stroke='#e53e3e']").count() == int(toggle.get_attribute("data-blind"))
    assert page.locator("path[fill='#38a169']").count() == 1
    assert page.locator("path[stroke='#2b6cb0']").count() == 1  # the proposed camera's cone
    for name, (lat, lon, zoom) in {
        "coverage-layer-district1": (CALLER["lat"], CALLER["lon"], 16),
        "coverage-layer-plan": (LAT0, LON0, 17),
    }.items():  # pictures for docs/COVERAGE.md
        page.evaluate(f"void window.camroute.state.map.setView([{lat}, {lon}], {zoom})")
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    toggle.click()
    page.wait_for_selector("#coverage-toggle[aria-pressed='false']")
    page.wait_for_function("document.querySelectorAll('.plan-label').length === 0", timeout=5000)
    assert page.locator("path[stroke='#e53e3e']").count() == 0


def test_dispatchers_have_no_coverage_toggle(page: Any, login: Any) -> None:
    login("ann")
    page.wait_for_selector("#logout:not([hidden])")
    assert page.locator("#coverage-toggle").is_hidden()
