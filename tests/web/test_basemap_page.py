"""The HCMC demo map in Chromium: the imported basemap is drawn with street names, from the
app's own origin (the ``page`` fixture fails the test on any request leaving it)."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import numpy as np
import pytest
from PIL import Image

from .conftest import Stack, Ui, doc_shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
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
    page.screenshot(path=str(doc_shot("basemap-district1-z17.png")))
    wide = _labels_at(page, 15)
    page.screenshot(path=str(doc_shot("basemap-district1-z15.png")))
    # Nguyễn Huệ / Đồng Khởi / Lê Lợi: real names with their diacritics, as OSM spells them
    assert any("Đồng Khởi" in n or "Ðồng Khởi" in n for n in near), near
    assert any("Lê Lợi" in n for n in wide + near), wide
    assert len(set(wide)) > len(set(near)) >= 3


TAN_DINH = {"lon": 106.6910, "lat": 10.7870}  # the OSM export with ward edges and POIs
CHURCH = {"lon": 106.6906, "lat": 10.7884}  # Nhà thờ Tân Định (a church: purple cross icon)
SPRITES = ("hospital", "police", "fire_station", "school", "marketplace", "pagoda", "church")

RENDERED_JS = """(layer) => {
  const gl = window.camroute.state.basemapGl;
  if (!gl || !gl.loaded() || !gl.areTilesLoaded()) return null;
  return gl.queryRenderedFeatures(undefined, { layers: [layer] }).map((f) => f.properties);
}"""


def _rendered_at(page: Any, where: dict[str, float], zoom: int, layer: str) -> list[Any]:
    page.evaluate(
        f"window.camroute.state.map.setView([{where['lat']}, {where['lon']}], {zoom},"
        " { animate: false })"
    )
    page.wait_for_function(f"({RENDERED_JS})('{layer}')?.length > 0", timeout=20_000)
    page.wait_for_timeout(300)
    found: list[Any] = page.evaluate(f"({RENDERED_JS})('{layer}')")
    return found


def test_ward_names_and_edges_are_drawn_at_city_zoom(page: Any, login: Any) -> None:
    login("ann")
    names = {p["name"] for p in _rendered_at(page, TAN_DINH, 14, "ward-labels")}
    edges = _rendered_at(page, TAN_DINH, 14, "boundaries")
    page.screenshot(path=str(doc_shot("basemap-district1-wards-z14.png")))
    # the 2025 wards of the areas store, spelled with their diacritics (NFC)
    assert "Phường Tân Định" in names, names
    assert len(names) >= 10  # the wards around: names where street names leave room
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert {p["kind"] for p in edges} == {"admin6"}  # the OSM edges of the 2025 wards
    closer = {p["name"] for p in _rendered_at(page, TAN_DINH, 17, "ward-labels")}
    assert 0 < len(closer) < len(names)  # fewer wards in a street-zoom view, still named


def _purple_share(png: bytes) -> float:
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int32)
    distance = np.abs(rgb - np.array([107, 33, 168])).sum(axis=2)
    return float((distance < 60).mean())


def test_poi_icons_and_names_are_drawn(page: Any, login: Any, ui: Ui) -> None:
    login("ann")
    pois = _rendered_at(page, CHURCH, 17, "poi-icons")
    names = {p.get("name") for p in pois}
    assert {"Nhà thờ Tân Định", "Bệnh viện Đa khoa Tân Định"} <= names, names
    church = next(p for p in pois if p.get("name") == "Nhà thờ Tân Định")
    assert church["religion"] == "christian"  # the church icon, not the pagoda
    assert page.evaluate(
        f"{list(SPRITES)}.every((n) => window.camroute.state.basemapGl.hasImage(n))"
    )
    x, y = ui.map_point(CHURCH["lon"], CHURCH["lat"])
    icon = page.screenshot(clip={"x": x - 10, "y": y - 10, "width": 20, "height": 20})
    away = page.screenshot(clip={"x": x - 10, "y": y + 200, "width": 20, "height": 20})
    page.screenshot(path=str(doc_shot("basemap-district1-pois-z17.png")))
    assert _purple_share(icon) > 0.2  # the purple disc is drawn where the church is
    assert _purple_share(away) < 0.05
