from __future__ import annotations

import numpy as np
import pytest
import shapely

from camroute.routing.cover import greedy_cover_samples, union_fraction


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


def test_union_fraction_counts_overlap_once() -> None:
    seen = np.array([shapely.box(0, 0, 3, 1), shapely.box(2, 0, 5, 1)], dtype=object)
    assert union_fraction(seen, region_area_m2=5.0) == pytest.approx(1.0)
    assert union_fraction(seen[:1], region_area_m2=5.0) == pytest.approx(0.6)


def test_empty_inputs() -> None:
    assert union_fraction(np.empty(0, object), region_area_m2=1.0) == 0.0
    assert greedy_cover_samples(np.zeros((0, 5), bool), k=3) == ([], 0.0)
