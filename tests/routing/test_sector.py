from __future__ import annotations

import numpy as np
import pytest
import shapely

from camroute.routing.sector import grid_bearing_deg, in_sector, offset_deg, sector_polygons


@pytest.mark.parametrize(
    ("bearing", "heading", "expected"),
    [
        (10.0, 0.0, 10.0),
        (350.0, 10.0, -20.0),
        (0.0, 359.0, 1.0),
        (180.0, 0.0, 180.0),
        (0.0, 180.0, 180.0),
    ],
)
def test_offset_wraps(bearing: float, heading: float, expected: float) -> None:
    assert float(offset_deg(bearing, heading)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("distance", "offset", "slack", "fov", "in_range"),
    [
        (10.0, 44.0, 0.0, True, True),
        (10.0, 45.0, 0.0, True, True),  # on the edge
        (10.0, 46.0, 0.0, False, True),
        (50.0, 0.0, 0.0, True, True),  # exactly at range
        (50.01, 0.0, 0.0, True, False),
        (20.0, 60.0, 10.0, True, True),  # a disc of 10 m reaches 30 degrees further at 20 m
        (20.0, 80.0, 10.0, False, True),
        (5.0, 170.0, 10.0, True, True),  # the camera stands inside the disc
        (10.0, np.nan, 0.0, False, True),  # unknown heading
    ],
)
def test_in_sector_table(
    distance: float, offset: float, slack: float, fov: bool, in_range: bool
) -> None:
    got_fov, got_range = in_sector(
        distance_m=distance, offset_deg=offset, half_fov_deg=45.0, range_m=50.0, slack_m=slack
    )
    assert (bool(got_fov), bool(got_range)) == (fov, in_range)


def test_all_round_ignores_offset() -> None:
    fov, _ = in_sector(distance_m=10.0, offset_deg=np.nan, half_fov_deg=180.0, range_m=50.0)
    assert bool(fov)


def test_grid_bearing_quadrants() -> None:
    assert grid_bearing_deg([1.0, -1.0], [1.0, -1.0]).tolist() == [45.0, 225.0]


def test_sector_polygons_match_the_numpy_test() -> None:
    poly = sector_polygons(
        x_m=[0.0], y_m=[0.0], heading_deg=[350.0], hfov_deg=[40.0], range_m=[30.0]
    )[0]
    assert poly.is_valid
    rng = np.random.default_rng(1)
    pts = rng.uniform(-35, 35, (4000, 2))
    d = np.hypot(pts[:, 0], pts[:, 1])
    fov, in_range = in_sector(
        distance_m=d,
        offset_deg=offset_deg(grid_bearing_deg(pts[:, 0], pts[:, 1]), 350.0),
        half_fov_deg=20.0,
        range_m=30.0,
    )
    inside = shapely.contains_xy(poly, pts[:, 0], pts[:, 1])
    disagree = inside != (fov & in_range)
    assert disagree.mean() < 0.002  # only along the chorded arc


def test_full_circle_sector_is_a_disc() -> None:
    disc = sector_polygons(
        x_m=[0.0], y_m=[0.0], heading_deg=[0.0], hfov_deg=[360.0], range_m=[10.0]
    )[0]
    assert disc.is_valid
    assert disc.area == pytest.approx(np.pi * 100, rel=0.01)
