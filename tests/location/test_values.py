"""Strict numbers, coordinates, lengths, confidences, times and text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from camroute.location import LocationParseError
from camroute.location import values as v


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("850.24", 850.24),
        (" \n-73.2512\t", -73.2512),
        ("+5", 5.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e3", 1000.0),
        ("1E-2", 0.01),
    ],
)
def test_number_accepts_ascii_decimals(text: str, expected: float) -> None:
    assert v.number(text, field="x") == expected


@pytest.mark.parametrize(
    "text",
    ["nan", "inf", "-Infinity", "1_000", "٣", "0x10", "1e", "", " ", "1,5", "1e1000", "--1", "１"],
)
def test_number_refuses_everything_else(text: str) -> None:
    with pytest.raises(LocationParseError, match=r"^x: "):
        v.number(text, field="x")


def test_number_missing() -> None:
    with pytest.raises(LocationParseError, match="missing"):
        v.number(None, field="x")


@pytest.mark.parametrize(
    ("lon", "lat", "ok"),
    [(180.0, 90.0, True), (-180.0, -90.0, True), (180.0001, 0.0, False), (0.0, -90.0001, False)],
)
def test_lon_lat_ranges(lon: float, lat: float, ok: bool) -> None:
    if ok:
        v.check_lon_lat(lon=lon, lat=lat, field="pos")
    else:
        with pytest.raises(LocationParseError):
            v.check_lon_lat(lon=lon, lat=lat, field="pos")


@pytest.mark.parametrize(
    ("value", "allow_zero", "ok"),
    [
        (0.0, False, False),
        (0.0, True, True),
        (100_000.0, False, True),
        (100_000.1, False, False),
        (-1.0, True, False),
    ],
)
def test_length_bounds(value: float, allow_zero: bool, ok: bool) -> None:
    if ok:
        assert v.check_length_m(value, field="r", allow_zero=allow_zero) == value
    else:
        with pytest.raises(LocationParseError, match=r"^r: "):
            v.check_length_m(value, field="r", allow_zero=allow_zero)


@pytest.mark.parametrize(
    ("value", "ok"), [(0.0, False), (0.01, True), (100.0, True), (100.01, False)]
)
def test_confidence_bounds(value: float, ok: bool) -> None:
    if ok:
        assert v.check_confidence(value, field="c") == value
    else:
        with pytest.raises(LocationParseError):
            v.check_confidence(value, field="c")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-01T08:00:00+07:00", datetime(2025, 7, 1, 1, tzinfo=UTC)),
        ("2007-06-22T20:57:29Z", datetime(2007, 6, 22, 20, 57, 29, tzinfo=UTC)),
        (" 2017-12-10T20:00:00Z ", datetime(2017, 12, 10, 20, tzinfo=UTC)),
    ],
)
def test_iso_time_is_aware_utc(text: str, expected: datetime) -> None:
    got = v.iso_time(text, field="t")
    assert got == expected
    assert got.tzinfo is UTC


@pytest.mark.parametrize(
    "text", ["2025-07-01T08:00:00", "yesterday", "２０２５-07-01T08:00:00Z", "x" * 60]
)
def test_iso_time_refuses(text: str) -> None:
    with pytest.raises(LocationParseError):
        v.iso_time(text, field="t")


def test_future_time_warns_past_does_not() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert v.time_warnings(now + timedelta(minutes=6), now=now)
    assert v.time_warnings(now + timedelta(minutes=4), now=now) == []
    assert v.time_warnings(now - timedelta(days=900), now=now) == []
    assert v.time_warnings(None) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" Video  Rental\nStore ", "Video Rental Store"),
        ("Phu\u031bo\u031b\u0300ng", "Phường"),
        ("   ", None),
    ],
)
def test_clean_text_trims_and_normalises(text: str, expected: str | None) -> None:
    assert v.clean_text(text, field="NAM") == expected


@pytest.mark.parametrize("text", ["a\x00b", "x" * 300])
def test_clean_text_refuses(text: str) -> None:
    with pytest.raises(LocationParseError):
        v.clean_text(text, field="NAM")


def test_epoch_bounds() -> None:
    assert v.epoch_time(0.0, field="t") == datetime(1970, 1, 1, tzinfo=UTC)
    with pytest.raises(LocationParseError):
        v.epoch_time(-1.0, field="t")
