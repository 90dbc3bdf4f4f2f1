from __future__ import annotations

import numpy as np
import pytest
import shapely

from camroute.routing.footprints import Footprints
from camroute.routing.los import blocked
from camroute.routing.sector import sector_polygons
from camroute.routing.viewshed import shadow_factor, viewshed

NAN = np.nan


def _vs(
    boxes: list[tuple[float, float, float, float]], heights: list[float], cam_h: float = 5.0
) -> shapely.Geometry:
    b = np.array([shapely.box(*bx) for bx in boxes], dtype=object)
    sec = sector_polygons(
        x_m=[0.0], y_m=[0.0], heading_deg=[0.0], hfov_deg=[120.0], range_m=[60.0]
    )[0]
    return viewshed(
        sec,
        x_m=0.0,
        y_m=0.0,
        height_m=cam_h,
        range_m=60.0,
        footprints=Footprints.from_polygons(b, np.array(heights)),
    )


def test_shadow_of_low_building_ends_at_d_h_over_h_minus_h() -> None:
    k = shadow_factor(
        distance_m=np.array([10.0]),
        building_height_m=np.array([4.0]),
        camera_height_m=8.0,
        range_m=100.0,
    )
    assert k.tolist() == [2.0]


def test_no_buildings_gives_the_sector() -> None:
    sec = shapely.box(0, 0, 1, 1)
    assert (
        viewshed(
            sec,
            x_m=0.0,
            y_m=0.0,
            height_m=5.0,
            range_m=1.0,
            footprints=Footprints.empty(),
        )
        is sec
    )


def test_concave_building_shadow() -> None:
    # An L-shaped building: the notch facing away from the camera is hidden, the open side is not.
    ell = shapely.Polygon([(-10, 10), (10, 10), (10, 20), (0, 20), (0, 15), (-10, 15)])
    b = np.array([ell], dtype=object)
    sec = sector_polygons(
        x_m=[0.0], y_m=[0.0], heading_deg=[0.0], hfov_deg=[120.0], range_m=[60.0]
    )[0]
    vs = viewshed(
        sec,
        x_m=0.0,
        y_m=0.0,
        height_m=5.0,
        range_m=60.0,
        footprints=Footprints.from_polygons(b, np.array([NAN])),
    )
    assert vs.is_valid
    assert not vs.contains(shapely.Point(-5.0, 17.0))  # behind the near wing
    assert vs.contains(shapely.Point(25.0, 15.0))


@pytest.mark.parametrize("height", [NAN, 2.0, 4.5])
def test_viewshed_agrees_with_line_of_sight(height: float) -> None:
    boxes = [(-8, 12, -2, 16), (3, 20, 9, 23), (-20, 30, -12, 40), (10, 5, 14, 8)]
    heights = [height] * len(boxes)
    vs = _vs(boxes, heights)
    b = np.array([shapely.box(*bx) for bx in boxes], dtype=object)
    rng = np.random.default_rng(5)
    pts = rng.uniform([-55, 0], [55, 60], (3000, 2))
    sec = sector_polygons(
        x_m=[0.0], y_m=[0.0], heading_deg=[0.0], hfov_deg=[120.0], range_m=[60.0]
    )[0]
    pts = pts[shapely.contains_xy(sec, pts[:, 0], pts[:, 1])]
    clear = ~blocked(
        cam_x_m=np.zeros(len(pts)),
        cam_y_m=np.zeros(len(pts)),
        cam_height_m=np.full(len(pts), 5.0),
        target_x_m=pts[:, 0],
        target_y_m=pts[:, 1],
        footprints=Footprints.from_polygons(b, np.array(heights)),
    )
    seen = shapely.contains_xy(vs, pts[:, 0], pts[:, 1])
    assert (seen != clear).mean() < 0.005  # only points within rounding of a shadow edge
    assert 0.05 < 1 - clear.mean() < 0.6
