from __future__ import annotations

import shapely

from camroute.coverage.plan import greedy_plan, way_weights

STREET = [shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(0, 50), (100, 50)])]


def test_second_pick_does_not_count_what_the_first_sees() -> None:
    views = [shapely.box(0, -1, 70, 1), shapely.box(30, -1, 100, 1), shapely.box(0, 49, 50, 51)]
    picks = greedy_plan(views, STREET, [1.0, 1.0], budget=2)
    assert [(p.candidate, p.gain_m) for p in picks] == [(0, 70.0), (2, 50.0)]  # not 1 (30 new)


def test_already_seen_street_adds_nothing() -> None:
    views = [shapely.box(0, -1, 100, 1), shapely.box(0, 49, 20, 51)]
    seen = shapely.box(0, -2, 100, 2)
    picks = greedy_plan(views, STREET, [1.0, 1.0], seen_m=seen, budget=2)
    assert [(p.candidate, p.gain_m) for p in picks] == [(1, 20.0)]


def test_incidents_weight_the_choice() -> None:
    views = [shapely.box(0, -1, 60, 1), shapely.box(0, 49, 40, 51)]
    weights = way_weights(STREET, [10, 20, 30], [50, 50, 52])  # three calls on the second street
    (pick,) = greedy_plan(views, STREET, weights, budget=1)
    assert (pick.candidate, pick.gain_m, pick.weighted_gain) == (1, 40.0, 160.0)


def test_zero_budget_or_no_candidates_plan_nothing() -> None:
    assert greedy_plan([shapely.box(0, -1, 10, 1)], STREET, [1.0, 1.0], budget=0) == []
    assert greedy_plan([], STREET, [1.0, 1.0], budget=3) == []


def _naive(views: list, lines: list, w: list[float], budget: int) -> list[tuple[int, float]]:
    """Every candidate's gain recomputed at every step against the whole covered union."""
    covered = shapely.Polygon()
    out: list[tuple[int, float]] = []
    free = set(range(len(views)))
    for _ in range(budget):
        gains = {
            i: sum(
                wk * shapely.intersection(line, shapely.difference(views[i], covered)).length
                for line, wk in zip(lines, w, strict=True)
            )
            for i in free
        }
        best = max(sorted(gains), key=lambda i: gains[i])
        if gains[best] <= 1e-9:
            break
        out.append((best, round(gains[best], 1)))
        free.discard(best)
        covered = shapely.union(covered, views[best])
    return out


def test_lazy_greedy_picks_as_recomputing_everything_would() -> None:
    import numpy as np

    rng = np.random.default_rng(7)
    lines = [shapely.LineString([(0, y), (500, y)]) for y in range(0, 500, 50)]
    lines += [shapely.LineString([(x, 0), (x, 500)]) for x in range(25, 500, 100)]
    w = rng.integers(1, 5, len(lines)).astype(float).tolist()
    xs, ys, rs = rng.uniform(0, 500, 80), rng.uniform(0, 500, 80), rng.uniform(10, 60, 80)
    views = [shapely.Point(x, y).buffer(r, quad_segs=4) for x, y, r in zip(xs, ys, rs, strict=True)]
    picks = greedy_plan(views, lines, w, budget=12)
    assert [(p.candidate, p.weighted_gain) for p in picks] == _naive(views, lines, w, 12)
