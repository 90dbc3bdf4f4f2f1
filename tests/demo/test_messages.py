from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from camroute.demo.messages import FORMATS, aml_sms, location_payload
from camroute.location import parse_location

AT = datetime(2026, 11, 22, 1, 2, 3, tzinfo=UTC)
WHERE = {"lon": 106.7009123, "lat": 10.7769456}


@pytest.mark.parametrize(
    ("fmt", "expected_format", "expected_shape", "tolerance_deg"),
    [
        ("aml", "aml", "circle", 1e-5),  # AML carries 5 decimals
        ("pidf-circle", "pidf-lo", "circle", 1e-7),
        ("pidf-ellipse", "pidf-lo", "ellipse", 1e-7),
        ("pidf-point", "pidf-lo", "point", 1e-7),
        ("json", "json", "circle", 1e-9),
    ],
)
def test_every_format_parses_back_to_the_same_place(
    fmt: str, expected_format: str, expected_shape: str, tolerance_deg: float
) -> None:
    payload = location_payload(fmt, radius_m=25.0, at=AT, orientation_deg=30.0, **WHERE)  # type: ignore[arg-type]
    body = payload["location"]
    raw = body if isinstance(body, str) else orjson.dumps(body)
    parsed = parse_location(raw, content_type=payload.get("content_type"))
    assert parsed.format == expected_format
    assert parsed.shape == expected_shape
    assert parsed.lon == pytest.approx(WHERE["lon"], abs=tolerance_deg)
    assert parsed.lat == pytest.approx(WHERE["lat"], abs=tolerance_deg)
    if expected_shape == "point":
        assert parsed.uncertainty_m == 0
        assert parsed.warnings == ["no uncertainty given: uncertainty unknown, not zero"]
    else:
        assert parsed.uncertainty_m == pytest.approx(25.0, abs=0.5)
        assert not parsed.warnings, parsed.warnings


def test_formats_list_is_what_the_generator_mixes() -> None:
    assert set(FORMATS) == {"aml", "pidf-circle", "pidf-ellipse", "pidf-point", "json"}


@pytest.mark.parametrize(
    ("lon", "lat", "radius_m"),
    [(106.7, 10.77, 5), (-73.25, -42.5, 1500), (0.0, 0.0, 0), (179.99999, 89.9, 99999)],
)
def test_aml_length_field_counts_the_whole_message(lon: float, lat: float, radius_m: float) -> None:
    body = aml_sms(lon=lon, lat=lat, radius_m=radius_m, at=AT)
    assert body.startswith('A"ML=1;')
    assert int(body.rsplit(";ml=", 1)[1]) == len(body)
