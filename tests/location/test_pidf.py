"""PIDF-LO, LoST and NORMAU documents: every shared vector gives its expected result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Geod

from camroute.location import CallerLocation, LocationParseError, NeedsGeocodingError
from camroute.location.pidf import parse_pidf

GEOD = Geod(ellps="WGS84")
Vector = Callable[[str], bytes]


def _vertices(loc: CallerLocation) -> np.ndarray:
    return shapely.get_coordinates(loc.region_geometry())


def _from(lon: float, lat: float, loc: CallerLocation) -> tuple[np.ndarray, np.ndarray]:
    """Bearings (degrees) and distances (metres) from ``lon, lat`` to every region vertex."""
    v = _vertices(loc)
    n = len(v)
    az, _b, dist = GEOD.inv(np.full(n, lon), np.full(n, lat), v[:, 0], v[:, 1])
    return np.mod(az, 360.0), dist


def _area_m2(loc: CallerLocation) -> float:
    return abs(GEOD.geometry_area_perimeter(loc.region_geometry())[0])


# file, shape, lat, lon, uncertainty_m (the radius or semi-major axis), confidence, method
CENTRED = [
    ("pidflo_circle_rfc5491.xml", "circle", 42.5463, -73.2512, 850.24, 95.0, "OTDOA"),
    ("pidflo_circle_with_confidence95.xml", "circle", 41.760537, -88.261914, 50.0, 95.0, "802.11"),
    ("pidflo_sphere_rfc5491.xml", "circle", 42.5463, -73.2512, 850.24, 95.0, "Device-Based_A-GPS"),
    (
        "pidflo_ellipse_rfc5491.xml",
        "ellipse",
        42.5463,
        -73.2512,
        1275.0,
        95.0,
        "Device-Assisted_A-GPS",
    ),
    ("pidflo_ellipsoid_rfc5491.xml", "ellipse", 42.5463, -73.2512, 7.7156, 95.0, "Hybrid_A-GPS"),
    ("constructed_pidflo_circle_hcmc_vi_civic.xml", "circle", 10.7725, 106.698, 35.0, 68.0, "GPS"),
    (
        "pidflo_circle_dynamic_bom_misplaced_method.xml",
        "circle",
        42.5463,
        -73.2512,
        100.0,
        95.0,
        None,
    ),
    (
        "pidflo_device_civic_person_circle_default_ns.xml",
        "circle",
        34.247493,
        -118.791885,
        50.0,
        95.0,
        "802.11",
    ),
    (
        "lost_findService_circle_ems.xml",
        "circle",
        45.4430670070877,
        -68.4977255651657,
        6105.41,
        95.0,
        None,
    ),
    (
        "lost_findService_circle_comma_pos.xml",
        "circle",
        39.09659644585462,
        -76.85609359348999,
        123.12,
        95.0,
        None,
    ),
    (
        "lost_findService_ellipse_orient90.xml",
        "ellipse",
        45.1849969370669,
        -67.8462093244725,
        31961.73,
        95.0,
        None,
    ),
    ("normau_ellipse_readme.xml", "ellipse", 48.884, 2.245, 1600.0, 95.0, None),
]


@pytest.mark.parametrize(
    ("name", "shape", "lat", "lon", "radius_m", "confidence", "method"),
    CENTRED,
    ids=[row[0] for row in CENTRED],
)
def test_centred_shape_parses_exactly(
    vector: Vector,
    name: str,
    shape: str,
    lat: float,
    lon: float,
    radius_m: float,
    confidence: float,
    method: str | None,
) -> None:
    loc = parse_pidf(vector(name))
    assert (loc.format, loc.shape) == ("pidf-lo", shape)
    assert loc.lat == pytest.approx(lat, abs=1e-7)
    assert loc.lon == pytest.approx(lon, abs=1e-7)
    assert loc.uncertainty_m == pytest.approx(radius_m, abs=0.01)
    assert loc.confidence == confidence
    assert loc.method == method


@pytest.mark.parametrize(
    ("name", "a_m", "b_m", "orientation_deg"),
    [
        ("pidflo_ellipse_rfc5491.xml", 1275.0, 670.0, 43.2),
        ("pidflo_ellipsoid_rfc5491.xml", 7.7156, 3.31, 90.0),
        ("lost_findService_ellipse_orient90.xml", 31961.7305901283, 6000.0, 90.0),
        ("normau_ellipse_readme.xml", 1600.0, 1550.0, 142.0),
    ],
)
def test_ellipse_axes_and_long_axis_bearing(
    vector: Vector, name: str, a_m: float, b_m: float, orientation_deg: float
) -> None:
    loc = parse_pidf(vector(name))
    az, dist = _from(loc.lon, loc.lat, loc)
    assert dist.max() == pytest.approx(a_m, abs=0.01)
    assert dist.min() == pytest.approx(b_m, abs=0.01)
    long_axis = az[np.argmax(dist)] % 180.0
    assert long_axis == pytest.approx(orientation_deg % 180.0, abs=0.01)


def test_rfc5491_ellipse_area_and_ne_sw_axis(vector: Vector) -> None:
    loc = parse_pidf(vector("pidflo_ellipse_rfc5491.xml"))
    assert _area_m2(loc) / 1e6 == pytest.approx(2.68, abs=0.01)
    az, dist = _from(loc.lon, loc.lat, loc)
    far = az[dist > 1274.99]
    assert sorted(set(np.round(far, 2).tolist())) == [43.2, 223.2]


def test_circle_area_within_half_percent_of_pi_r2(vector: Vector) -> None:
    loc = parse_pidf(vector("pidflo_circle_rfc5491.xml"))
    _az, dist = _from(loc.lon, loc.lat, loc)
    assert np.allclose(dist, 850.24, atol=0.01)
    assert _area_m2(loc) == pytest.approx(np.pi * 850.24**2, rel=0.005)


# name, antenna lat, lon, inner, outer, start, opening, centroid lat, lon, cover r, area km²
ARCBANDS = [
    (
        "pidflo_arcband_rfc5491.xml",
        (-43.5723, 153.2176, 3594.0, 4148.0, 20.0, 20.0),
        (-43.542226, 153.241467, 755.0, 0.749),
    ),
    (
        "lost_findService_arcband_cellsector.xml",
        (46.6590717387414, -69.1017379617961, 0.0, 42304.4692422285, 105.600837806612, 90.0),
        (46.459953, -68.939480, 30300.0, 1406.0),
    ),
    (
        "normau_arcband_sample.xml",
        (47.9178089, 1.8935533, 1661.55, 2215.4, 266.0, 120.0),
        (47.929843, 1.881475, 1984.0, 2.25),
    ),
]


@pytest.mark.parametrize(("name", "given", "expected"), ARCBANDS, ids=[r[0] for r in ARCBANDS])
def test_arcband_geometry(
    vector: Vector,
    name: str,
    given: tuple[float, ...],
    expected: tuple[float, ...],
) -> None:
    lat0, lon0, inner_m, outer_m, start_deg, opening_deg = given
    c_lat, c_lon, cover_m, area_km2 = expected
    loc = parse_pidf(vector(name))
    assert loc.shape == "arcband"
    assert (loc.lat, loc.lon) == pytest.approx((c_lat, c_lon), abs=1e-6)
    assert loc.uncertainty_m == pytest.approx(cover_m, rel=0.005)
    assert _area_m2(loc) / 1e6 == pytest.approx(area_km2, rel=0.01)
    az, dist = _from(lon0, lat0, loc)
    outer = dist > 1.0  # the apex of a pie slice sits on the antenna
    assert dist[outer].max() == pytest.approx(outer_m, abs=0.01)
    assert dist[outer].min() == pytest.approx(inner_m or outer_m, abs=0.01)
    rel = np.mod(az[outer] - start_deg + 180.0, 360.0) - 180.0  # start lands at 0, not 360
    assert rel.min() == pytest.approx(0.0, abs=0.01)
    assert rel.max() == pytest.approx(opening_deg, abs=0.01)


@pytest.mark.parametrize(
    ("name", "lat", "lon", "cover_m", "area_km2", "n_vertices"),
    [
        ("pidflo_polygon_pos_rfc5491.xml", 43.269296, -73.272000, 18050.0, 541.0, 7),
        ("pidflo_polygon_poslist_rfc5491.xml", 43.269296, -73.272000, 18050.0, 541.0, 7),
        ("normau_polygon_poslist_readme.xml", 48.867122, 2.354871, 1194.0, 3.34, 7),
        ("lost_findService_polygon_unclosed.xml", 39.096563, -76.856152, 70.0, 0.004842, 6),
        ("pidflo_prism_rfc5491.xml", 42.606842, -73.298157, None, 91.2, 5),
    ],
)
def test_polygon_is_ccw_with_its_centroid(
    vector: Vector,
    name: str,
    lat: float,
    lon: float,
    cover_m: float | None,
    area_km2: float,
    n_vertices: int,
) -> None:
    loc = parse_pidf(vector(name))
    region = loc.region_geometry()
    assert loc.shape == "polygon"
    assert region.exterior.is_ccw
    assert len(region.exterior.coords) == n_vertices
    assert (loc.lat, loc.lon) == pytest.approx((lat, lon), abs=1e-6)
    assert _area_m2(loc) / 1e6 == pytest.approx(area_km2, rel=0.005)
    if cover_m is not None:
        assert loc.uncertainty_m == pytest.approx(cover_m, rel=0.005)


def test_polygon_vertices_are_the_given_positions(vector: Vector) -> None:
    loc = parse_pidf(vector("pidflo_polygon_pos_rfc5491.xml"))
    given = {(-73.422, 43.311), (-73.322, 43.111), (-73.222, 43.111)}
    given |= {(-73.122, 43.311), (-73.222, 43.411), (-73.322, 43.411)}
    got = {(round(x, 7), round(y, 7)) for x, y in loc.region_geometry().exterior.coords}
    assert got == given


@pytest.mark.parametrize(
    ("name", "lat", "lon", "altitude_m"),
    [
        ("lost_findService_point.xml", 40.71668300756087, -73.99069756654683, None),
        ("pidflo_point_nyc_from_sip_invite.xml", 40.71668300756087, -73.99069756654683, None),
        ("pidflo_point_confidence66_asterisk.xml", -34.410649, 150.87651, None),
        ("pidflo_point_rfc4119_legacy_gmlcoordinates.xml", 37.775, -122.4194444, None),
    ],
)
def test_point_has_no_region(
    vector: Vector, name: str, lat: float, lon: float, altitude_m: float | None
) -> None:
    loc = parse_pidf(vector(name))
    assert loc.shape == "point"
    assert loc.region["type"] == "Point"
    assert loc.region["coordinates"] == pytest.approx([lon, lat], abs=1e-7)
    assert loc.uncertainty_m == 0.0
    assert loc.altitude_m == altitude_m
    assert any("uncertainty unknown" in w for w in loc.warnings)


@pytest.mark.parametrize(
    ("name", "warning"),
    [
        ("pidflo_point_confidence66_asterisk.xml", "confidence ignored"),
        ("pidflo_point_nyc_from_sip_invite.xml", "in the future"),
        ("pidflo_point_rfc4119_legacy_gmlcoordinates.xml", "legacy RFC 4119"),
        ("pidflo_circle_dynamic_bom_misplaced_method.xml", "byte order mark"),
        ("pidflo_circle_dynamic_bom_misplaced_method.xml", "method: element outside"),
        ("lost_findService_circle_comma_pos.xml", "commas in coordinates"),
        ("lost_findService_circle_comma_pos.xml", "GML namespace"),
        ("lost_findService_polygon_unclosed.xml", "not closed"),
        ("pidflo_prism_rfc5491.xml", "implausibly large"),
        ("normau_arcband_sample.xml", "no PIDF-LO wrapper"),
        ("pidflo_multi_location_all_shapes_asterisk.xml", "3-D CRS on a 2-D shape"),
    ],
)
def test_harmless_deviation_is_accepted_with_a_warning(
    vector: Vector, name: str, warning: str
) -> None:
    loc = parse_pidf(vector(name))
    assert any(warning in w for w in loc.warnings), loc.warnings


def test_clean_document_has_no_warnings(vector: Vector) -> None:
    assert parse_pidf(vector("pidflo_circle_rfc5491.xml")).warnings == []


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("pidflo_garbled_body_must_reject.xml", "not well-formed"),
        ("normau_polygon_undeclared_prefix_must_reject.xml", "unbound prefix"),
        ("constructed_pidflo_point_lonlat_swapped_hcmc.xml", r"latitude 106\.698 .*swapped"),
        ("constructed_pidflo_xxe_must_reject.xml", "DTDs"),
        ("constructed_pidflo_billion_laughs_must_reject.xml", "DTDs"),
        ("lost_findService_arcband_gmlns.xml", r"startAngle: angle uom .*9002"),
        ("lost_findService_ellipse_minor_gt_major.xml", r"uom .*9002|semiMinorAxis"),
        ("lost_findServiceResponse_nypd.xml", "no caller location"),
    ],
)
def test_must_reject_vector_is_refused(vector: Vector, name: str, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        parse_pidf(vector(name))


@pytest.mark.parametrize(
    ("name", "civic"),
    [
        (
            "pidflo_civic_rfc4119_example.xml",
            {
                "country": "US",
                "A1": "New York",
                "A3": "New York",
                "RD": "Broadway",
                "HNO": "123",
                "LOC": "Suite 75",
                "PC": "10027-0401",
            },
        ),
        (
            "lost_findService_civic.xml",
            {
                "country": "US",
                "A1": "Maryland",
                "A3": "Laurel",
                "RD": "Fairlawn Avenue",
                "HNO": "1009",
                "PC": "20707",
            },
        ),
    ],
)
def test_civic_only_document_needs_geocoding(
    vector: Vector, name: str, civic: dict[str, str]
) -> None:
    with pytest.raises(NeedsGeocodingError) as info:
        parse_pidf(vector(name))
    assert info.value.civic == civic
    assert info.value.to_problem()["civic"] == civic


def test_vietnamese_civic_and_offset_timestamp(vector: Vector) -> None:
    loc = parse_pidf(vector("constructed_pidflo_circle_hcmc_vi_civic.xml"))
    assert loc.civic == {
        "lang": "vi",
        "country": "VN",
        "A1": "Thành phố Hồ Chí Minh",
        "A3": "Phường Bến Thành",
        "RD": "Lê Lợi",
        "HNO": "1",
    }
    assert loc.time == datetime(2025, 7, 1, 1, 0, tzinfo=UTC)
    assert loc.time is not None
    assert loc.time.utcoffset() is not None


def test_device_civic_kept_beside_person_circle(vector: Vector) -> None:
    loc = parse_pidf(vector("pidflo_device_civic_person_circle_default_ns.xml"))
    assert loc.civic is not None
    assert loc.civic["A3"] == "Simi Valley"
    assert loc.civic["RD"] == "Stonebrook"


def test_multi_location_keeps_the_most_precise_and_the_civic(vector: Vector) -> None:
    loc = parse_pidf(vector("pidflo_multi_location_all_shapes_asterisk.xml"))
    # The ~80 m² Ellipsoid is the smallest region among the 13 geodetic objects.
    assert loc.shape == "ellipse"
    assert loc.altitude_m == 26.3
    assert loc.method == "Hybrid_A-GPS"
    assert _area_m2(loc) == pytest.approx(80.2, abs=0.5)
    assert any("13 location objects" in w for w in loc.warnings)
    assert loc.civic is not None
    assert loc.civic["NAM"] == "Video Rental Store"
    assert loc.civic["A4"] == "North Wollongong"


def test_sphere_keeps_its_altitude(vector: Vector) -> None:
    assert parse_pidf(vector("pidflo_sphere_rfc5491.xml")).altitude_m == 26.3


def test_prism_altitude_is_its_base_level(vector: Vector) -> None:
    assert parse_pidf(vector("pidflo_prism_rfc5491.xml")).altitude_m == 36.6


def _circle_doc(**over: Any) -> bytes:
    values = {
        "srs": "urn:ogc:def:crs:EPSG::4326",
        "pos": "10.7725 106.698",
        "radius": "35",
        "uom": ' uom="urn:ogc:def:uom:EPSG::9001"',
        "conf": "",
    }
    values.update(over)
    return (
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
        'xmlns:gml="http://www.opengis.net/gml" xmlns:gs="http://www.opengis.net/pidflo/1.0" '
        'xmlns:con="urn:ietf:params:xml:ns:geopriv:conf" entity="pres:x@example.vn">'
        '<tuple id="t"><status><gp:geopriv><gp:location-info>'
        f'<gs:Circle srsName="{values["srs"]}"><gml:pos>{values["pos"]}</gml:pos>'
        f"<gs:radius{values['uom']}>{values['radius']}</gs:radius></gs:Circle>{values['conf']}"
        "</gp:location-info><gp:method>GPS</gp:method></gp:geopriv></status>"
        "<timestamp>2025-07-01T01:00:00Z</timestamp></tuple></presence>"
    ).encode()


def test_circle_template_parses() -> None:
    loc = parse_pidf(_circle_doc())
    assert (loc.lat, loc.lon, loc.method) == (10.7725, 106.698, "GPS")
    assert loc.time == datetime(2025, 7, 1, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("over", "match"),
    [
        ({"srs": "EPSG:4326"}, "srsName"),
        ({"srs": "urn:ogc:def:crs:OGC::CRS84"}, "srsName"),
        ({"srs": "urn:ogc:def::crs:EPSG::4326"}, "srsName"),
        ({"pos": "10.7725"}, "do not form 2-D positions"),
        ({"pos": "nan 106.698"}, "not a decimal number"),
        ({"pos": "1e309 106.698"}, "not a finite number"),
        ({"pos": "10.7725 ١٠٦"}, "not a decimal number"),
        ({"pos": "10.7725 181"}, "longitude 181"),
        ({"radius": "0"}, "must be > 0"),
        ({"radius": "-5"}, "must be > 0"),
        ({"radius": "250000"}, "implausible"),
        ({"radius": "1_000"}, "not a decimal number"),
        ({"uom": ' uom="urn:ogc:def:uom:EPSG::9002"'}, "not metres"),
        ({"conf": '<con:confidence pdf="normal">101</con:confidence>'}, r"confidence 101\.0"),
        ({"conf": '<con:confidence pdf="normal">0</con:confidence>'}, "confidence 0"),
    ],
)
def test_bad_circle_is_refused_naming_the_field(over: dict[str, str], match: str) -> None:
    with pytest.raises(LocationParseError, match=match) as info:
        parse_pidf(_circle_doc(**over))
    assert info.value.field


def test_missing_length_uom_assumes_metres_with_warning() -> None:
    loc = parse_pidf(_circle_doc(uom=""))
    assert loc.uncertainty_m == pytest.approx(35.0, abs=0.01)
    assert any("no uom" in w for w in loc.warnings)


def test_confidence_is_read_from_location_info() -> None:
    loc = parse_pidf(_circle_doc(conf='<con:confidence pdf="normal">68</con:confidence>'))
    assert loc.confidence == 68.0


def _shape_doc(inner: str, srs: str = "urn:ogc:def:crs:EPSG::4326") -> bytes:
    return (
        '<gs:ArcBand xmlns:gs="http://www.opengis.net/pidflo/1.0" '
        f'xmlns:gml="http://www.opengis.net/gml" srsName="{srs}">{inner}</gs:ArcBand>'
    ).encode()


def _arc(start: str, opening: str, uom: str = "9102", inner: str = "100") -> bytes:
    return _shape_doc(
        "<gml:pos>10.77 106.70</gml:pos>"
        f'<gs:innerRadius uom="urn:ogc:def:uom:EPSG::9001">{inner}</gs:innerRadius>'
        '<gs:outerRadius uom="urn:ogc:def:uom:EPSG::9001">300</gs:outerRadius>'
        f'<gs:startAngle uom="urn:ogc:def:uom:EPSG::{uom}">{start}</gs:startAngle>'
        f'<gs:openingAngle uom="urn:ogc:def:uom:EPSG::{uom}">{opening}</gs:openingAngle>'
    )


def test_radians_equal_degrees() -> None:
    degrees = parse_pidf(_arc("90", "45"))
    radians = parse_pidf(_arc(str(np.pi / 2), str(np.pi / 4), uom="9101"))
    assert (radians.lat, radians.lon) == pytest.approx((degrees.lat, degrees.lon), abs=1e-9)


def test_arcband_wrapping_through_north_has_its_centroid_north() -> None:
    loc = parse_pidf(_arc("330", "60"))
    assert loc.lat > 10.77
    assert loc.lon == pytest.approx(106.70, abs=1e-9)


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        (_arc("20", "0"), r"openingAngle: 0\.0 degrees"),
        (_arc("20", "361"), "openingAngle"),
        (_arc("20", "20", inner="300"), "innerRadius: 300.0 m is not below"),
        (_arc("20", "20", uom="9001"), "neither degrees"),
        (_shape_doc("<gml:pos>10.77 106.70</gml:pos>"), "innerRadius: missing"),
    ],
)
def test_bad_arcband_is_refused(doc: bytes, match: str) -> None:
    with pytest.raises(LocationParseError, match=match):
        parse_pidf(doc)


def test_self_intersecting_polygon_is_refused() -> None:
    doc = (
        b'<gml:Polygon xmlns:gml="http://www.opengis.net/gml" '
        b'srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>'
        b"47.9178089 1.8935533 47.9178089 1.9035533 47.9278089 1.9035533 47.9078089 1.8935533"
        b"</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
    )
    with pytest.raises(LocationParseError, match="not valid"):
        parse_pidf(doc)


def test_document_without_location_is_refused() -> None:
    doc = (
        b'<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:x@y">'
        b'<tuple id="a"/></presence>'
    )
    with pytest.raises(LocationParseError, match="no location"):
        parse_pidf(doc)
