"""Bearings clockwise from true north, on the WGS84 ellipsoid, vectorised."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod

_GEOD = Geod(ellps="WGS84")


def bearing_deg(
    *, from_lon: ArrayLike, from_lat: ArrayLike, to_lon: ArrayLike, to_lat: ArrayLike
) -> NDArray[np.float64]:
    """Initial bearing in [0, 360) from one point to another, and nothing in degrees of arc.

    Examples
    --------
    >>> float(bearing_deg(from_lon=106.7, from_lat=10.77, to_lon=106.7, to_lat=10.78).round(6))
    0.0
    >>> float(bearing_deg(from_lon=106.7, from_lat=10.77, to_lon=106.69, to_lat=10.77).round(1))
    270.0
    """
    # Broadcast first: pyproj needs equal lengths (one camera against many points, say).
    lon1, lat1, lon2, lat2 = np.broadcast_arrays(
        np.asarray(from_lon, float),
        np.asarray(from_lat, float),
        np.asarray(to_lon, float),
        np.asarray(to_lat, float),
    )
    az, _back, _dist = _GEOD.inv(lon1.copy(), lat1.copy(), lon2.copy(), lat2.copy())
    result: NDArray[np.float64] = np.mod(np.asarray(az, float), 360.0)
    return result


def angle_diff_deg(a_deg: ArrayLike, b_deg: ArrayLike) -> NDArray[np.float64]:
    """Signed smallest difference ``a - b`` in (-180, 180], handling the 0/360 wrap.

    Examples
    --------
    >>> float(angle_diff_deg(5.0, 355.0))
    10.0
    >>> float(angle_diff_deg(355.0, 5.0))
    -10.0
    >>> float(angle_diff_deg(0.0, 180.0))
    180.0
    """
    d = np.mod(np.asarray(a_deg, float) - np.asarray(b_deg, float), 360.0)
    result: NDArray[np.float64] = np.where(d > 180.0, d - 360.0, d)
    return result
