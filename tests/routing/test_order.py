"""The ranking's three lists are the ones the numpy steps picked, in the same order."""

from __future__ import annotations

import numpy as np
import pytest

from camroute.routing.order import ranked_rows


def _numpy_steps(
    idx: np.ndarray, vis: np.ndarray, dist: np.ndarray, off: np.ndarray, rng: np.ndarray, r: float
) -> tuple[list[int], list[int], list[int]]:
    """The lists as ``rank_arrays`` made them before: masks, nonzero, lexsort."""
    o, sees = off[idx], vis > 0
    near = dist <= rng[idx] + r + 25.0

    def order(rows: np.ndarray, by_share: bool) -> list[int]:
        keys = (dist[rows], -vis[rows]) if by_share else (dist[rows],)
        return [int(v) for v in rows[np.lexsort(keys)]]

    return (
        order((sees & ~o).nonzero()[0], True),
        order((~sees & ~o & near).nonzero()[0], False),
        order((o & near).nonzero()[0], True),
    )


@pytest.mark.parametrize("seed", range(6))
def test_lists_and_order_are_the_numpy_steps(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_index = 200
    off = rng.random(n_index) < 0.15
    range_m = rng.choice([30.0, 50.0, 80.0], n_index)
    for _ in range(200):
        n = int(rng.integers(0, 60))
        idx = rng.choice(n_index, n, replace=False)
        # few distinct values: ties in share and in distance, which keep the candidates' order
        vis = rng.choice([0.0, 0.0, 0.25, 0.5, 1.0], n)
        dist = rng.choice([5.0, 20.0, 40.0, 55.0, 75.0, 110.0], n)
        radius = float(rng.choice([0.0, 10.0, 30.0]))
        got = ranked_rows(
            idx,
            visible=vis,
            distance_m=dist,
            offline=off,
            range_m=range_m,
            radius_m=radius,
            margin_m=25.0,
        )
        want = _numpy_steps(idx, vis, dist, off, range_m, radius)
        assert tuple(r.tolist() for r in got) == want


def test_no_candidate_gives_three_empty_lists() -> None:
    got = ranked_rows(
        np.empty(0, np.intp),
        visible=np.empty(0),
        distance_m=np.empty(0),
        offline=np.zeros(3, bool),
        range_m=np.ones(3),
        radius_m=0.0,
        margin_m=25.0,
    )
    assert [r.size for r in got] == [0, 0, 0]
