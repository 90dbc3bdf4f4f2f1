"""The metric CRS picked for a place, and the round trip through it."""

from __future__ import annotations

import pytest
import shapely

from camroute import geo
from camroute.geo.crs import utm_epsg


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [
        (106.70, 10.77, 32648),  # Ho Chi Minh City
        (108.224, 16.068, 32649),  # Da Nang
        (105.85, 21.03, 32648),  # Ha Noi
        (-73.25, 42.55, 32618),
        (153.22, -43.57, 32756),  # southern hemisphere
        (180.0, 0.0, 32660),  # the last zone holds 180
        (-180.0, 0.0, 32601),
    ],
)
def test_utm_zone(lon: float, lat: float, epsg: int) -> None:
    assert utm_epsg(lon=lon, lat=lat) == epsg


@pytest.mark.parametrize(("lon", "lat"), [(181.0, 0.0), (0.0, 90.5)])
def test_utm_zone_refuses_out_of_range(lon: float, lat: float) -> None:
    with pytest.raises(ValueError, match="out of range"):
        utm_epsg(lon=lon, lat=lat)


def test_round_trip_and_metres() -> None:
    proj = geo.local_projection(lon=106.70, lat=10.77)
    x, y = proj.to_metric([106.70, 106.71], [10.77, 10.77])
    assert float(x[1] - x[0]) == pytest.approx(1093.5, abs=1.0)  # 0.01 deg of longitude
    lon, lat = proj.to_wgs84(x, y)
    assert list(lon) == pytest.approx([106.70, 106.71], abs=1e-9)
    assert list(lat) == pytest.approx([10.77, 10.77], abs=1e-9)


def test_geometry_round_trip() -> None:
    proj = geo.local_projection(lon=106.70, lat=10.77)
    c = geo.circle(lon=106.70, lat=10.77, radius_m=100.0)
    metric = proj.geometry_to_metric(c)
    assert metric.area == pytest.approx(3.14159 * 100.0**2, rel=0.005)
    back = proj.geometry_to_wgs84(metric)
    assert shapely.equals_exact(back, c, tolerance=1e-9)


def test_projection_is_cached_per_zone() -> None:
    assert geo.local_projection(lon=106.7, lat=10.77) is geo.local_projection(lon=106.0, lat=11.0)
