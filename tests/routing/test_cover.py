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


def test_union_share_tracks_the_polygon_union() -> None:
    from camroute.routing.cover import union_share
    from camroute.routing.rank import _SUNFLOWER, SUNFLOWER_SAMPLES
    from camroute.routing.sector import sector_polygons

    rng = np.random.default_rng(31)
    errors = []
    for _ in range(200):
        r = float(rng.uniform(10, 100))
        x, y = rng.uniform(-100, 100, 3), rng.uniform(-100, 100, 3)
        towards = np.degrees(np.arctan2(-x, -y)) + rng.uniform(-50, 50, 3)
        views = sector_polygons(
            x_m=x,
            y_m=y,
            heading_deg=towards,
            hfov_deg=rng.uniform(40, 120, 3),
            range_m=rng.uniform(60, 150, 3),
        )
        disc = shapely.Point(0, 0).buffer(r, quad_segs=128)
        exact = shapely.area(shapely.intersection(views, disc)) / disc.area
        if (exact == 0).any():
            continue
        pts = _SUNFLOWER * r
        seen = shapely.contains_xy(views[:, None], pts[None, :, 0], pts[None, :, 1])
        assert seen.shape == (3, SUNFLOWER_SAMPLES)
        truth = shapely.area(shapely.intersection(shapely.union_all(views), disc)) / disc.area
        share = union_share(seen, exact)
        assert max(exact) - 1e-12 <= share <= min(1.0, exact.sum()) + 1e-12
        errors.append(share - truth)
    err = np.abs(np.array(errors))
    assert len(err) > 50
    assert err.mean() < 0.01
    assert err.max() < 0.05
