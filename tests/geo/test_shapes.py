"""Shape builders: sizes and orientations measured in metres on the ellipsoid."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from camroute import geo

GEOD = Geod(ellps="WGS84")
PLACES = [(106.70, 10.77), (108.224, 16.068), (-73.2512, 42.5463), (24.94, 60.17), (0.0, 0.0)]


def _area_m2(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def _from(lon: float, lat: float, geom: shapely.Geometry) -> tuple[np.ndarray, np.ndarray]:
    xy = shapely.get_coordinates(geom)
    n = len(xy)
    az, _b, dist = GEOD.inv(np.full(n, lon), np.full(n, lat), xy[:, 0], xy[:, 1])
    return np.mod(az, 360.0), dist


@pytest.mark.parametrize(("lon", "lat"), PLACES)
@pytest.mark.parametrize("radius_m", [1.0, 35.0, 850.24, 20_000.0])
def test_circle_area_within_half_percent_of_pi_r2(lon: float, lat: float, radius_m: float) -> None:
    c = geo.circle(lon=lon, lat=lat, radius_m=radius_m)
    assert c.is_valid
    assert _area_m2(c) == pytest.approx(np.pi * radius_m**2, rel=0.005)
    _az, dist = _from(lon, lat, c)
    assert np.allclose(dist, radius_m, atol=1e-6)


@pytest.mark.parametrize("bad", [0.0, -5.0, float("nan"), float("inf")])
def test_circle_refuses_bad_radius(bad: float) -> None:
    with pytest.raises(ValueError, match="radius_m"):
        geo.circle(lon=0.0, lat=0.0, radius_m=bad)


@pytest.mark.parametrize(("lon", "lat"), PLACES)
@pytest.mark.parametrize("orientation_deg", [0.0, 43.2, 90.0, 142.0, 270.0, 359.9])
def test_ellipse_long_axis_points_along_orientation(
    lon: float, lat: float, orientation_deg: float
) -> None:
    e = geo.ellipse(
        lon=lon, lat=lat, semi_major_m=1275.0, semi_minor_m=670.0, orientation_deg=orientation_deg
    )
    az, dist = _from(lon, lat, e)
    assert dist.max() == pytest.approx(1275.0, abs=1e-6)
    assert dist.min() == pytest.approx(670.0, abs=1e-6)
    long_axis = az[np.argmax(dist)]
    diff = float(geo.angle_diff_deg(long_axis, orientation_deg))
    assert min(abs(diff), 180.0 - abs(diff)) == pytest.approx(0.0, abs=0.01)
    assert _area_m2(e) == pytest.approx(np.pi * 1275.0 * 670.0, rel=0.005)


def test_ellipse_short_axis_is_perpendicular() -> None:
    e = geo.ellipse(lon=0.0, lat=0.0, semi_major_m=100.0, semi_minor_m=10.0, orientation_deg=30.0)
    az, dist = _from(0.0, 0.0, e)
    short = az[np.argmin(dist)]
    assert (
        min(
            abs(float(geo.angle_diff_deg(short, 120.0))),
            abs(float(geo.angle_diff_deg(short, 300.0))),
        )
        < 0.01
    )


@pytest.mark.parametrize(
    ("start_deg", "opening_deg"),
    [(20.0, 20.0), (266.0, 120.0), (350.0, 20.0), (0.0, 360.0), (105.6, 90.0)],
)
@pytest.mark.parametrize("inner_m", [0.0, 100.0])
def test_arc_band_spans_its_radii_and_bearings(
    start_deg: float, opening_deg: float, inner_m: float
) -> None:
    band = geo.arc_band(
        lon=106.7,
        lat=10.77,
        inner_m=inner_m,
        outer_m=300.0,
        start_deg=start_deg,
        opening_deg=opening_deg,
    )
    assert band.is_valid
    az, dist = _from(106.7, 10.77, band)
    away = dist > 1e-3
    assert dist.max() == pytest.approx(300.0, abs=1e-6)
    if inner_m:
        assert dist[away].min() == pytest.approx(inner_m, abs=1e-6)
    if opening_deg < 360.0:
        rel = np.mod(az[away] - start_deg + 1e-9, 360.0)
        assert rel.max() == pytest.approx(opening_deg, abs=1e-6)
    expected = np.pi * (300.0**2 - inner_m**2) * opening_deg / 360.0
    assert _area_m2(band) == pytest.approx(expected, rel=0.005)


@pytest.mark.parametrize(
    ("inner_m", "outer_m", "opening_deg", "match"),
    [
        (300.0, 300.0, 20.0, "inner_m"),
        (-1.0, 300.0, 20.0, "inner_m"),
        (0.0, 300.0, 0.0, "opening_deg"),
        (0.0, 300.0, 361.0, "opening_deg"),
        (0.0, 0.0, 20.0, "outer_m"),
    ],
)
def test_arc_band_refuses(inner_m: float, outer_m: float, opening_deg: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        geo.arc_band(
            lon=0.0,
            lat=0.0,
            inner_m=inner_m,
            outer_m=outer_m,
            start_deg=0.0,
            opening_deg=opening_deg,
        )


@pytest.mark.parametrize(
    ("heading_deg", "north", "east"),
    [(0.0, True, None), (90.0, None, True), (180.0, False, None), (270.0, None, False)],
)
def test_sector_looks_along_its_heading(
    heading_deg: float, north: bool | None, east: bool | None
) -> None:
    s = geo.sector(lon=106.7, lat=10.77, heading_deg=heading_deg, hfov_deg=60.0, range_m=100.0)
    c = s.centroid
    if north is not None:
        assert (c.y > 10.77) is north
    if east is not None:
        assert (c.x > 106.7) is east
    assert s.contains(shapely.Point(*GEOD.fwd(106.7, 10.77, heading_deg, 50.0)[:2]))
    assert not s.contains(shapely.Point(*GEOD.fwd(106.7, 10.77, heading_deg + 180.0, 50.0)[:2]))


def test_sector_across_north_wraps() -> None:
    s = geo.sector(lon=106.7, lat=10.77, heading_deg=350.0, hfov_deg=40.0, range_m=100.0)
    assert s.contains(shapely.Point(*GEOD.fwd(106.7, 10.77, 5.0, 50.0)[:2]))
    assert s.contains(shapely.Point(*GEOD.fwd(106.7, 10.77, 335.0, 50.0)[:2]))
    assert not s.contains(shapely.Point(*GEOD.fwd(106.7, 10.77, 15.0, 50.0)[:2]))


def test_sector_at_exact_range_edge() -> None:
    s = geo.sector(lon=106.7, lat=10.77, heading_deg=0.0, hfov_deg=60.0, range_m=100.0)
    assert s.contains(shapely.Point(*GEOD.fwd(106.7, 10.77, 0.0, 99.9)[:2]))
    assert not s.contains(shapely.Point(*GEOD.fwd(106.7, 10.77, 0.0, 100.1)[:2]))


def test_full_circle_sector_is_a_disc() -> None:
    s = geo.sector(lon=106.7, lat=10.77, heading_deg=0.0, hfov_deg=360.0, range_m=100.0)
    assert _area_m2(s) == pytest.approx(np.pi * 100.0**2, rel=0.005)


def test_max_distance_of_empty_geometry_is_zero() -> None:
    assert geo.max_distance_m(lon=0.0, lat=0.0, geom=shapely.Polygon()) == 0.0


def test_max_distance_is_geodesic_metres() -> None:
    # 0.01 degrees of longitude at 60 N is about half the metres it is at the equator.
    at_equator = geo.max_distance_m(lon=0.0, lat=0.0, geom=shapely.Point(0.01, 0.0))
    at_60n = geo.max_distance_m(lon=0.0, lat=60.0, geom=shapely.Point(0.01, 60.0))
    assert at_equator == pytest.approx(1113.19, abs=0.01)
    assert at_60n / at_equator == pytest.approx(0.5, abs=0.003)
