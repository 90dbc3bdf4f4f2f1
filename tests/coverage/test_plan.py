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
