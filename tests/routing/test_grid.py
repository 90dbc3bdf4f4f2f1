"""The camera grid finds exactly the points a brute-force distance test finds."""

from __future__ import annotations

import numpy as np
import pytest

from camroute.routing.grid import PointGrid


@pytest.mark.parametrize("cell_m", [7.0, 150.0, 5000.0])
def test_within_equals_brute_force(cell_m: float) -> None:
    rng = np.random.default_rng(51)
    x = 500_000.0 + rng.uniform(0, 3000, 5000)
    y = 1_190_000.0 + rng.uniform(0, 2000, 5000)
    x[:50] = x[50]  # duplicates share a cell
    grid = PointGrid.build(x, y, cell_m=cell_m)
    qx = 500_000.0 + rng.uniform(-400, 3400, 300)  # some queries off the points' extent
    qy = 1_190_000.0 + rng.uniform(-400, 2400, 300)
    radius = rng.uniform(0, 400, 300)
    found = 0
    for a, b, r in zip(qx, qy, radius, strict=True):
        got = np.sort(grid.within(x_m=a, y_m=b, radius_m=r))
        want = np.flatnonzero((x - a) ** 2 + (y - b) ** 2 <= r * r)
        assert got.tolist() == want.tolist()
        found += want.size
    assert found > 10_000


def test_exactly_on_the_radius_counts() -> None:
    grid = PointGrid.build(np.array([0.0, 30.0]), np.array([0.0, 40.0]), cell_m=10.0)
    assert grid.within(x_m=0.0, y_m=0.0, radius_m=50.0).tolist() == [0, 1]
    assert grid.within(x_m=0.0, y_m=0.0, radius_m=49.999).tolist() == [0]


def test_empty_grid() -> None:
    grid = PointGrid.build(np.empty(0), np.empty(0), cell_m=10.0)
    assert grid.within(x_m=0.0, y_m=0.0, radius_m=1e6).size == 0
