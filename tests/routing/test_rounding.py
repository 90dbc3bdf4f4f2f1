"""``round_to`` is Python's ``round`` to the bit, on every kind of value a row holds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from camroute.routing.rounding import round_to

EDGES = [
    0.0,
    -0.0,
    -0.04,  # rounds to -0.0
    0.04,
    0.05,  # 0.05 is just above the tie in binary
    0.25,  # exact binary ties: round half to even
    0.35,
    2.5,
    -2.5,
    0.125,
    0.00005,
    359.95,
    359.96,
    179.99999999,
    1e-300,
    -1e-300,
    5e-324,
    1e8,
    123456789.05,
    1e9,  # past the limit: Python's round
    1e15,
    1e300,
    math.inf,
    -math.inf,
    math.nan,
]


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a.hex() == b.hex()  # the sign of zero included


@pytest.mark.parametrize("digits", range(7))
@pytest.mark.parametrize("x", EDGES)
def test_edges(x: float, digits: int) -> None:
    assert _same(round_to(x, digits), round(x, digits))


@pytest.mark.parametrize("digits", range(7))
def test_near_ties(digits: int) -> None:
    """Halves of the last digit and their neighbours one and a few ulps away."""
    scale = 10.0**digits
    for k in range(-3000, 3000):
        tie = (k + 0.5) / scale
        for x in (tie, *(np.nextafter(tie, tie + s * math.inf, dtype=float) for s in (1, -1))):
            for step in range(4):
                y = float(x) + step * math.ulp(float(x))
                assert _same(round_to(y, digits), round(y, digits)), (y, digits)


@pytest.mark.parametrize("digits", [1, 4])
def test_random_values_of_every_scale(digits: int) -> None:
    rng = np.random.default_rng(digits)
    values = rng.uniform(-1.0, 1.0, 200_000) * 10.0 ** rng.integers(-8, 10, 200_000)
    assert all(_same(round_to(x, digits), round(x, digits)) for x in values.tolist())
