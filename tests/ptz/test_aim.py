"""``ptz/aim.py``: the move that frames a target, the share in picture, presets."""

from __future__ import annotations

import pytest
from pyproj import Geod

from camroute.ptz.aim import Preset, PtzPosition, Target, good_presets, share_in_picture, solve
from camroute.ptz.calibration import DeviceRanges, Range, uncalibrated
from camroute.ptz.geometry import CameraPose

GEOD = Geod(ellps="WGS84")
POSE = CameraPose(lon=106.7, lat=10.77, mount_height_m=10.0)
CAL = uncalibrated(heading_deg=0.0)


def _target(bearing: float, dist: float, r: float = 10.0) -> Target:
    lon, lat, _ = GEOD.fwd(POSE.lon, POSE.lat, bearing, dist)
    return Target(lon=lon, lat=lat, uncertainty_m=r)


@pytest.mark.parametrize(
    ("bearing", "pan"),
    [(0.0, 0.0), (90.0, 0.5), (180.0, 1.0), (270.0, -0.5), (359.0, -1 / 180)],
)
def test_pan_follows_the_bearing_across_the_wrap(bearing: float, pan: float) -> None:
    aim = solve(CAL, POSE, _target(bearing, 100.0))
    assert aim.position.pan == pytest.approx(pan, abs=1e-4) or (
        bearing == 180.0 and aim.position.pan == pytest.approx(-1.0, abs=1e-4)
    )
    assert aim.limited == []


def test_nearer_wider_area_means_wider_view() -> None:
    near = solve(CAL, POSE, _target(10.0, 30.0, r=20.0))
    far = solve(CAL, POSE, _target(10.0, 300.0, r=5.0))
    assert near.hfov_deg > far.hfov_deg
    assert near.position.zoom < far.position.zoom


def test_pan_limited_head_turns_to_its_end_and_says_so() -> None:
    ranges = DeviceRanges(pan=Range(min=-0.25, max=0.25))  # +-45 degrees only
    cal = uncalibrated(heading_deg=0.0, ranges=ranges).model_copy(update={"pan_deg_per_unit": 180})
    aim = solve(cal, POSE, _target(80.0, 100.0))
    assert aim.position.pan == 0.25
    assert "pan" in aim.limited


def test_area_wider_than_the_widest_view_is_limited_by_zoom() -> None:
    aim = solve(CAL, POSE, _target(0.0, 10.0, r=200.0))
    assert aim.position.zoom == 0.0
    assert "zoom" in aim.limited


def test_share_in_picture_is_whole_when_framed_and_none_when_facing_away() -> None:
    target = _target(45.0, 80.0, r=10.0)
    aim = solve(CAL, POSE, target)
    assert share_in_picture(CAL, POSE, target, aim.position) == 1.0
    away = aim.position.model_copy(update={"pan": aim.position.pan - 1.0})
    assert share_in_picture(CAL, POSE, target, away) == 0.0
    half = aim.position.model_copy(update={"pan": aim.position.pan + aim.hfov_deg / 360.0})
    assert 0.2 < share_in_picture(CAL, POSE, target, half) < 0.8


def test_a_preset_on_the_target_is_preferred_and_a_far_one_is_not() -> None:
    target = _target(120.0, 60.0)
    aim = solve(CAL, POSE, target)
    on = Preset(token="7", name="Ngã tư", position=aim.position)
    off = Preset(token="8", name="Cổng", position=PtzPosition(pan=-0.4, tilt=-0.1, zoom=0.1))
    blind = Preset(token="9", name=None, position=None)
    assert good_presets([off, on, blind], CAL, POSE, target, aim) == [on]
    assert good_presets([off, blind], CAL, POSE, target, aim) == []
