from __future__ import annotations

import pytest
import shapely
from pyproj import Geod

from camroute.areas.spatial import QueryPoint, ZonedIndex

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(106.70, 10.77), (24.94, 60.17), (8.54, 47.37), (-70.0, -33.0)],
)
def test_nearest_distance_is_metres_not_degrees(lon: float, lat: float) -> None:
    east = shapely.Point(lon + 0.01, lat)
    north = shapely.Point(lon, lat + 0.009)
    idx = ZonedIndex.build([east, north])
    ids, dist = idx.nearest(QueryPoint(lon, lat))
    d_east = GEOD.inv(lon, lat, lon + 0.01, lat)[2]
    d_north = GEOD.inv(lon, lat, lon, lat + 0.009)[2]
    assert int(ids[0]) == (0 if d_east < d_north else 1)
    assert float(dist[0]) == pytest.approx(min(d_east, d_north), rel=2e-3)


def test_features_across_a_zone_seam_are_found() -> None:
    # 108.0 E is the seam between UTM zones 48 and 49
    west, east = shapely.Point(107.999, 16.0), shapely.Point(108.003, 16.0)
    idx = ZonedIndex.build([west, east])
    ids, dist = idx.nearest(QueryPoint(108.0005, 16.0))
    assert int(ids[0]) == 0
    assert float(dist[0]) == pytest.approx(GEOD.inv(108.0005, 16.0, 107.999, 16.0)[2], rel=2e-3)


def test_containing_includes_the_boundary() -> None:
    left, right = shapely.box(0.0, 0.0, 0.01, 0.01), shapely.box(0.01, 0.0, 0.02, 0.01)
    idx = ZonedIndex.build([left, right])
    assert sorted(idx.containing(QueryPoint(0.01, 0.005)).tolist()) == [0, 1]
    assert idx.containing(QueryPoint(0.005, 0.005)).tolist() == [0]
    assert idx.containing(QueryPoint(0.05, 0.005)).tolist() == []


def test_within_and_max_distance() -> None:
    points = [shapely.Point(106.70 + i * 0.001, 10.77) for i in range(5)]
    idx = ZonedIndex.build(points)
    ids, dist = idx.within(QueryPoint(106.70, 10.77), 250.0)
    assert sorted(ids.tolist()) == [0, 1, 2]
    assert float(dist.max()) < 250.0
    far_ids, _ = idx.nearest(QueryPoint(106.80, 10.77), max_distance_m=100.0)
    assert far_ids.size == 0


def test_empty_index_answers_nothing() -> None:
    idx = ZonedIndex.build([])
    assert len(idx) == 0
    assert idx.nearest(QueryPoint(0.0, 0.0))[0].size == 0
    assert idx.containing(QueryPoint(0.0, 0.0)).size == 0
    assert idx.within(QueryPoint(0.0, 0.0), 10.0)[0].size == 0


def test_nearest_point_on_a_line() -> None:
    line = shapely.LineString([(24.94, 60.17), (24.95, 60.17)])
    idx = ZonedIndex.build([line])
    lon, lat = idx.nearest_point_on(QueryPoint(24.945, 60.171), 0)
    assert lon == pytest.approx(24.945, abs=1e-4)
    assert lat == pytest.approx(60.17, abs=1e-5)
