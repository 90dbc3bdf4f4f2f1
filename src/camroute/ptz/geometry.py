"""Where a target lies as seen from a camera: true bearing, elevation, distance. Pure.

On the WGS84 ellipsoid (pyproj's geodesic), so no distance is ever taken in degrees; over the
few hundred metres a PTZ camera covers the earth's curvature is far below a tenth of a degree.
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from pyproj import Geod

_GEOD = Geod(ellps="WGS84")


class CameraPose(BaseModel):
    """Where a camera hangs: its place and its mount height above the ground."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lon: float = Field(ge=-180.0, le=180.0)
    lat: float = Field(ge=-90.0, le=90.0)
    mount_height_m: float = Field(ge=0.0, le=1000.0)


class Direction(BaseModel):
    """A line of sight from the camera: bearing, elevation, and how far the target lies."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bearing_deg: float
    tilt_deg: float = Field(description="elevation above the horizon; negative looks down")
    distance_m: float


def direction_to(camera: CameraPose, *, lon: float, lat: float, height_m: float = 0.0) -> Direction:
    """The line of sight from ``camera`` to a point ``height_m`` above the ground at lon, lat.

    Examples
    --------
    >>> cam = CameraPose(lon=106.7, lat=10.77, mount_height_m=10.0)
    >>> d = direction_to(cam, lon=106.7, lat=10.77 + 10.0 / 110_600)
    >>> round(d.bearing_deg, 1), round(d.tilt_deg, 1), round(d.distance_m)
    (0.0, -45.0, 10)
    """
    az, _back, dist_m = _GEOD.inv(camera.lon, camera.lat, lon, lat)
    tilt = math.degrees(math.atan2(height_m - camera.mount_height_m, max(dist_m, 1e-6)))
    return Direction(bearing_deg=float(az) % 360.0, tilt_deg=tilt, distance_m=float(dist_m))


def _unit(bearing_deg: float, tilt_deg: float) -> np.ndarray:
    b, t = math.radians(bearing_deg), math.radians(tilt_deg)
    return np.array([math.cos(t) * math.sin(b), math.cos(t) * math.cos(b), math.sin(t)])


def angle_between_deg(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The angle between two lines of sight given as (bearing_deg, tilt_deg).

    Examples
    --------
    >>> round(angle_between_deg((0.0, 0.0), (90.0, 0.0)), 6)
    90.0
    >>> round(angle_between_deg((10.0, -89.0), (190.0, -89.0)), 6)
    2.0
    """
    cos = float(np.clip(np.dot(_unit(*a), _unit(*b)), -1.0, 1.0))
    return math.degrees(math.acos(cos))
