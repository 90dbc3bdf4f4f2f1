"""Open Location Codes."""

from __future__ import annotations

import pytest
from pyproj import Geod

from camroute.location import LocationParseError, NeedsGeocodingError
from camroute.location.pluscode import looks_like_plus_code, parse_plus_code


@pytest.mark.parametrize(
    ("code", "lat", "lon"),
    [
        ("7P28QMFX+26", 10.7725625, 106.6980625),
        ("7p28qmfx+26", 10.7725625, 106.6980625),
        ("7P28QMFX+26 Hồ Chí Minh", 10.7725625, 106.6980625),
    ],
)
def test_full_code_is_its_cell(code: str, lat: float, lon: float) -> None:
    loc = parse_plus_code(code)
    assert (loc.format, loc.shape) == ("plus-code", "polygon")
    assert (loc.lat, loc.lon) == pytest.approx((lat, lon), abs=1e-7)
    area = abs(Geod(ellps="WGS84").geometry_area_perimeter(loc.region_geometry())[0])
    assert area == pytest.approx(13.7 * 13.9, rel=0.05)  # a 10-digit cell is about 14 m x 14 m
    assert loc.uncertainty_m == pytest.approx(9.7, abs=0.2)


def test_short_code_needs_geocoding() -> None:
    with pytest.raises(NeedsGeocodingError, match="short code"):
        parse_plus_code("QMFX+26")


@pytest.mark.parametrize("code", ["7P28QMFX+2I", "++", "7P28QMFX26"])
def test_invalid_code_is_refused(code: str) -> None:
    with pytest.raises(LocationParseError, match="not a valid plus code"):
        parse_plus_code(code)


def test_coarse_code_is_refused_as_implausible() -> None:
    with pytest.raises(LocationParseError, match="implausible"):
        parse_plus_code("7P000000+")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7P28QMFX+26", True), ("FX+26 Quận 1", True), ("12 Lê Lợi", False), ("", False)],
)
def test_looks_like_plus_code(text: str, expected: bool) -> None:
    assert looks_like_plus_code(text) is expected
