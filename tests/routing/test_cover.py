from __future__ import annotations

import numpy as np
import pytest
import shapely

from camroute.routing.cover import greedy_cover_polygons, greedy_cover_samples


@pytest.mark.parametrize(
    ("rows", "k", "chosen", "fraction"),
    [
        ([[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 0]], 1, [2], 0.75),
        ([[1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 0]], 2, [2, 1], 1.0),
        ([[1, 0, 0, 0], [1, 0, 0, 0]], 2, [0], 0.25),  # a duplicate adds nothing
        ([[0, 0], [0, 0]], 2, [], 0.0),
    ],
)
def test_greedy_samples(rows: list[list[int]], k: int, chosen: list[int], fraction: float) -> None:
    assert greedy_cover_samples(np.array(rows, bool), k=k) == (chosen, fraction)


def test_greedy_polygons_union_not_sum() -> None:
    seen = np.array(
        [shapely.box(0, 0, 3, 1), shapely.box(2, 0, 5, 1), shapely.box(0, 0, 1, 1)], dtype=object
    )
    chosen, frac = greedy_cover_polygons(seen, region_area_m2=5.0, k=3)
    assert chosen == [0, 1]
    assert frac == pytest.approx(1.0)


def test_empty_inputs() -> None:
    assert greedy_cover_polygons(np.empty(0, object), region_area_m2=1.0, k=3) == ([], 0.0)
    assert greedy_cover_samples(np.zeros((0, 5), bool), k=3) == ([], 0.0)
