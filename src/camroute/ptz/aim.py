"""Aim a calibrated PTZ camera at a target: device pan/tilt/zoom, residual, share in picture.

Pure. The picture frames the uncertainty disc (a margin round it, at least a few metres wide);
the residual is the angle between where the camera points and the target's reference point.
"""

from __future__ import annotations

import math
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from camroute.geo import angle_diff_deg
from camroute.ptz.calibration import Calibration
from camroute.ptz.geometry import CameraPose, angle_between_deg, direction_to

FRAME_MARGIN: Final = 1.15  # the disc's edge is not the picture's edge
MIN_FRAME_RADIUS_M: Final = 3.0  # as routing: frame at least a 6 m wide disc
ASPECT: Final = 16.0 / 9.0  # vertical field of view from the horizontal one
PRESET_MATCH_DEG: Final = 0.5  # a preset this close is as good as a computed move
Axis = Literal["pan", "tilt", "zoom"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Target(_Frozen):
    """Where to look: the caller's reference point and uncertainty radius."""

    lon: float = Field(ge=-180.0, le=180.0)
    lat: float = Field(ge=-90.0, le=90.0)
    uncertainty_m: float = Field(default=0.0, ge=0.0, le=100_000.0)


class PtzPosition(_Frozen):
    """An absolute position in the device's own units."""

    pan: float
    tilt: float
    zoom: float

    def distance(self, other: PtzPosition) -> float:
        """The largest difference on any axis, in device units."""
        return max(
            abs(self.pan - other.pan), abs(self.tilt - other.tilt), abs(self.zoom - other.zoom)
        )


class AimSolution(_Frozen):
    """The move that frames a target, and how well it should land."""

    position: PtzPosition
    bearing_deg: float
    tilt_deg: float
    hfov_deg: float
    distance_m: float
    calibrated: bool
    expected_error_deg: float
    limited: list[Axis] = Field(
        default_factory=list, description="axes held at a device limit: the target lies beyond"
    )


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def solve(calibration: Calibration, camera: CameraPose, target: Target) -> AimSolution:
    """The device position that frames ``target`` from ``camera``.

    Examples
    --------
    >>> from camroute.ptz.calibration import uncalibrated
    >>> cam = CameraPose(lon=106.7, lat=10.77, mount_height_m=10.0)
    >>> aim = solve(uncalibrated(heading_deg=0.0), cam, Target(lon=106.7001, lat=10.77))
    >>> round(aim.position.pan, 3), round(aim.bearing_deg, 1), aim.calibrated
    (0.5, 90.0, False)
    """
    seen = direction_to(camera, lon=target.lon, lat=target.lat)
    ranges = calibration.ranges
    limited: list[Axis] = []
    pans = calibration.pan_units(seen.bearing_deg)
    if pans:
        pan = pans[0]
    else:  # a pan-limited head: turn as far as it goes towards the target
        ends = (ranges.pan.min, ranges.pan.max)
        pan = min(ends, key=lambda p: abs(_off_deg(calibration, p, seen.bearing_deg)))
        limited.append("pan")
    tilt_units = calibration.tilt_units(seen.tilt_deg)
    tilt = _clamp(tilt_units, ranges.tilt.min, ranges.tilt.max)
    if tilt != tilt_units:
        limited.append("tilt")
    radius_m = max(target.uncertainty_m, MIN_FRAME_RADIUS_M) * FRAME_MARGIN
    wanted = 2.0 * math.degrees(math.atan2(radius_m, max(seen.distance_m, 1e-6)))
    curve = calibration.zoom_curve
    zoom = _clamp(curve.zoom_for(wanted), ranges.zoom.min, ranges.zoom.max)
    if wanted > curve.widest_deg:
        limited.append("zoom")
    return AimSolution(
        position=PtzPosition(pan=pan, tilt=tilt, zoom=zoom),
        bearing_deg=seen.bearing_deg,
        tilt_deg=seen.tilt_deg,
        hfov_deg=curve.hfov_deg(zoom),
        distance_m=seen.distance_m,
        calibrated=calibration.calibrated,
        expected_error_deg=calibration.expected_error_deg,
        limited=limited,
    )


def _off_deg(calibration: Calibration, pan: float, bearing_deg: float) -> float:
    return float(angle_diff_deg(calibration.direction(pan=pan, tilt=0.0)[0], bearing_deg))


def residual_deg(
    calibration: Calibration, camera: CameraPose, target: Target, position: PtzPosition
) -> float:
    """The angle between where ``position`` points (per the calibration) and the target."""
    seen = direction_to(camera, lon=target.lon, lat=target.lat)
    pointing = calibration.direction(pan=position.pan, tilt=position.tilt)
    return angle_between_deg(pointing, (seen.bearing_deg, seen.tilt_deg))


def _disc_left_of(x_m: float, r_m: float) -> float:
    """Area of a disc of radius ``r_m`` on the side ``< x_m`` of a line through it."""
    x = _clamp(x_m, -r_m, r_m)
    return r_m * r_m * math.acos(-x / r_m) + x * math.sqrt(r_m * r_m - x * x)


def _strip_share(low_m: float, high_m: float, r_m: float) -> float:
    if r_m <= 0.0:
        return 1.0 if low_m <= 0.0 <= high_m else 0.0
    return max(_disc_left_of(high_m, r_m) - _disc_left_of(low_m, r_m), 0.0) / (math.pi * r_m**2)


def _tan(angle_deg: float) -> float:
    return math.tan(math.radians(_clamp(angle_deg, -89.9, 89.9)))


def share_in_picture(
    calibration: Calibration, camera: CameraPose, target: Target, position: PtzPosition
) -> float:
    """Share of the uncertainty disc inside the picture at ``position`` (0..1).

    The disc is cut across by the picture's left and right edges and along by its top and
    bottom edges where they meet the ground; the two shares multiply (exact for either cut
    alone, close when both cut the disc).
    """
    seen = direction_to(camera, lon=target.lon, lat=target.lat)
    bearing, tilt = calibration.direction(pan=position.pan, tilt=position.tilt)
    hfov = calibration.zoom_curve.hfov_deg(position.zoom)
    vfov = 2.0 * math.degrees(math.atan(math.tan(math.radians(hfov) / 2.0) / ASPECT))
    d, r = max(seen.distance_m, 1e-6), target.uncertainty_m
    off = float(angle_diff_deg(bearing, seen.bearing_deg))
    across = _strip_share(d * _tan(off - hfov / 2.0), d * _tan(off + hfov / 2.0), r)
    # Along the line of sight: the ground distance each picture edge reaches, minus d.
    height = camera.mount_height_m
    near_deg, far_deg = tilt - vfov / 2.0, tilt + vfov / 2.0
    near_m = height / _tan(-near_deg) if near_deg < 0.0 else math.inf
    far_m = height / _tan(-far_deg) if far_deg < 0.0 else math.inf
    along = 1.0 if height <= 0.0 else _strip_share(near_m - d, far_m - d, r)
    return round(_clamp(across * along, 0.0, 1.0), 4)


def good_presets(
    presets: list[Preset],
    calibration: Calibration,
    camera: CameraPose,
    target: Target,
    solution: AimSolution,
) -> list[Preset]:
    """Stored presets whose view is as good as the computed move (a preset lands exactly).

    Those within :data:`PRESET_MATCH_DEG` of the target that show at least as much of the
    area, nearest the target first. One may show more than the computed move (zoomed out):
    its own picture is what a protected zone must allow.
    """
    wanted = share_in_picture(calibration, camera, target, solution.position)
    scored = [
        (residual_deg(calibration, camera, target, p.position), p)
        for p in presets
        if p.position is not None
        and share_in_picture(calibration, camera, target, p.position) >= wanted - 1e-3
    ]
    good = sorted(((r, p) for r, p in scored if r <= PRESET_MATCH_DEG), key=lambda rp: rp[0])
    return [p for _, p in good]


class Preset(_Frozen):
    """A stored preset (GetPresets); position None when the camera does not say."""

    token: str
    name: str | None = None
    position: PtzPosition | None = None
