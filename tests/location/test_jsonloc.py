"""JSON, GeoJSON and PFLAU JSON locations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import orjson
import pytest

from camroute.location import LocationParseError
from camroute.location.jsonloc import parse_json, plain_position

Vector = Callable[[str], bytes]


def test_plain_object_with_everything() -> None:
    loc = parse_json(
        b'{"lon": 106.698, "lat": 10.7725, "uncertainty_m": 35, "confidence": 68,'
        b' "time": "2025-07-01T08:00:00+07:00", "method": "gps", "altitude_m": 12.5}'
    )
    assert (loc.format, loc.shape, loc.lon, loc.lat) == ("json", "circle", 106.698, 10.7725)
    assert loc.uncertainty_m == pytest.approx(35.0, abs=0.01)
    assert (loc.confidence, loc.method, loc.altitude_m) == (68.0, "gps", 12.5)
    assert loc.time == datetime(2025, 7, 1, 1, tzinfo=UTC)
    assert loc.warnings == []


@pytest.mark.parametrize(
    ("body", "shape", "warning"),
    [
        (b'{"lon": 106.698, "lat": 10.7725}', "point", "uncertainty unknown"),
        (b'{"lon": 106.698, "lat": 10.7725, "uncertainty_m": 0}', "point", "uncertainty unknown"),
        (b'{"lon": 106.698, "lat": 10.7725, "accuracy_m": 20}', "circle", None),
        (b'{"lon": 106.698, "lat": 10.7725, "ts": 1}', "point", "unknown keys ignored: ts"),
    ],
)
def test_plain_object_variants(body: bytes, shape: str, warning: str | None) -> None:
    loc = parse_json(body)
    assert loc.shape == shape
    if warning:
        assert any(warning in w for w in loc.warnings), loc.warnings


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b'{"lon": "106.698", "lat": 10.7725}', "lon: must be a number"),
        (b'{"lon": true, "lat": 10.7725}', "lon: must be a number"),
        (b'{"lat": 10.7725}', "lon: must be a number"),
        (b'{"lon": 10.7725, "lat": 106.698}', "latitude 106.698 .*swapped"),
        (b'{"lon": 106.698, "lat": 10.7725, "uncertainty_m": -1}', "must be >= 0"),
        (b'{"lon": 106.698, "lat": 10.7725, "confidence": 0}', "confidence 0.0"),
        (b'{"lon": 106.698, "lat": 10.7725, "time": "2025-07-01T08:00:00"}', "no UTC offset"),
        (b'{"lon": 106.698, "lat": 10.7725, "time": "yesterday"}', "not an ISO 8601"),
        (b'{"lon": 106.698, "lat": 10.7725, "civic": {"RD": 5}}', "civic.RD: must be a string"),
        (b'{"lon": 106.698, "lat": NaN}', "not valid JSON"),
        (b"[106.698, 10.7725]", "must be an object"),
        (b'{"lon": 106.698,', "not valid JSON"),
    ],
)
def test_bad_json_is_refused(body: bytes, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        parse_json(body)


def test_geojson_point_is_lon_lat() -> None:
    loc = parse_json(b'{"type": "Point", "coordinates": [106.698, 10.7725, 4.0]}')
    assert (loc.format, loc.shape, loc.lon, loc.lat, loc.altitude_m) == (
        "geojson",
        "point",
        106.698,
        10.7725,
        4.0,
    )


def test_geojson_feature_with_uncertainty() -> None:
    loc = parse_json(
        b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.698, 10.7725]},'
        b' "properties": {"uncertainty_m": 50, "confidence": 90}}'
    )
    assert (loc.shape, loc.confidence) == ("circle", 90.0)
    assert loc.uncertainty_m == pytest.approx(50.0, abs=0.01)


def test_geojson_polygon_clockwise_is_normalised() -> None:
    ring = "[[106.69,10.77],[106.69,10.78],[106.70,10.78],[106.70,10.77],[106.69,10.77]]"
    loc = parse_json(f'{{"type": "Polygon", "coordinates": [{ring}]}}'.encode())
    assert loc.shape == "polygon"
    assert loc.region_geometry().exterior.is_ccw
    assert (loc.lon, loc.lat) == pytest.approx((106.695, 10.775), abs=1e-5)


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b'{"type": "LineString", "coordinates": [[0,0],[1,1]]}', "not Point, Polygon"),
        (b'{"type": "Point", "coordinates": [106.698]}', "a position is"),
        (b'{"type": "Polygon", "coordinates": [[[0,0],[1,1]]]}', "at least 4 positions"),
        (
            b'{"type": "Polygon", "coordinates": '
            b"[[[0,0],[0,1],[1,1],[0,0]],[[0,0],[0,1],[1,1],[0,0]]]}",
            "holes",
        ),
        (b'{"type": "Polygon", "coordinates": [[[0,0],[1,1],[0,1],[1,0],[0,0]]]}', "not valid"),
        (
            b'{"type": "Polygon", "coordinates": [[[179,0],[-179,0],[-179,1],[179,0]]]}',
            "antimeridian",
        ),
    ],
)
def test_bad_geojson_is_refused(body: bytes, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        parse_json(body)


def test_pflau_arcband_json(vector: Vector) -> None:
    loc = parse_json(vector("pflau_arcband_sample.json"))
    assert (loc.format, loc.shape) == ("json", "arcband")
    # Antenna 47.9178089, 1.8935533; r 1600.55-2000.4 m; 200 deg + 100 deg: caller to the SW.
    assert loc.lat < 47.9178089
    assert loc.lon < 1.8935533
    assert loc.time is None
    assert any("PhoneCall.date" in w for w in loc.warnings)
    assert "33673590000" not in loc.model_dump_json()


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b'{"Circle": {"pos": "10.77", "radius": "5"}}', "expected 'lat lon'"),
        (b'{"Circle": {"pos": "10.77 106.7", "radius": "x"}}', "Circle.radius: 'x'"),
        (
            b'{"Circle": {"pos": "10.77 106.7", "radius": "5"}, "Ellipse": {}}',
            "more than one shape",
        ),
        (
            b'{"Ellipse": {"pos": "10.77 106.7", "semiMajorAxis": 5, "semiMinorAxis": 9,'
            b' "orientation": 0}}',
            "semiMinorAxis",
        ),
    ],
)
def test_bad_pflau_is_refused(body: bytes, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        parse_json(body)


@pytest.mark.parametrize(
    ("lon", "lat", "uncertainty_m", "method"),
    [
        (106.7009, 10.7769, 35.0, None),
        (106.7009, 10.7769, 0.0, None),
        (106.7009, 10.7769, None, None),
        (-70.5, -45.0, 100_000.0, "geocoded"),
    ],
)
def test_plain_position_is_what_its_json_parses_to(
    lon: float, lat: float, uncertainty_m: float | None, method: str | None
) -> None:
    doc: dict[str, object] = {"lon": lon, "lat": lat, "uncertainty_m": uncertainty_m}
    if method is not None:
        doc["method"] = method
    typed = plain_position(lon=lon, lat=lat, uncertainty_m=uncertainty_m, method=method)
    assert typed == parse_json(orjson.dumps(doc))
    assert typed.method == method


@pytest.mark.parametrize(
    ("lon", "lat", "uncertainty_m", "match"),
    [
        (10.7769, 106.7009, 35.0, "swapped"),
        (181.0, 10.0, 35.0, "longitude"),
        (106.7, 10.7, -1.0, "uncertainty_m"),
        (106.7, 10.7, 200_000.0, "uncertainty_m"),
    ],
)
def test_plain_position_refuses_as_the_json_does(
    lon: float, lat: float, uncertainty_m: float, match: str
) -> None:
    with pytest.raises(LocationParseError, match=match):
        plain_position(lon=lon, lat=lat, uncertainty_m=uncertainty_m)
