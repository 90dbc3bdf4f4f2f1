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


def test_cell_edges_that_do_not_divide_evenly() -> None:
    # The stored cell and the searched one once disagreed here (a cell of 333.3 m).
    x = np.array([503751.4699649664, 513750.4699649664])
    grid = PointGrid.build(x, np.full(2, 1_190_000.0), cell_m=333.3)
    got = grid.within(x_m=514534.0904261261, y_m=1_190_000.0, radius_m=783.6204611596849)
    assert got.tolist() == [1]


@pytest.mark.parametrize("cell_m", [50.0, 80.0, 150.0, 333.3])
def test_points_exactly_at_the_radius_on_cell_edges(cell_m: float) -> None:
    rng = np.random.default_rng(8)
    x0 = 500_000.0 + rng.uniform(0, 1e4, 400)
    steps = rng.integers(1, 40, 400)
    radius = rng.uniform(75, 1100, 400)
    for start, k, r in zip(x0, steps, radius, strict=True):
        px = np.array([start, start + k * cell_m])
        grid = PointGrid.build(px, np.full(2, 1_190_000.0), cell_m=cell_m)
        qx = px[1] + r
        if (px[1] - qx) ** 2 <= r * r:  # on the radius as floats compute it
            assert 1 in grid.within(x_m=qx, y_m=1_190_000.0, radius_m=r).tolist()


@pytest.mark.parametrize(
    ("x_m", "y_m", "cell_m", "message"),
    [
        ([0.0, np.inf], [0.0, 0.0], 100.0, r"1 point\(s\) have a non-finite x_m or y_m"),
        ([0.0, 1.0], [np.nan, 0.0], 100.0, r"first: point 0"),
        ([0.0, 1e18], [0.0, 1e18], 50.0, "too many 50.0 m cells"),
        ([0.0], [0.0], 0.0, "cell_m must be a positive number of metres"),
    ],
)
def test_build_refuses_points_it_cannot_grid(
    x_m: list[float], y_m: list[float], cell_m: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        PointGrid.build(np.array(x_m), np.array(y_m), cell_m=cell_m)
