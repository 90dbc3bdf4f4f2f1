"""Regions: reference points, sizes, refusals (antimeridian, poles, implausible sizes)."""

from __future__ import annotations

import numpy as np
import orjson
import pytest
import shapely
from pyproj import Geod

from camroute import geo
from camroute.location import LocationParseError, regions

GEOD = Geod(ellps="WGS84")


def test_arcband_centroid_is_on_the_bisector_at_the_closed_form_distance() -> None:
    band = regions.arcband_region(
        lon=106.7, lat=10.77, inner_m=1000.0, outer_m=2000.0, start_deg=350.0, opening_deg=20.0
    )
    az, _b, dist = GEOD.inv(106.7, 10.77, band.lon, band.lat)
    half = np.radians(10.0)
    expected = (2 / 3) * (2000**3 - 1000**3) / (2000**2 - 1000**2) * np.sin(half) / half
    assert az == pytest.approx(0.0, abs=1e-6)
    assert dist == pytest.approx(expected, abs=1e-6)


def test_full_circle_arcband_centroid_is_the_antenna() -> None:
    band = regions.arcband_region(
        lon=106.7, lat=10.77, inner_m=100.0, outer_m=200.0, start_deg=0.0, opening_deg=360.0
    )
    assert (band.lon, band.lat) == pytest.approx((106.7, 10.77), abs=1e-9)
    assert band.area_m2 == pytest.approx(np.pi * (200**2 - 100**2), rel=0.005)


def test_polygon_region_orients_ccw_and_measures_area() -> None:
    cw = np.array(
        [[106.69, 10.77], [106.69, 10.78], [106.70, 10.78], [106.70, 10.77], [106.69, 10.77]]
    )
    region = regions.polygon_region(cw, field="p")
    assert shapely.Polygon(region.geometry.exterior).exterior.is_ccw
    assert region.area_m2 == pytest.approx(1093.0 * 1106.0, rel=0.01)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: regions.circle_region(lon=179.9999, lat=0.0, radius_m=50.0), "antimeridian"),
        (lambda: regions.circle_region(lon=0.0, lat=89.99999, radius_m=5000.0), "pole"),
        (
            lambda: regions.ellipse_region(
                lon=0.0, lat=0.0, semi_major_m=10.0, semi_minor_m=11.0, orientation_deg=0.0
            ),
            "semiMinorAxis",
        ),
        (
            lambda: regions.arcband_region(
                lon=0.0, lat=0.0, inner_m=5.0, outer_m=5.0, start_deg=0.0, opening_deg=10.0
            ),
            "innerRadius",
        ),
    ],
)
def test_refusals(call: object, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("ring", "match"),
    [
        ([[0, 0], [1, 1]], "at least 4 positions"),
        ([[0, 0], [1, 1], [0, 0]], "at least 4 positions"),
    ],
)
def test_close_ring_refuses_short_rings(ring: list[list[float]], match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        regions.close_ring(np.asarray(ring, float), field="r", warnings=[])


def test_close_ring_closes_with_a_warning() -> None:
    notes: list[str] = []
    ring = regions.close_ring(
        np.asarray([[0, 0], [1, 0], [1, 1]], float), field="r", warnings=notes
    )
    assert ring.shape == (4, 2)
    assert notes == ["r: ring was not closed; closed it"]


def test_region_wider_than_100_km_is_implausible() -> None:
    ring = np.array([[106.0, 10.0], [108.0, 10.0], [108.0, 12.0], [106.0, 10.0]])
    with pytest.raises(LocationParseError, match="implausible"):
        regions.polygon_region(ring, field="p")


def test_point_with_confidence_drops_it_with_a_warning() -> None:
    loc = regions.to_location(
        regions.point_region(lon=1.0, lat=2.0), fmt="json", extras=regions.Extras(confidence=50.0)
    )
    assert loc.confidence == 95.0
    assert any("confidence ignored" in w for w in loc.warnings)


def test_duplicate_warnings_are_collapsed() -> None:
    extras = regions.Extras(warnings=["a", "b", "a"])
    loc = regions.to_location(
        regions.circle_region(lon=1.0, lat=2.0, radius_m=5.0), fmt="json", extras=extras
    )
    assert loc.warnings == ["a", "b"]


@pytest.mark.parametrize("lat", [-66.5, -33.9, 0.0, 10.77, 21.03, 60.17])
@pytest.mark.parametrize("radius_m", [0.5, 12.3456, 35.0, 999.9995, 25_000.0, 100_000.0])
def test_circle_uncertainty_is_the_measured_farthest_vertex(lat: float, radius_m: float) -> None:
    """A circle takes its radius as its size unmeasured; measuring must agree to the mm."""
    region = regions.circle_region(lon=106.7, lat=lat, radius_m=radius_m)
    measured = geo.max_distance_m(lon=106.7, lat=lat, geom=region.geometry)
    assert region.uncertainty_m == round(measured, 3)


def test_polygon_geojson_matches_geos_with_holes() -> None:
    shell = shapely.Polygon([(106.70, 10.77), (106.71, 10.77), (106.71, 10.78), (106.70, 10.77)])
    holed = shapely.Polygon(
        shell.exterior.coords,
        [[(106.708, 10.771), (106.709, 10.771), (106.709, 10.772), (106.708, 10.771)]],
    )
    for geometry in (shell, holed, shapely.Point(106.7, 10.77)):
        assert regions._geojson(geometry) == orjson.loads(shapely.to_geojson(geometry))
