"""The zoom <-> horizontal field of view curve of one camera. Pure.

A varifocal lens's field of view is far from linear in ONVIF's zoom units; the curve is
interpolated piecewise-linearly in ``log(tan(hfov / 2))`` (the logarithm of the inverse focal
length), which is exact for a lens whose focal length grows geometrically with the zoom and
close for the rest between samples.
"""

from __future__ import annotations

import itertools
import math
from typing import Final

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from camroute.ptz.ranges import DeviceRanges

DEFAULT_WIDE_DEG: Final = 60.0  # a typical 4.8-120 mm street PTZ at its widest
DEFAULT_TELE_DEG: Final = 2.5


class ZoomPoint(BaseModel):
    """One measured (device zoom, horizontal field of view) pair."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    zoom: float
    hfov_deg: float = Field(gt=0.0, lt=180.0)


def _log_tan(hfov_deg: float | np.ndarray) -> np.ndarray:
    result: np.ndarray = np.log(np.tan(np.radians(np.asarray(hfov_deg, float)) / 2.0))
    return result


class ZoomCurve(BaseModel):
    """Samples with zoom increasing and the field of view strictly narrowing.

    Examples
    --------
    >>> curve = ZoomCurve(points=[ZoomPoint(zoom=0, hfov_deg=60), ZoomPoint(zoom=1, hfov_deg=3)])
    >>> round(curve.hfov_deg(0.0), 3), round(curve.hfov_deg(1.0), 3)
    (60.0, 3.0)
    >>> round(curve.zoom_for(curve.hfov_deg(0.37)), 6)
    0.37
    >>> curve.zoom_for(90.0), curve.zoom_for(1.0)
    (0.0, 1.0)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    points: list[ZoomPoint] = Field(min_length=2)

    @model_validator(mode="after")
    def _monotone(self) -> ZoomCurve:
        zooms = [p.zoom for p in self.points]
        fovs = [p.hfov_deg for p in self.points]
        if any(b <= a for a, b in itertools.pairwise(zooms)):
            raise ValueError(f"zoom samples must increase: {zooms}")
        if any(b >= a for a, b in itertools.pairwise(fovs)):
            raise ValueError(f"the field of view must narrow as zoom grows: {fovs} deg")
        return self

    def hfov_deg(self, zoom: float) -> float:
        """The horizontal field of view at device ``zoom`` (clamped to the sampled range)."""
        zooms = np.array([p.zoom for p in self.points])
        logs = _log_tan(np.array([p.hfov_deg for p in self.points]))
        value = float(np.interp(zoom, zooms, logs))
        return math.degrees(2.0 * math.atan(math.exp(value)))

    def zoom_for(self, hfov_deg: float) -> float:
        """The device zoom giving ``hfov_deg``, clamped to the widest and the narrowest."""
        zooms = np.array([p.zoom for p in self.points])
        logs = _log_tan(np.array([p.hfov_deg for p in self.points]))
        # np.interp needs increasing x: the log falls as zoom grows, so read it backwards.
        return float(np.interp(float(_log_tan(hfov_deg)), logs[::-1], zooms[::-1]))

    @property
    def widest_deg(self) -> float:
        """The field of view at the lowest sampled zoom."""
        return self.points[0].hfov_deg

    @property
    def narrowest_deg(self) -> float:
        """The field of view at the highest sampled zoom."""
        return self.points[-1].hfov_deg


def default_curve(
    *, wide_deg: float | None, tele_deg: float | None, ranges: DeviceRanges | None
) -> ZoomCurve:
    """Two points: the registry's widest and narrowest field of view at the zoom range's ends."""
    low, high = (ranges.zoom.min, ranges.zoom.max) if ranges else (0.0, 1.0)
    wide = min(wide_deg or DEFAULT_WIDE_DEG, 179.0)
    tele = min(tele_deg or DEFAULT_TELE_DEG, wide * 0.99)
    return ZoomCurve(
        points=[ZoomPoint(zoom=low, hfov_deg=wide), ZoomPoint(zoom=high, hfov_deg=tele)]
    )
