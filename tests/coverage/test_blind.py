"""Blind stretches: exact pieces on hand-built geometry, ranked by calls per km."""

from __future__ import annotations

import pytest
import shapely

from camroute.coverage.blind import blind_stretches

STREET = [shapely.LineString([(0, 0), (100, 0)])]


def test_pieces_are_the_way_minus_the_seen_area() -> None:
    seen = shapely.union_all([shapely.box(20, -1, 30, 1), shapely.box(60, -1, 70, 1)])
    rows = blind_stretches(seen, STREET, ["A"], [], [], min_length_m=0)
    assert sorted(r.length_m for r in rows) == [20.0, 30.0, 30.0]
    assert sum(r.length_m for r in rows) == pytest.approx(80.0)
    assert all(r.incidents == 0 and r.per_km == 0.0 for r in rows)


def test_a_way_in_two_segments_gives_one_piece_when_unseen() -> None:
    way = shapely.LineString([(0, 0), (50, 0), (50, 50)])
    rows = blind_stretches(shapely.Polygon(), [way], ["A"], [], [])
    assert [(r.length_m, r.way) for r in rows] == [(100.0, 0)]


def test_ranked_by_calls_per_km_not_by_count() -> None:
    # 40 m piece with 2 calls (50 / km) above a 140 m piece with 3 calls (21.4 / km)
    ways = [shapely.LineString([(0, 0), (40, 0)]), shapely.LineString([(0, 500), (140, 500)])]
    rows = blind_stretches(
        shapely.Polygon(),
        ways,
        ["Short", "Long"],
        [10, 20, 5, 50, 100],
        [1, 2, 501, 499, 500],
        min_length_m=0,
    )
    assert [(r.name, r.incidents, r.per_km) for r in rows] == [
        ("Short", 2, 50.0),
        ("Long", 3, 21.4),
    ]


@pytest.mark.parametrize(
    ("distance_m", "counted"),
    [(29.9, 1), (30.0, 1), (30.1, 0)],
)
def test_a_call_counts_within_near_m_inclusive(distance_m: float, counted: int) -> None:
    rows = blind_stretches(shapely.Polygon(), STREET, ["A"], [50], [distance_m], near_m=30)
    assert rows[0].incidents == counted


def test_short_pieces_are_left_out() -> None:
    seen = shapely.box(10, -1, 90, 1)  # leaves 10 m at each end
    assert blind_stretches(seen, STREET, ["A"], [], [], min_length_m=25) == []
    assert len(blind_stretches(seen, STREET, ["A"], [], [], min_length_m=10)) == 2


def test_a_fully_seen_way_has_no_blind_stretch() -> None:
    assert blind_stretches(shapely.box(-1, -1, 101, 1), STREET, ["A"], [50], [0]) == []


def test_no_ways_no_stretches() -> None:
    assert blind_stretches(shapely.box(0, 0, 1, 1), [], [], [0], [0]) == []


def test_negative_distance_is_refused() -> None:
    with pytest.raises(ValueError, match="near_m -1"):
        blind_stretches(shapely.Polygon(), STREET, ["A"], [], [], near_m=-1)
