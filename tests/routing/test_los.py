from __future__ import annotations

import numpy as np
import pytest
import shapely

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
        buildings=b,
        building_height_m=np.array([height]),
        tree=shapely.STRtree(b),
    )
    assert bool(got[0]) is expected


def test_no_buildings_never_blocks() -> None:
    got = blocked(
        cam_x_m=[0.0, 1.0],
        cam_y_m=[0.0, 1.0],
        cam_height_m=[NAN, NAN],
        target_x_m=[5.0, 9.0],
        target_y_m=[5.0, 9.0],
        buildings=np.empty(0, object),
        building_height_m=np.empty(0),
        tree=shapely.STRtree(np.empty(0, object)),
    )
    assert got.tolist() == [False, False]


def test_default_mount_height_is_used_when_unknown() -> None:
    assert effective_height_m([NAN, 0.0, 7.0]).tolist() == [
        DEFAULT_MOUNT_HEIGHT_M,
        DEFAULT_MOUNT_HEIGHT_M,
        7.0,
    ]
