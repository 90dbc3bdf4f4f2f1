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


def test_compiled_screen_agrees_with_in_sector() -> None:
    from camroute.routing.sector import in_sector_matrix, screen

    rng = np.random.default_rng(11)
    n = 4000
    cx, cy = rng.uniform(-100, 100, n), rng.uniform(-100, 100, n)
    head = np.where(rng.random(n) < 0.1, np.nan, rng.uniform(0, 360, n))
    half = np.where(rng.random(n) < 0.1, 180.0, rng.uniform(5, 90, n))
    reach = rng.uniform(10, 150, n)
    for slack in (0.0, 25.0):
        d, fov, rng_ok, known = screen(
            np.arange(n),
            cam_x_m=cx,
            cam_y_m=cy,
            heading_deg=head,
            half_fov_deg=half,
            range_m=reach,
            x_m=3.0,
            y_m=-7.0,
            slack_m=slack,
        )
        dx, dy = 3.0 - cx, -7.0 - cy
        want_fov, want_rng = in_sector(
            distance_m=np.hypot(dx, dy),
            offset_deg=offset_deg(grid_bearing_deg(dx, dy), head),
            half_fov_deg=half,
            range_m=reach,
            slack_m=slack,
        )
        assert (fov == (want_fov & known)).all()
        assert (rng_ok == want_rng).all()
        assert (known == (np.isfinite(head) | (half >= 180.0))).all()
        assert d == pytest.approx(np.hypot(dx, dy))
    matrix = in_sector_matrix(
        cam_x_m=cx[:50],
        cam_y_m=cy[:50],
        heading_deg=head[:50],
        half_fov_deg=half[:50],
        range_m=reach[:50],
        x_m=cx[50:150],
        y_m=cy[50:150],
    )
    dx = cx[None, 50:150] - cx[:50, None]
    dy = cy[None, 50:150] - cy[:50, None]
    want_fov, want_rng = in_sector(
        distance_m=np.hypot(dx, dy),
        offset_deg=offset_deg(grid_bearing_deg(dx, dy), head[:50, None]),
        half_fov_deg=half[:50, None],
        range_m=reach[:50, None],
    )
    assert (matrix == (want_fov & want_rng & (np.isfinite(head) | (half >= 180))[:50, None])).all()


def test_sector_shares_are_the_matrix_means_to_the_bit() -> None:
    from camroute.routing.sector import in_sector_matrix, sector_shares

    rng = np.random.default_rng(12)
    n = 60
    cams = {
        "cam_x_m": rng.uniform(-50, 50, n),
        "cam_y_m": rng.uniform(-50, 50, n),
        "heading_deg": np.where(rng.random(n) < 0.1, np.nan, rng.uniform(0, 360, n)),
        "half_fov_deg": np.where(rng.random(n) < 0.2, 180.0, rng.uniform(20, 70, n)),
        "range_m": rng.uniform(20, 120, n),
    }
    pts = rng.uniform(-80, 80, (256, 2))
    which = rng.permutation(n)[:25]
    want = in_sector_matrix(
        **{k: v[which] for k, v in cams.items()}, x_m=pts[:, 0], y_m=pts[:, 1]
    ).mean(axis=1)
    got = sector_shares(which, **cams, x_m=pts[:, 0], y_m=pts[:, 1])
    assert 0.0 < got.mean() < 1.0
    assert got.tobytes() == want.tobytes()
