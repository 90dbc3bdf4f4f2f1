"""Bearings clockwise from north, and the 0/360 wrap."""

from __future__ import annotations

import numpy as np
import pytest

from camroute import geo


@pytest.mark.parametrize(
    ("to_lon", "to_lat", "expected"),
    [(106.70, 10.78, 0.0), (106.71, 10.77, 90.0), (106.70, 10.76, 180.0), (106.69, 10.77, 270.0)],
)
def test_cardinal_bearings(to_lon: float, to_lat: float, expected: float) -> None:
    got = float(geo.bearing_deg(from_lon=106.70, from_lat=10.77, to_lon=to_lon, to_lat=to_lat))
    assert got == pytest.approx(expected, abs=0.05)
    assert 0.0 <= got < 360.0


def test_bearing_just_west_of_north_is_near_360_not_negative() -> None:
    got = float(geo.bearing_deg(from_lon=106.70, from_lat=10.77, to_lon=106.6999, to_lat=10.78))
    assert 359.0 < got < 360.0


def test_bearing_is_vectorised() -> None:
    got = geo.bearing_deg(
        from_lon=0.0,
        from_lat=0.0,
        to_lon=np.array([0.0, 1.0, 0.0]),
        to_lat=np.array([1.0, 0.0, -1.0]),
    )
    assert got.shape == (3,)
    assert np.allclose(got, [0.0, 90.0, 180.0], atol=1e-9)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (5.0, 355.0, 10.0),
        (355.0, 5.0, -10.0),
        (0.0, 180.0, 180.0),
        (180.0, 0.0, 180.0),
        (360.0, 0.0, 0.0),
        (720.5, 0.0, 0.5),
        (-90.0, 90.0, 180.0),
        (10.0, 10.0, 0.0),
    ],
)
def test_angle_diff_wraps(a: float, b: float, expected: float) -> None:
    assert float(geo.angle_diff_deg(a, b)) == pytest.approx(expected)
