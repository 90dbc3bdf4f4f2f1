"""Pick the metric CRS for a place and move coordinates in and out of it.

The metric CRS is the UTM zone of the place (WGS84 datum). Inside a city the UTM scale error
is below 0.04 % and grid convergence below half a degree at Vietnamese latitudes; callers that
need true-north bearings use :func:`camroute.geo.bearing.bearing_deg`, which works on the
ellipsoid.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer


def utm_epsg(*, lon: float, lat: float) -> int:
    """EPSG code of the WGS84 UTM zone holding ``lon, lat``.

    Examples
    --------
    >>> utm_epsg(lon=106.70, lat=10.77)  # Ho Chi Minh City
    32648
    >>> utm_epsg(lon=24.94, lat=60.17)  # Helsinki
    32635
    """
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise ValueError(f"lon, lat out of range: {lon}, {lat}")
    zone = min(int((lon + 180.0) // 6.0) + 1, 60)
    return (32600 if lat >= 0 else 32700) + zone


@dataclass(frozen=True)
class LocalProjection:
    """A pair of transformers between WGS84 ``lon, lat`` and one metric CRS (metres)."""

    epsg: int
    _forward: Any
    _inverse: Any

    def to_metric(
        self, lon: ArrayLike, lat: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Project ``lon, lat`` (degrees) to ``x, y`` (metres)."""
        x, y = self._forward.transform(np.asarray(lon, float), np.asarray(lat, float))
        return np.asarray(x, float), np.asarray(y, float)

    def to_wgs84(
        self, x_m: ArrayLike, y_m: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Unproject metric ``x, y`` back to ``lon, lat`` (degrees)."""
        lon, lat = self._inverse.transform(np.asarray(x_m, float), np.asarray(y_m, float))
        return np.asarray(lon, float), np.asarray(lat, float)

    def geometry_to_metric(self, geom: shapely.Geometry) -> shapely.Geometry:
        """Project a WGS84 shapely geometry to metres."""
        return shapely.transform(geom, self._forward_xy)

    def geometry_to_wgs84(self, geom: shapely.Geometry) -> shapely.Geometry:
        """Unproject a metric shapely geometry to WGS84."""
        return shapely.transform(geom, self._inverse_xy)

    def _forward_xy(self, coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = self._forward.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    def _inverse_xy(self, coords: NDArray[np.float64]) -> NDArray[np.float64]:
        lon, lat = self._inverse.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])


@lru_cache(maxsize=64)
def _projection_for_epsg(epsg: int) -> LocalProjection:
    forward = Transformer.from_crs(4326, epsg, always_xy=True)
    inverse = Transformer.from_crs(epsg, 4326, always_xy=True)
    return LocalProjection(epsg=epsg, _forward=forward, _inverse=inverse)


def local_projection(*, lon: float, lat: float) -> LocalProjection:
    """The metric projection for the place at ``lon, lat`` (cached per UTM zone).

    Examples
    --------
    >>> proj = local_projection(lon=106.70, lat=10.77)
    >>> x, y = proj.to_metric(106.70, 10.77)
    >>> lon, lat = proj.to_wgs84(x, y)
    >>> round(float(lon), 9), round(float(lat), 9)
    (106.7, 10.77)
    """
    return _projection_for_epsg(utm_epsg(lon=lon, lat=lat))
