"""RFC 5870 geo URIs."""

from __future__ import annotations

import pytest

from camroute.location import LocationParseError
from camroute.location.geouri import parse_geo_uri


@pytest.mark.parametrize(
    ("uri", "lat", "lon", "shape", "radius_m", "altitude_m"),
    [
        ("geo:10.7769,106.7009;u=35", 10.7769, 106.7009, "circle", 35.0, None),
        ("GEO:10.7769,106.7009;crs=WGS84;u=35", 10.7769, 106.7009, "circle", 35.0, None),
        ("geo:10.7769,106.7009", 10.7769, 106.7009, "point", 0.0, None),
        ("geo:10.7769,106.7009,12.5;u=0", 10.7769, 106.7009, "point", 0.0, 12.5),
        ("geo:-90,180;u=10", -90.0, 180.0, None, None, None),
        (" geo:16.068,108.224;u=15\n", 16.068, 108.224, "circle", 15.0, None),
    ],
)
def test_geo_uri(
    uri: str,
    lat: float,
    lon: float,
    shape: str | None,
    radius_m: float | None,
    altitude_m: float | None,
) -> None:
    if shape is None:  # a disc about a pole is no polygon: refused, not wrong
        with pytest.raises(LocationParseError, match="pole"):
            parse_geo_uri(uri)
        return
    loc = parse_geo_uri(uri)
    assert (loc.format, loc.shape, loc.lat, loc.lon) == ("geo-uri", shape, lat, lon)
    assert loc.uncertainty_m == pytest.approx(radius_m, abs=0.01)
    assert loc.altitude_m == altitude_m


@pytest.mark.parametrize(
    ("uri", "match"),
    [
        ("geo:106.7009,10.7769", "latitude 106.7009"),
        ("geo:10.7769;106.7009", "expected geo:"),
        ("geo:10.7769,106.7009;crs=utm", "only wgs84"),
        ("geo:10.7769,106.7009;u=-3", "expected geo:|must be >= 0|not a decimal"),
        ("geo:10.7769,106.7009;u=abc", "not a decimal number"),
        ("geo:10.7769,106.7009;u=1;u=2", "repeated"),
        ("geo:1e3,5", "expected geo:"),
    ],
)
def test_bad_geo_uri_is_refused(uri: str, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        parse_geo_uri(uri)


def test_unknown_parameter_is_ignored_with_warning() -> None:
    loc = parse_geo_uri("geo:10.7769,106.7009;u=35;foo=bar")
    assert any("parameters ignored: foo" in w for w in loc.warnings)
