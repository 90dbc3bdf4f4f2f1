"""``ptz/onvif_ptz.py`` against the fake PTZ camera: calibrated aiming, read-back, faults."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import numpy as np
import pytest
from pyproj import Geod

from camroute.ptz.aim import (
    FRAME_MARGIN,
    Preset,
    PtzPosition,
    Target,
    good_presets,
    residual_deg,
    solve,
)
from camroute.ptz.calibration import Landmark, fit, uncalibrated
from camroute.ptz.errors import (
    NoPtzError,
    PtzLockedError,
    PtzRefusedError,
    PtzTimeoutError,
    PtzUpstreamError,
)
from camroute.ptz.geometry import CameraPose, angle_between_deg, direction_to
from camroute.ptz.link import PtzAccount, PtzLink, on_link
from camroute.ptz.models import PtzStatus
from camroute.ptz.onvif_ptz import move_and_settle, read_status
from camroute.ptz.zoom import ZoomPoint

from .ptz_device import MovingHead, PtzCamera, running

GEOD = Geod(ellps="WGS84")
POSE = CameraPose(lon=106.7, lat=10.7725, mount_height_m=9.0)


def place(bearing_deg: float, distance_m: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(POSE.lon, POSE.lat, bearing_deg, distance_m)
    return float(lon), float(lat)


def reading(head: MovingHead, lon: float, lat: float, noise: float = 0.0) -> Landmark:
    """What an operator reads off GetStatus once the joystick has the landmark centred."""
    seen = direction_to(POSE, lon=lon, lat=lat)
    pan, tilt = head.pan_tilt_for(seen.bearing_deg, seen.tilt_deg)
    return Landmark(lon=lon, lat=lat, pan=round(pan + noise, 4), tilt=round(tilt - noise, 4))


def truth_error_deg(head: MovingHead, target: Target, at: PtzPosition) -> float:
    seen = direction_to(POSE, lon=target.lon, lat=target.lat)
    return angle_between_deg(head.direction(at.pan, at.tilt), (seen.bearing_deg, seen.tilt_deg))


@pytest.fixture
def camera() -> Iterator[tuple[PtzCamera, PtzAccount]]:
    fake = PtzCamera()
    with running(fake) as url:
        yield fake, PtzAccount(url=url, username="admin", password="Cam-pass-1")


def test_calibrated_aim_lands_within_a_degree_on_held_back_points(
    camera: tuple[PtzCamera, PtzAccount],
) -> None:
    fake, account = camera
    head = fake.head
    marks = [
        reading(head, *place(20.0, 45.0), noise=0.0008),
        reading(head, *place(140.0, 95.0), noise=-0.0006),
        reading(head, *place(255.0, 150.0), noise=0.0004),
    ]
    zoom = [
        ZoomPoint(zoom=z, hfov_deg=head.hfov_deg(z))
        for z in (0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1)
    ]
    cal = fit(POSE, marks, zoom_points=zoom)
    assert cal.calibrated
    assert (cal.pan_sign, cal.tilt_sign) == (-1, -1)  # the head's anticlockwise pan, inverted tilt
    assert cal.fit_error_deg is not None
    assert cal.fit_error_deg < 0.3
    rng = np.random.default_rng(13)
    targets = [
        Target(lon=lon, lat=lat, uncertainty_m=float(rng.uniform(5, 40)))
        for lon, lat in (
            place(float(rng.uniform(0, 360)), float(rng.uniform(20, 220))) for _ in range(20)
        )
    ]

    async def aim_all(link: PtzLink) -> list[tuple[float, float, float]]:
        out = []
        for target in targets:
            aim = solve(cal, POSE, target)
            await link.absolute_move(aim.position)
            got = (await link.settle(aim.position)).position
            # The margin round the disc absorbs the lens curve's interpolation error.
            wide_enough = head.hfov_deg(got.zoom) >= aim.hfov_deg / FRAME_MARGIN
            out.append(
                (
                    truth_error_deg(head, target, got),
                    residual_deg(cal, POSE, target, got),
                    float(wide_enough),
                )
            )
        return out

    errors = np.array(asyncio.run(on_link(account, aim_all, timeout_s=30.0, doing="aiming")))
    assert np.percentile(errors[:, 0], 95) <= 1.0
    assert np.all(np.abs(errors[:, 0] - errors[:, 1]) < 1.0)  # the reported residual is honest
    assert errors[:, 2].all()  # the non-linear lens still frames the whole area
    assert len(head.moves) == 20


def test_uncalibrated_aim_is_flagged_with_its_expected_error() -> None:
    head = MovingHead()
    target = Target(lon=place(60.0, 80.0)[0], lat=place(60.0, 80.0)[1], uncertainty_m=10.0)
    aim = solve(uncalibrated(heading_deg=137.0), POSE, target)
    assert not aim.calibrated
    assert aim.expected_error_deg == 20.0
    # The assumed mounting (clockwise pan, tilt not inverted) misses this head badly.
    assert truth_error_deg(head, target, aim.position) > 20.0


def test_move_reads_back_the_settled_position_after_a_finite_speed_move(
    camera: tuple[PtzCamera, PtzAccount],
) -> None:
    fake, account = camera
    fake.head.speed_per_s = 4.0
    goal = PtzPosition(pan=0.6, tilt=0.3, zoom=0.2)
    moved = asyncio.run(move_and_settle(account, goal=goal))
    assert moved.before.position == PtzPosition(pan=0.0, tilt=0.0, zoom=0.0)
    assert moved.after.position.distance(goal) < 1e-4
    assert not moved.after.moving
    assert moved.preset is None
    assert moved.took_s >= 0.6 / 4.0  # it waited for the head, not just for the answer
    assert fake.calls.count("GetStatus") >= 3


def test_a_goal_decided_from_the_heads_position_is_not_timed_against_the_camera(
    camera: tuple[PtzCamera, PtzAccount],
) -> None:
    fake, account = camera
    seen: list[PtzPosition] = []

    def decide(now: PtzStatus) -> PtzPosition:
        seen.append(now.position)
        time.sleep(0.8)  # a slow store: longer than the whole budget below
        return PtzPosition(pan=now.position.pan + 0.2, tilt=0.1, zoom=0.0)

    moved = asyncio.run(move_and_settle(account, goal=decide, timeout_s=0.6))
    assert seen == [moved.before.position]
    assert moved.after.position.distance(PtzPosition(pan=0.2, tilt=0.1, zoom=0.0)) < 1e-4
    assert fake.calls.count("GetStatus") >= 2  # read once before deciding, then while settling


@pytest.mark.parametrize(
    "error",
    [
        PtzLockedError("held by bob", holder="bob", holder_role="dispatcher", lock_until=None),
        KeyError("zone_id"),
    ],
)
def test_what_a_decision_raises_is_passed_on_unchanged_and_nothing_moves(
    camera: tuple[PtzCamera, PtzAccount], error: Exception
) -> None:
    fake, account = camera

    def refuse(_: PtzStatus) -> PtzPosition:
        raise error

    with pytest.raises(type(error)) as caught:
        asyncio.run(move_and_settle(account, goal=refuse, timeout_s=3.0))
    assert caught.value is error  # a defect of ours is not "the camera's answer is not ONVIF"
    assert fake.head.moves == []
    assert "AbsoluteMove" not in fake.calls
    assert "GetPresets" not in fake.calls


def test_move_outside_the_heads_limits_is_refused(camera: tuple[PtzCamera, PtzAccount]) -> None:
    _, account = camera
    with pytest.raises(PtzRefusedError, match="outside the PTZ limits"):
        asyncio.run(move_and_settle(account, goal=PtzPosition(pan=0.1, tilt=-0.6, zoom=0.0)))


def test_camera_that_never_answers_times_out_in_bounded_time(
    camera: tuple[PtzCamera, PtzAccount],
) -> None:
    fake, account = camera
    fake.delay_s["AbsoluteMove"] = 5.0
    started = time.monotonic()
    with pytest.raises(PtzTimeoutError, match=r"within 0.6 s"):
        asyncio.run(
            move_and_settle(account, goal=PtzPosition(pan=0.1, tilt=0.1, zoom=0.0), timeout_s=0.6)
        )
    assert time.monotonic() - started < 2.0


def test_head_that_never_settles_times_out(camera: tuple[PtzCamera, PtzAccount]) -> None:
    fake, account = camera
    fake.head.speed_per_s = 0.01
    with pytest.raises(PtzTimeoutError) as caught:
        asyncio.run(
            move_and_settle(account, goal=PtzPosition(pan=0.9, tilt=0.1, zoom=0.0), timeout_s=0.8)
        )
    assert caught.value.status == 504


def test_camera_without_ptz_says_so() -> None:
    fake = PtzCamera(ptz=None)
    with running(fake) as url:
        account = PtzAccount(url=url, username="admin", password="Cam-pass-1")
        with pytest.raises(NoPtzError, match="no ONVIF PTZ service"):
            asyncio.run(read_status(account, timeout_s=3.0))


def test_wrong_password_is_an_upstream_failure(camera: tuple[PtzCamera, PtzAccount]) -> None:
    fake, account = camera
    bad = PtzAccount(url=account.url, username="admin", password="guess")
    with pytest.raises(PtzUpstreamError, match="not_authorized"):
        asyncio.run(read_status(bad, timeout_s=3.0))
    assert "GetStatus" not in fake.calls


def test_a_preset_that_frames_the_target_is_used_instead_of_a_computed_move(
    camera: tuple[PtzCamera, PtzAccount],
) -> None:
    fake, account = camera
    target = Target(lon=place(200.0, 70.0)[0], lat=place(200.0, 70.0)[1], uncertainty_m=10.0)
    cal = uncalibrated(heading_deg=0.0)
    aim = solve(cal, POSE, target)
    spot = (aim.position.pan, aim.position.tilt, aim.position.zoom)
    fake.head.presets = {"3": ("Cổng chợ", spot), "4": ("Bãi xe", (-0.9, 0.5, 0.0))}

    def choose(presets: list[Preset]) -> Preset | None:
        good = good_presets(presets, cal, POSE, target, aim)
        return good[0] if good else None

    moved = asyncio.run(move_and_settle(account, goal=aim.position, choose=choose))
    assert moved.preset is not None
    assert moved.preset.name == "Cổng chợ"
    assert "GotoPreset" in fake.calls
    assert "AbsoluteMove" not in fake.calls
    assert moved.after.position.distance(aim.position) < 1e-4
