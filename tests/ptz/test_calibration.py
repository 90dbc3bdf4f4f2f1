"""``ptz/calibration.py``: fitting offsets and signs from landmarks, and what it refuses."""

from __future__ import annotations

import pytest
from pyproj import Geod

from camroute.ptz.calibration import (
    CalibrationError,
    DeviceRanges,
    Landmark,
    Range,
    fit,
    uncalibrated,
)
from camroute.ptz.geometry import CameraPose, direction_to

GEOD = Geod(ellps="WGS84")
POSE = CameraPose(lon=105.85, lat=21.03, mount_height_m=12.0)


def _mark(
    bearing: float,
    dist: float,
    *,
    offset: float,
    pan_sign: int,
    tilt_sign: int,
    tilt_zero: float = 0.0,
    pan_scale: float = 180.0,
    tilt_scale: float = 45.0,
) -> Landmark:
    lon, lat, _ = GEOD.fwd(POSE.lon, POSE.lat, bearing, dist)
    seen = direction_to(POSE, lon=lon, lat=lat)
    turn = ((seen.bearing_deg - offset + 180.0) % 360.0) - 180.0
    pan = pan_sign * turn / pan_scale
    tilt = tilt_sign * (seen.tilt_deg - tilt_zero) / tilt_scale
    return Landmark(lon=lon, lat=lat, pan=pan, tilt=tilt)


@pytest.mark.parametrize(
    ("offset", "pan_sign", "tilt_sign", "tilt_zero"),
    [
        (0.0, 1, 1, 0.0),  # a camera whose 0 is north, as the books say
        (137.0, -1, -1, 1.5),  # anticlockwise pan, inverted tilt, off level
        (359.5, 1, -1, -2.0),  # offset across the 0/360 wrap
        (200.0, -1, 1, 0.0),
    ],
)
def test_fit_recovers_offset_and_signs(
    offset: float, pan_sign: int, tilt_sign: int, tilt_zero: float
) -> None:
    marks = [
        _mark(b, d, offset=offset, pan_sign=pan_sign, tilt_sign=tilt_sign, tilt_zero=tilt_zero)
        for b, d in ((15.0, 40.0), (150.0, 120.0), (260.0, 75.0))
    ]
    cal = fit(POSE, marks)
    assert (cal.pan_sign, cal.tilt_sign) == (pan_sign, tilt_sign)
    assert abs(((cal.pan_offset_deg - offset + 180) % 360) - 180) < 0.01
    assert cal.tilt_zero_deg == pytest.approx(tilt_zero, abs=0.01)
    assert cal.fit_error_deg is not None
    assert cal.fit_error_deg < 0.01


def test_fit_learns_a_non_nominal_tilt_scale_from_three_spread_landmarks() -> None:
    marks = [
        _mark(b, d, offset=10.0, pan_sign=1, tilt_sign=-1, tilt_scale=60.0)
        for b, d in ((15.0, 15.0), (150.0, 120.0), (260.0, 40.0))
    ]
    cal = fit(POSE, marks)
    assert cal.tilt_deg_per_unit == pytest.approx(60.0, rel=1e-3)
    assert cal.fit_error_deg is not None
    assert cal.fit_error_deg < 0.01


def test_reported_fit_error_grows_with_a_misread_landmark() -> None:
    marks = [
        _mark(b, d, offset=40.0, pan_sign=1, tilt_sign=1)
        for b, d in ((15.0, 40.0), (150.0, 120.0), (260.0, 75.0))
    ]
    bad = marks[1].model_copy(update={"pan": marks[1].pan + 0.02})  # 3.6 degrees off
    cal = fit(POSE, [marks[0], bad, marks[2]])
    assert cal.fit_error_deg is not None
    assert 1.0 < cal.fit_error_deg < 3.6
    assert cal.expected_error_deg == cal.fit_error_deg


@pytest.mark.parametrize(
    ("marks", "says"),
    [
        ([Landmark(lon=105.851, lat=21.03, pan=0.1, tilt=0.0)], "at least 2"),
        (
            [
                Landmark(lon=105.851, lat=21.03, pan=0.1, tilt=0.0),
                Landmark(lon=105.852, lat=21.03, pan=0.1, tilt=0.1),
            ],
            "one direction",
        ),
        (
            [
                Landmark(lon=105.851, lat=21.03, pan=0.1, tilt=0.0),
                Landmark(lon=105.85, lat=21.031, pan=0.1, tilt=0.1),
            ],
            "same pan",
        ),
    ],
)
def test_unusable_landmarks_are_refused(marks: list[Landmark], says: str) -> None:
    with pytest.raises(CalibrationError, match=says):
        fit(POSE, marks)


def test_uncalibrated_uses_the_device_ranges_for_its_scale() -> None:
    ranges = DeviceRanges(pan=Range(min=0.0, max=360.0), tilt=Range(min=-90.0, max=0.0))
    cal = uncalibrated(heading_deg=None, ranges=ranges)
    assert cal.pan_deg_per_unit == 1.0
    assert cal.direction(pan=90.0, tilt=0.0) == (90.0, 0.0)
    assert cal.expected_error_deg == 180.0
    assert cal.pan_units(270.0) == [270.0]
