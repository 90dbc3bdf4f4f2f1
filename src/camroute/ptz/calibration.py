"""Per-camera PTZ calibration: from ONVIF's normalised spaces to true bearings and tilts. Pure.

No camera's pan "0" is north and no two firmwares agree on which way tilt goes, so each camera
gets a :class:`Calibration`: pan offset (the true bearing at device pan 0) and direction, tilt
zero (the elevation at device tilt 0) and sign, the degrees per device unit on each axis, and
the zoom <-> horizontal field of view curve (:mod:`camroute.ptz.zoom`).

Angles: bearings clockwise from true north in degrees; tilt is elevation above the horizon in
degrees (negative: looking down). Device positions stay in the device's own units.
"""

from __future__ import annotations

import math
from typing import Final, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from camroute.geo import angle_diff_deg
from camroute.ptz.geometry import CameraPose, Direction, direction_to
from camroute.ptz.ranges import DeviceRanges, Range
from camroute.ptz.zoom import ZoomCurve, ZoomPoint, default_curve

Sign = Literal[1, -1]
# Hikvision, Dahua and Uniview map the generic pan space [-1, 1] onto a full turn and the
# generic tilt space [-1, 1] onto a quarter turn; a calibration may fit its own scale.
NOMINAL_PAN_SPAN_DEG: Final = 360.0
NOMINAL_TILT_SPAN_DEG: Final = 90.0
# An uncalibrated camera mounted with pan 0 along its registered heading is rarely more than
# this far off; one with no known heading can be anywhere round the circle.
UNCALIBRATED_WITH_HEADING_DEG: Final = 20.0
UNCALIBRATED_NO_HEADING_DEG: Final = 180.0
# Below this spread of device units the landmarks cannot tell a scale from noise.
MIN_SCALE_SPREAD: Final = 0.15
MIN_LANDMARKS: Final = 2


class CalibrationError(ValueError):
    """The landmarks cannot give a calibration (too few, or all in one direction)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Landmark(_Frozen):
    """The device's reported pan/tilt while aimed at a known place on the ground."""

    lon: float = Field(ge=-180.0, le=180.0)
    lat: float = Field(ge=-90.0, le=90.0)
    pan: float = Field(description="device pan units, as GetStatus read it")
    tilt: float = Field(description="device tilt units, as GetStatus read it")
    height_m: float = Field(default=0.0, description="the landmark's height above the ground")


class Calibration(_Frozen):
    """How one camera's device units turn into true directions and fields of view."""

    pan_offset_deg: float = Field(description="true bearing at device pan 0")
    pan_sign: Sign = 1
    pan_deg_per_unit: float = Field(gt=0.0)
    tilt_zero_deg: float = Field(description="elevation at device tilt 0")
    tilt_sign: Sign = 1
    tilt_deg_per_unit: float = Field(gt=0.0)
    zoom_curve: ZoomCurve
    ranges: DeviceRanges = DeviceRanges()
    calibrated: bool
    expected_error_deg: float = Field(ge=0.0, description="typical pointing error to expect")
    fit_error_deg: float | None = Field(default=None, description="RMS over the landmarks")
    landmarks: list[Landmark] = Field(default_factory=list)

    def direction(self, *, pan: float, tilt: float) -> tuple[float, float]:
        """The true (bearing_deg, tilt_deg) the device points at with ``pan``, ``tilt``."""
        bearing = (self.pan_offset_deg + self.pan_sign * self.pan_deg_per_unit * pan) % 360.0
        elevation = self.tilt_zero_deg + self.tilt_sign * self.tilt_deg_per_unit * tilt
        return bearing, elevation

    def pan_units(self, bearing_deg: float) -> list[float]:
        """Every device pan that faces ``bearing_deg`` inside the pan range, nearest 0 first."""
        turn = float(angle_diff_deg(bearing_deg, self.pan_offset_deg))
        unit = self.pan_sign * turn / self.pan_deg_per_unit
        full = 360.0 / self.pan_deg_per_unit
        found = [unit + k * full for k in range(-2, 3)]
        inside = [p for p in found if self.ranges.pan.min - 1e-9 <= p <= self.ranges.pan.max + 1e-9]
        return sorted(inside, key=abs)

    def tilt_units(self, tilt_deg: float) -> float:
        """The device tilt for elevation ``tilt_deg`` (may lie outside the tilt range)."""
        return self.tilt_sign * (tilt_deg - self.tilt_zero_deg) / self.tilt_deg_per_unit


def _span(rng: Range) -> float:
    return max(rng.max - rng.min, 1e-9)


def uncalibrated(
    *,
    heading_deg: float | None,
    hfov_wide_deg: float | None = None,
    hfov_tele_deg: float | None = None,
    ranges: DeviceRanges | None = None,
) -> Calibration:
    """The assumption for a camera nobody calibrated: pan 0 along its heading, tilt 0 level.

    Examples
    --------
    >>> cal = uncalibrated(heading_deg=90.0)
    >>> cal.calibrated, cal.expected_error_deg, cal.direction(pan=0.5, tilt=0.0)
    (False, 20.0, (180.0, 0.0))
    >>> uncalibrated(heading_deg=None).expected_error_deg
    180.0
    """
    ranges = ranges or DeviceRanges()
    return Calibration(
        pan_offset_deg=heading_deg or 0.0,
        pan_deg_per_unit=NOMINAL_PAN_SPAN_DEG / _span(ranges.pan),
        tilt_zero_deg=0.0,
        # ONVIF's generic tilt space points down for negative values on most cameras.
        tilt_deg_per_unit=NOMINAL_TILT_SPAN_DEG / _span(ranges.tilt),
        zoom_curve=default_curve(wide_deg=hfov_wide_deg, tele_deg=hfov_tele_deg, ranges=ranges),
        ranges=ranges,
        calibrated=False,
        expected_error_deg=(
            UNCALIBRATED_NO_HEADING_DEG if heading_deg is None else UNCALIBRATED_WITH_HEADING_DEG
        ),
    )


def _fit_axis(
    truth_deg: np.ndarray, units: np.ndarray, *, nominal: float, circular: bool, scale: bool
) -> tuple[float, Sign, float, np.ndarray]:
    """Offset, sign and scale of ``truth = offset + sign * scale * units``, and the residuals.

    Both signs are tried at the nominal scale; with ``scale`` and three or more landmarks
    spread enough the scale is fitted too (least squares). Pan keeps its nominal scale: the
    generic space spans a full turn on every camera seen, and a fitted one would hide a
    misread landmark in the scale instead of reporting it in the fit error.
    """
    best: tuple[float, Sign, float, np.ndarray] | None = None
    for sign in (1, -1):
        shift = truth_deg - sign * nominal * units
        if circular:
            offset = math.degrees(np.angle(np.exp(1j * np.radians(shift)).mean()))
            resid = angle_diff_deg(shift, offset)
        else:
            offset = float(shift.mean())
            resid = shift - offset
        if best is None or float(np.abs(resid).mean()) < float(np.abs(best[3]).mean()):
            best = (offset, sign, nominal, resid)
    assert best is not None
    offset, sign, per_unit, resid = best
    if scale and len(units) >= 3 and float(np.ptp(units)) >= MIN_SCALE_SPREAD:
        unwrapped = offset + sign * per_unit * units + resid
        slope, intercept = np.polyfit(units, unwrapped, 1)
        if slope * sign > 0:
            per_unit, offset = abs(float(slope)), float(intercept)
            fitted = offset + sign * per_unit * units
            resid = angle_diff_deg(truth_deg, fitted) if circular else truth_deg - fitted
    return offset % 360.0 if circular else offset, sign, per_unit, np.asarray(resid)


def fit(
    camera: CameraPose,
    landmarks: list[Landmark],
    *,
    zoom_points: list[ZoomPoint] | None = None,
    ranges: DeviceRanges | None = None,
    hfov_wide_deg: float | None = None,
    hfov_tele_deg: float | None = None,
) -> Calibration:
    """Fit a camera's calibration to two or more landmarks; the RMS error is reported.

    Examples
    --------
    >>> cam = CameraPose(lon=106.7, lat=10.77, mount_height_m=8.0)
    >>> marks = [
    ...     Landmark(lon=106.7, lat=10.7705, pan=-0.5, tilt=0.1),
    ...     Landmark(lon=106.7005, lat=10.77, pan=0.0, tilt=0.1),
    ... ]
    >>> cal = fit(cam, marks)
    >>> round(cal.pan_offset_deg, 1), cal.pan_sign, cal.calibrated
    (90.0, 1, True)
    """
    if len(landmarks) < MIN_LANDMARKS:
        raise CalibrationError(f"{len(landmarks)} landmark(s): at least {MIN_LANDMARKS} needed")
    ranges = ranges or DeviceRanges()
    aims = [direction_to(camera, lon=m.lon, lat=m.lat, height_m=m.height_m) for m in landmarks]
    if len({round(a.bearing_deg, 1) for a in aims}) < 2:
        raise CalibrationError("the landmarks lie in one direction: pick places apart")
    pans = np.array([m.pan for m in landmarks], float)
    tilts = np.array([m.tilt for m in landmarks], float)
    if float(np.ptp(pans)) < 1e-6:
        raise CalibrationError("the camera reported the same pan at every landmark")
    p_off, p_sign, p_scale, p_res = _fit_axis(
        np.array([a.bearing_deg for a in aims]),
        pans,
        nominal=NOMINAL_PAN_SPAN_DEG / _span(ranges.pan),
        circular=True,
        scale=False,
    )
    t_off, t_sign, t_scale, t_res = _fit_axis(
        np.array([a.tilt_deg for a in aims]),
        tilts,
        nominal=NOMINAL_TILT_SPAN_DEG / _span(ranges.tilt),
        circular=False,
        scale=True,
    )
    rms = float(np.sqrt(np.mean(p_res**2 + t_res**2)))
    curve = (
        ZoomCurve(points=sorted(zoom_points, key=lambda p: p.zoom))
        if zoom_points
        else default_curve(wide_deg=hfov_wide_deg, tele_deg=hfov_tele_deg, ranges=ranges)
    )
    return Calibration(
        pan_offset_deg=p_off,
        pan_sign=p_sign,
        pan_deg_per_unit=p_scale,
        tilt_zero_deg=t_off,
        tilt_sign=t_sign,
        tilt_deg_per_unit=t_scale,
        zoom_curve=curve,
        ranges=ranges,
        calibrated=True,
        # Two landmarks fit exactly: their zero error says nothing; half a degree is typical.
        expected_error_deg=max(rms, 0.5),
        fit_error_deg=rms,
        landmarks=landmarks,
    )


__all__ = [
    "Calibration",
    "CalibrationError",
    "CameraPose",
    "DeviceRanges",
    "Direction",
    "Landmark",
    "Range",
    "fit",
    "uncalibrated",
]
