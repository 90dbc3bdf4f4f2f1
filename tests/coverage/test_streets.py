"""Street coverage is exact: checked against a brute-force sample on a small scene."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from tests.routing.conftest import NAN, X0, Y0, building_frame, camera_frame

from camroute.coverage.streets import seen_area, street_coverage
from camroute.routing import CameraIndex

# Local metres: (x, y, heading, hfov, range); buildings (minx, miny, maxx, maxy, height)
CAMERAS = [
    (0.0, 0.0, 90.0, 60.0, 50.0),
    (60.0, -20.0, 0.0, 90.0, 40.0),
    (-40.0, 30.0, 180.0, 40.0, 60.0),
]
BUILDINGS = [(20.0, -2.0, 24.0, 3.0, NAN), (55.0, 5.0, 58.0, 12.0, NAN)]
STREETS = {
    "Lê Lợi": [[(-80.0, 0.5), (120.0, 0.5)]],
    "Nguyễn Huệ": [[(60.0, -60.0), (60.0, 60.0)], [(60.0, 60.0), (90.0, 90.0)]],
    "Hẻm 5": [[(-45.0, -10.0), (-35.0, 40.0)]],
    "Far": [[(500.0, 500.0), (600.0, 500.0)]],
}


def _scene() -> tuple[np.ndarray, list[shapely.Polygon]]:
    rows = [
        {"id": f"C{i}", "x_m": x, "y_m": y, "heading_deg": h, "hfov_deg": f, "range_m": r}
        for i, (x, y, h, f, r) in enumerate(CAMERAS)
    ]
    index = CameraIndex.build(camera_frame(rows), building_frame(BUILDINGS)).with_viewsheds()
    boxes = [shapely.box(X0 + a, Y0 + b, X0 + c, Y0 + d) for a, b, c, d, _ in BUILDINGS]
    return index.views(np.arange(len(CAMERAS))), boxes


def _sees(px: float, py: float, boxes: list[shapely.Polygon]) -> bool:
    """Brute force: in some camera's sector and range, and no building on the sight line."""
    for x, y, heading, hfov, rng in CAMERAS:
        dx, dy = px - x, py - y
        dist = math.hypot(dx, dy)
        off = (math.degrees(math.atan2(dx, dy)) - heading + 180.0) % 360.0 - 180.0
        if dist > rng or abs(off) > hfov / 2:
            continue
        sight = shapely.LineString([(X0 + x, Y0 + y), (X0 + px, Y0 + py)])
        if not any(sight.intersects(b) for b in boxes):
            return True
    return False


def _metric(parts: list[list[tuple[float, float]]]) -> list[shapely.LineString]:
    return [shapely.LineString([(X0 + x, Y0 + y) for x, y in p]) for p in parts]


def test_street_shares_match_a_brute_force_sample() -> None:
    views, boxes = _scene()
    names = [n for n, parts in STREETS.items() for _ in parts]
    ways = [w for parts in STREETS.values() for w in _metric(parts)]
    cov = street_coverage(seen_area(views), ways, names, cameras=len(CAMERAS))
    got = {s.name: s.share for s in cov.streets}
    for name, parts in STREETS.items():
        samples = []
        for part in parts:
            line = shapely.LineString(part)
            for d in np.arange(0.25, line.length, 0.5):
                p = line.interpolate(d)
                samples.append(_sees(p.x, p.y, boxes))
        assert got[name] == pytest.approx(float(np.mean(samples)), abs=0.02), name
    assert got["Far"] == 0.0
    assert 0.0 < got["Lê Lợi"] < 1.0  # partly seen, partly shadowed by the first building


def test_overlapping_cameras_count_a_stretch_once() -> None:
    views = [shapely.box(0, -5, 50, 5), shapely.box(25, -5, 75, 5)]
    cov = street_coverage(seen_area(views), [shapely.LineString([(0, 0), (100, 0)])], ["A"])
    assert (cov.street_seen_m, cov.street_share) == (75.0, 0.75)


def test_streets_are_listed_most_unseen_first() -> None:
    seen = shapely.box(0, -1, 100, 1)
    ways = [shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(0, 9), (30, 9)])]
    cov = street_coverage(seen, ways, ["Seen", "Blind"])
    assert [s.name for s in cov.streets] == ["Blind", "Seen"]


def test_no_camera_and_no_street_give_zero_not_an_error() -> None:
    cov = street_coverage(seen_area([]), [], [])
    assert (cov.seen_area_m2, cov.street_length_m, cov.street_share, cov.streets) == (
        0.0,
        0.0,
        0.0,
        [],
    )
