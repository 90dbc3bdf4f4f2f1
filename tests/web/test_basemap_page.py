"""The HCMC demo map in Chromium: the imported basemap is drawn with street names, from the
app's own origin (the ``page`` fixture fails the test on any request leaving it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import Stack, Ui

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DOCS = Path(__file__).resolve().parents[2] / "docs"
DISTRICT_1 = {"lon": 106.7020, "lat": 10.7762}  # Nguyễn Huệ / Đồng Khởi / Lê Lợi

LABELS_JS = """() => {
  const gl = window.camroute.state.basemapGl;
  if (!gl || !gl.loaded() || !gl.areTilesLoaded()) return null;
  const found = gl.queryRenderedFeatures(undefined, { layers: ["road-labels"] });
  return found.map((f) => f.properties.name);
}"""


def _labels_at(page: Any, zoom: int) -> list[str]:
    page.evaluate(
        f"window.camroute.state.map.setView([{DISTRICT_1['lat']}, {DISTRICT_1['lon']}], {zoom},"
        " { animate: false })"
    )
    page.wait_for_function(f"({LABELS_JS})()?.length > 0", timeout=20_000)
    page.wait_for_timeout(400)  # let the label fade-in finish before the screenshot
    names: list[str] = page.evaluate(f"({LABELS_JS})()")
    return names


def test_street_names_are_drawn_over_district_1(
    page: Any, login: Any, stack: Stack, ui: Ui
) -> None:
    incident = stack.post_call(location={"lon": 106.7025, "lat": 10.7765, "uncertainty_m": 20.0})
    login("ann")
    ui.open_incident(incident["id"])
    assert page.evaluate("window.camroute.state.vectorBasemap") is True
    near = _labels_at(page, 17)
    page.screenshot(path=str(DOCS / "basemap-district1-z17.png"))
    wide = _labels_at(page, 15)
    page.screenshot(path=str(DOCS / "basemap-district1-z15.png"))
    # Nguyễn Huệ / Đồng Khởi / Lê Lợi: real names with their diacritics, as OSM spells them
    assert any("Đồng Khởi" in n or "Ðồng Khởi" in n for n in near), near
    assert any("Lê Lợi" in n for n in wide + near), wide
    assert len(set(wide)) > len(set(near)) >= 3
