from __future__ import annotations

import numpy as np
import pytest
import shapely

from camroute.routing.footprints import Footprints
from camroute.routing.los import DEFAULT_MOUNT_HEIGHT_M, blocked, effective_height_m

NAN = np.nan


@pytest.mark.parametrize(
    ("box", "height", "cam_h", "target_y", "expected"),
    [
        ((-2, 10, 2, 12), NAN, 5.0, 30.0, True),  # unknown height blocks
        ((-2, 10, 2, 12), 3.0, 20.0, 30.0, False),  # sight line passes above a low roof
        ((-2, 10, 2, 12), 3.0, 20.0, 14.0, True),  # ...but the ground just behind is hidden
        ((-2, 10, 2, 12), 3.0, 5.0, 29.0, True),  # low camera: shadow to 12*5/2 = 30 m
        ((-2, 10, 2, 12), 3.0, 5.0, 31.0, False),
        ((-2, 10, 2, 12), 5.0, 5.0, 45.0, True),  # as tall as the camera
        ((3, 10, 6, 12), NAN, 5.0, 30.0, False),  # beside the line
        ((-5, -5, 5, 0), NAN, 5.0, 30.0, False),  # the camera's own building (facade)
        ((-2, 10, 2, 12), NAN, 5.0, 11.0, True),  # the target is inside the building
    ],
)
def test_blocked_table(
    box: tuple[float, float, float, float],
    height: float,
    cam_h: float,
    target_y: float,
    expected: bool,
) -> None:
    b = np.array([shapely.box(*box)])
    got = blocked(
        cam_x_m=[0.0],
        cam_y_m=[0.0],
        cam_height_m=[cam_h],
        target_x_m=[0.0],
        target_y_m=[target_y],
        footprints=Footprints.from_polygons(b, np.array([height])),
    )
    assert bool(got[0]) is expected


def test_no_buildings_never_blocks() -> None:
    got = blocked(
        cam_x_m=[0.0, 1.0],
        cam_y_m=[0.0, 1.0],
        cam_height_m=[NAN, NAN],
        target_x_m=[5.0, 9.0],
        target_y_m=[5.0, 9.0],
        footprints=Footprints.empty(),
    )
    assert got.tolist() == [False, False]


def test_default_mount_height_is_used_when_unknown() -> None:
    assert effective_height_m([NAN, 0.0, 7.0]).tolist() == [
        DEFAULT_MOUNT_HEIGHT_M,
        DEFAULT_MOUNT_HEIGHT_M,
        7.0,
    ]


def test_many_lines_search_per_camera_with_the_same_answer() -> None:
    rng = np.random.default_rng(61)
    corners = rng.uniform(-80, 80, (60, 2))
    boxes = shapely.box(corners[:, 0], corners[:, 1], corners[:, 0] + 8, corners[:, 1] + 6)
    heights = np.where(rng.random(60) < 0.5, rng.uniform(2, 12, 60), np.nan)
    fp = Footprints.from_polygons(boxes, heights)
    cams = rng.uniform(-60, 60, (3, 2))
    which = rng.integers(0, 3, 400)
    targets = rng.uniform(-90, 90, (400, 2))
    args = {
        "cam_x_m": cams[which, 0],
        "cam_y_m": cams[which, 1],
        "cam_height_m": np.array([4.0, 9.0, 15.0])[which],
        "target_x_m": targets[:, 0],
        "target_y_m": targets[:, 1],
        "footprints": fp,
    }
    together = blocked(**args)  # 400 lines: one footprint search per camera
    one_by_one = np.array(
        [
            blocked(**{k: v[i : i + 1] if k != "footprints" else v for k, v in args.items()})[0]
            for i in range(400)
        ]
    )
    assert together.tolist() == one_by_one.tolist()
    assert 40 < together.sum() < 360  # a mix of clear and blocked lines
