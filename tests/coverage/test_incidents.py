from __future__ import annotations

import shapely

from camroute.coverage.incidents import incidents_seen


def test_points_on_the_boundary_of_the_seen_area_are_not_counted_seen() -> None:
    # contains, not covers: a caller exactly on a view's edge is not claimed seen
    r = incidents_seen(shapely.box(0, 0, 10, 10), [10.0, 5.0], [5.0, 5.0], ["A", "A"])
    assert (r.seen, r.incidents) == (1, 2)


def test_wards_with_the_most_unseen_come_first() -> None:
    seen = shapely.box(0, 0, 10, 10)
    r = incidents_seen(seen, [1, 50, 51, 52, 2], [1, 50, 51, 52, 2], ["B", "C", "C", "B", "B"])
    assert [(w.ward, w.incidents, w.seen) for w in r.wards] == [("C", 2, 0), ("B", 3, 2)]


def test_no_incidents_is_zero_not_an_error() -> None:
    r = incidents_seen(shapely.Polygon(), [], [], [])
    assert (r.incidents, r.seen, r.share, r.wards) == (0, 0, 0.0, [])
