"""Direction text to heading, per-kind defaults, view cones."""

from __future__ import annotations

import pytest
import shapely

from camroute.cameras.fov import KIND_DEFAULTS, parse_direction_deg, view_cone
from camroute.geo import local_projection


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("307° NW, Hướng về TTTP", 307.0),  # the number written wins over the words
        ("Từ TTTP về Đồ Sơn (130° SE)", 130.0),
        ("Hướng Đông Nam 130 độ", 130.0),  # "độ" is the Vietnamese degree word
        ("Phương hướng: 58° NE; Hướng cam: Hướng về đường 353", 58.0),
        ("272° Tây", 272.0),
        ("0", 0.0),
        (360, 0.0),  # OSM writes 360 for north
        ("360", 0.0),
        (359.5, 359.5),
        ("-90", 270.0),  # negative bearings are taken clockwise modulo 360
        ("45.5°", 45.5),
        ("NW", 315.0),
        ("south", 180.0),
        ("Tây Bắc", 315.0),
        ("north-east", 45.0),
        ("Hướng về TTTP", None),  # words only: unknown, never guessed
        ("Hướng đi Bắc Ninh", None),  # a compass word inside a place name is not a bearing
        ("Toạ độ: 20.721519°N, 106.783750°E", None),  # coordinates, not a bearing
        ("90;160;270", None),  # several cameras or directions in one value
        ("180, 270", None),
        ("190-100", None),  # a range is not one heading
        ("Cam 1: 90°, Cam 2: 270°", None),  # two different bearings
        ("361", None),
        ("400°", None),
        ("", None),
        (None, None),
        (True, None),
        (float("nan"), None),
    ],
)
def test_parse_direction_deg(value: object, expected: float | None) -> None:
    assert parse_direction_deg(value) == expected


@pytest.mark.parametrize(
    ("kind", "hfov_deg", "range_m"),
    [("fixed", 60.0, 100.0), ("ptz", 60.0, 150.0), ("dome_360", 360.0, 50.0)],
)
def test_kind_defaults(kind: str, hfov_deg: float, range_m: float) -> None:
    assert (KIND_DEFAULTS[kind].hfov_deg, KIND_DEFAULTS[kind].range_m) == (hfov_deg, range_m)


def test_only_ptz_pans_by_default() -> None:
    assert (KIND_DEFAULTS["ptz"].pan_min_deg, KIND_DEFAULTS["ptz"].pan_max_deg) == (0.0, 360.0)
    assert KIND_DEFAULTS["fixed"].pan_min_deg is None


def _area_m2(geom: shapely.Geometry, lon: float, lat: float) -> float:
    return float(local_projection(lon=lon, lat=lat).geometry_to_metric(geom).area)


@pytest.mark.parametrize(
    ("kind", "heading", "hfov", "pan", "expected_m2"),
    [
        ("fixed", 90.0, 60.0, (None, None), 3.14159 * 100**2 / 6),  # a 60° pie slice
        ("dome_360", None, 360.0, (None, None), 3.14159 * 100**2),  # the disc
        ("ptz", None, 60.0, (0.0, 360.0), 3.14159 * 100**2),  # pans all round: the disc
        ("ptz", 0.0, 60.0, (0.0, 90.0), 3.14159 * 100**2 / 6),  # limited pan: its lens
    ],
)
def test_view_cone_area(
    kind: str,
    heading: float | None,
    hfov: float,
    pan: tuple[float | None, float | None],
    expected_m2: float,
) -> None:
    cone = view_cone(
        lon=106.7,
        lat=10.77,
        kind=kind,
        heading_deg=heading,
        hfov_deg=hfov,
        range_m=100.0,
        pan_min_deg=pan[0],
        pan_max_deg=pan[1],
    )
    assert cone is not None
    assert _area_m2(cone, 106.7, 10.77) == pytest.approx(expected_m2, rel=0.01)


def test_view_cone_points_its_heading() -> None:
    cone = view_cone(
        lon=106.7, lat=10.77, kind="fixed", heading_deg=180.0, hfov_deg=40.0, range_m=100.0
    )
    assert cone is not None
    assert cone.centroid.y < 10.77
    assert abs(cone.centroid.x - 106.7) < 1e-5


def test_fixed_camera_without_heading_has_no_cone() -> None:
    cone = view_cone(
        lon=106.7, lat=10.77, kind="fixed", heading_deg=None, hfov_deg=60.0, range_m=100.0
    )
    assert cone is None
