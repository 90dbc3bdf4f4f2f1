from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from tests.routing.conftest import NAN, point_at

from camroute.routing import CameraIndex, RouteResult, rank_cameras

# One camera at the origin (local metres), unless the row says otherwise.
# (id, camera overrides, buildings, target x/y, expected visible, expected in_fov)
S45 = math.sin(math.radians(45.0))
GEOMETRY = [
    ("ahead", {}, [], (0.0, 30.0), True, True),
    ("behind the camera", {}, [], (0.0, -30.0), False, False),
    ("exactly at range", {}, [], (0.0, 50.0), True, True),
    ("just past range", {}, [], (0.0, 50.5), False, True),
    ("on the sector edge", {}, [], (30 * S45, 30 * S45), True, True),
    ("just outside the edge", {}, [], (30 * math.sin(0.80), 30 * math.cos(0.80)), False, False),
    ("0/360 wrap inside", {"heading_deg": 350.0, "hfov_deg": 40.0}, [], (5.0, 40.0), True, True),
    (
        "0/360 wrap outside",
        {"heading_deg": 350.0, "hfov_deg": 40.0},
        [],
        (15.0, 30.0),
        False,
        False,
    ),
    ("wall between", {}, [(-5, 14, 5, 16, NAN)], (0.0, 30.0), False, True),
    ("wall beside the line", {}, [(3, 14, 8, 16, NAN)], (0.0, 30.0), True, True),
    ("facade mount", {}, [(-10, -10, 10, 0, NAN)], (0.0, 30.0), True, True),
    ("mount slightly inside", {"y_m": -0.5}, [(-10, -10, 10, 0, NAN)], (0.0, 30.0), True, True),
    (
        "neighbour sharing the wall still blocks",
        {"heading_deg": 45.0},
        [(-10, -10, 0, 0, NAN), (0, 0.3, 20, 10, NAN)],
        (15.0, 15.0),
        False,
        True,
    ),
    (
        "tall camera over low building",
        {"mount_height_m": 20.0},
        [(-5, 10, 5, 12, 3.0)],
        (0.0, 30.0),
        True,
        True,
    ),
    (
        "inside the low building's shadow",
        {"mount_height_m": 20.0},
        [(-5, 10, 5, 12, 3.0)],
        (0.0, 13.5),
        False,
        True,
    ),
    (
        "low camera behind low building",
        {"mount_height_m": 5.0},
        [(-5, 10, 5, 12, 3.0)],
        (0.0, 25.0),
        False,
        True,
    ),
    (
        "past the low building's shadow",
        {"mount_height_m": 5.0},
        [(-5, 10, 5, 12, 3.0)],
        (0.0, 31.0),
        True,
        True,
    ),
    (
        "building as tall as the camera",
        {"mount_height_m": 5.0},
        [(-5, 10, 5, 12, 5.0)],
        (0.0, 45.0),
        False,
        True,
    ),
]


def _index(
    scene: Callable[..., Any], cam: dict[str, Any], boxes: list[Any], *, viewsheds: bool
) -> CameraIndex:
    cams, blds = scene([{"id": "C", **cam}], boxes)
    index = CameraIndex.build(cams, blds)
    return index.with_viewsheds() if viewsheds else index


@pytest.mark.parametrize("viewsheds", [True, False], ids=["viewshed", "line-of-sight"])
@pytest.mark.parametrize(
    ("cam", "boxes", "target", "visible", "in_fov"),
    [row[1:] for row in GEOMETRY],
    ids=[row[0] for row in GEOMETRY],
)
def test_point_visibility(
    scene: Callable[..., Any],
    viewsheds: bool,
    cam: dict[str, Any],
    boxes: list[Any],
    target: tuple[float, float],
    visible: bool,
    in_fov: bool,
) -> None:
    result = rank_cameras(point_at(*target), _index(scene, cam, boxes, viewsheds=viewsheds))
    rows = result.cameras + result.context
    assert [c.camera_id for c in rows] == ["C"]
    row = rows[0]
    assert (row.role == "visible") is visible
    assert row.visible_fraction == (1.0 if visible else 0.0)
    assert row.in_fov is in_fov
    assert row.occluded is (in_fov and row.in_range and not visible)
    assert row.method == (
        "none" if not (in_fov and row.in_range) else ("viewshed" if viewsheds else "samples")
    )


def test_unknown_heading_is_flagged_never_guessed(scene: Callable[..., Any]) -> None:
    result = rank_cameras(
        point_at(0.0, 20.0), _index(scene, {"heading_deg": None}, [], viewsheds=True)
    )
    assert result.cameras == []
    (row,) = result.context
    assert row.in_fov is None
    assert row.heading_known is False
    assert "heading unknown" in row.reason.en
    assert row.view_geojson is None


@pytest.mark.parametrize(
    ("source", "estimated"),
    [("measured", False), ("imported:portal.csv", False), ("assumed", True), ("suggested", True)],
)
def test_estimated_heading_is_said_in_both_languages(
    scene: Callable[..., Any], source: str, estimated: bool
) -> None:
    index = _index(scene, {"heading_source": source}, [], viewsheds=False)
    (row,) = rank_cameras(point_at(0.0, 30.0), index).cameras
    assert row.heading_estimated is estimated
    assert ("estimated heading" in row.reason.en) is estimated
    assert ("hướng ước tính" in row.reason.vi) is estimated


def test_facing_away_on_a_suggested_heading_says_it_is_an_estimate(
    scene: Callable[..., Any],
) -> None:
    index = _index(scene, {"heading_source": "suggested"}, [], viewsheds=False)
    (row,) = rank_cameras(point_at(0.0, -30.0), index).context
    assert row.reason.en == "faces away (30 m away); estimated heading"


def test_turning_camera_has_no_estimated_heading(scene: Callable[..., Any]) -> None:
    index = _index(scene, {"kind": "ptz", "heading_source": "suggested"}, [], viewsheds=False)
    (row,) = rank_cameras(point_at(0.0, -30.0), index).cameras
    assert row.heading_estimated is False


def test_ptz_sees_all_round_with_pan_tilt_zoom(scene: Callable[..., Any]) -> None:
    index = _index(
        scene, {"kind": "ptz", "heading_deg": None, "mount_height_m": 10.0}, [], viewsheds=True
    )
    result = rank_cameras(point_at(-20.0, -20.0, radius_m=5.0), index)
    (row,) = result.cameras
    assert row.pan_deg == pytest.approx(225.0, abs=0.2)
    assert row.tilt_deg == pytest.approx(
        -math.degrees(math.atan2(10.0, math.hypot(20, 20))), abs=0.1
    )
    assert row.hfov_deg == pytest.approx(
        2 * math.degrees(math.atan2(5.0, math.hypot(20, 20))), abs=0.1
    )
    assert row.offset_deg is None
    assert row.visible_fraction == pytest.approx(1.0, abs=1e-3)
    assert "can pan" in row.reason.en


def test_ranking_order_context_and_offline(scene: Callable[..., Any]) -> None:
    cams, blds = scene(
        [
            {"id": "near-partial", "x_m": 0.0, "y_m": 0.0, "hfov_deg": 10.0},
            {"id": "far-full", "x_m": 0.0, "y_m": -15.0, "hfov_deg": 90.0, "range_m": 100.0},
            {"id": "near-full", "x_m": 0.0, "y_m": -5.0, "hfov_deg": 90.0, "range_m": 100.0},
            {"id": "away", "x_m": 5.0, "y_m": 0.0, "heading_deg": 180.0},
            {"id": "down", "x_m": -5.0, "y_m": 0.0, "status": "offline"},
        ]
    )
    index = CameraIndex.build(cams, blds).with_viewsheds()
    result = rank_cameras(point_at(0.0, 30.0, radius_m=10.0), index)
    assert [c.camera_id for c in result.cameras] == ["near-full", "far-full", "near-partial"]
    assert result.cameras[0].visible_fraction == pytest.approx(1.0, abs=1e-3)
    assert 0.0 < result.cameras[2].visible_fraction < 0.5
    assert [c.camera_id for c in result.context] == ["away"]
    assert result.context[0].reason.en.startswith("faces away")
    assert [c.camera_id for c in result.offline] == ["down"]
    assert result.cover.camera_ids[0] == "near-full"
    assert result.cover.combined_fraction == pytest.approx(1.0, abs=1e-3)
    RouteResult.model_validate(result.model_dump())


def test_limit_caps_visible_list(scene: Callable[..., Any]) -> None:
    cams, _ = scene([{"id": f"C{i}", "x_m": float(i), "y_m": 0.0} for i in range(6)])
    result = rank_cameras(point_at(2.0, 20.0), CameraIndex.build(cams), limit=2)
    assert len(result.cameras) == 2
    assert result.considered == 6


def test_nothing_sees_is_a_normal_answer(scene: Callable[..., Any]) -> None:
    cams, _ = scene([{"id": "C", "heading_deg": 180.0}])
    result = rank_cameras(point_at(0.0, 30.0), CameraIndex.build(cams))
    assert result.cameras == []
    assert result.cover.camera_ids == []
    assert result.cover.combined_fraction == 0.0
    assert result.reason.en.startswith("no camera sees")
    assert "không camera nào" in result.reason.vi


def test_empty_index(scene: Callable[..., Any]) -> None:
    cams, _ = scene([])
    result = rank_cameras(point_at(0.0, 0.0), CameraIndex.build(cams))
    assert (result.cameras, result.context, result.offline, result.considered) == ([], [], [], 0)


def test_far_away_camera_is_not_considered(scene: Callable[..., Any]) -> None:
    cams, _ = scene([{"id": "far", "x_m": 5000.0}])
    assert rank_cameras(point_at(0.0, 0.0), CameraIndex.build(cams)).considered == 0


@pytest.mark.parametrize("viewsheds", [True, False], ids=["viewshed", "line-of-sight"])
def test_area_fraction_half_hidden_by_wall(scene: Callable[..., Any], viewsheds: bool) -> None:
    # A tall wall covers the western half of the view: about half the disc is hidden.
    index = _index(
        scene,
        {"hfov_deg": 120.0, "range_m": 100.0},
        [(-30, 20, -0.0, 21, NAN)],
        viewsheds=viewsheds,
    )
    row = rank_cameras(point_at(0.0, 40.0, radius_m=10.0), index).cameras[0]
    assert row.visible_fraction == pytest.approx(0.5, abs=0.05)
    assert row.sector_fraction == pytest.approx(1.0, abs=0.01)
    assert row.occluded is True


def test_view_geojson_is_the_clipped_cone(scene: Callable[..., Any]) -> None:
    index = _index(scene, {}, [(-5, 14, 5, 16, NAN)], viewsheds=True)
    row = rank_cameras(point_at(20.0, 30.0), index).cameras[0]
    assert row.view_geojson is not None
    assert row.view_geojson["type"] in {"Polygon", "MultiPolygon"}
    import shapely

    cone = shapely.geometry.shape(row.view_geojson)
    plain = index.sectors(np.array([0]))[0]
    assert (
        cone.area < index.projection.geometry_to_wgs84(plain).area
    )  # the wall's shadow is cut out
    assert cone.contains(shapely.Point(point_at(20.0, 30.0).lon, point_at(20.0, 30.0).lat))


@pytest.mark.parametrize("viewsheds", [True, False], ids=["viewshed", "line-of-sight"])
def test_polygon_region_is_projected_and_sampled(
    scene: Callable[..., Any], viewsheds: bool
) -> None:
    import shapely
    from tests.routing.conftest import to_lonlat

    from camroute.location import CallerLocation

    ring = [to_lonlat(x, y) for x, y in [(-10, 30), (10, 30), (10, 50), (-10, 50), (-10, 30)]]
    loc = CallerLocation(
        format="geojson",
        shape="polygon",
        lon=to_lonlat(0, 40)[0],
        lat=to_lonlat(0, 40)[1],
        region=shapely.geometry.mapping(shapely.Polygon(ring)),
        uncertainty_m=15.0,
    )
    # A tall wall hides the western half of the square.
    index = _index(
        scene, {"hfov_deg": 120.0, "range_m": 100.0}, [(-30, 20, 0, 21, NAN)], viewsheds=viewsheds
    )
    row = rank_cameras(loc, index).cameras[0]
    assert row.visible_fraction == pytest.approx(0.5, abs=0.05)


def test_too_uncertain_location_is_answered_without_cameras(scene: Callable[..., Any]) -> None:
    cams, _ = scene([{"id": "C"}])
    result = rank_cameras(point_at(0.0, 30.0, radius_m=5000.0), CameraIndex.build(cams))
    assert (result.cameras, result.considered) == ([], 0)
    assert "too uncertain" in result.reason.en


def test_disc_cover_matches_the_polygon_union(scene: Callable[..., Any]) -> None:
    import shapely
    from tests.routing.conftest import X0, Y0

    rng = np.random.default_rng(5)
    rows = [
        {
            "id": f"C{i}",
            "x_m": float(rng.uniform(-60, 60)),
            "y_m": float(rng.uniform(-60, 60)),
            "heading_deg": float(rng.uniform(0, 360)),
            "hfov_deg": float(rng.uniform(50, 120)),
            "range_m": 120.0,
        }
        for i in range(40)
    ]
    walls = [(-20.0, 5.0, -5.0, 25.0, NAN), (8.0, -30.0, 30.0, -18.0, NAN)]
    cams, blds = scene(rows, walls)
    index = CameraIndex.build(cams, blds).with_viewsheds()
    checked = 0
    for x, y in rng.uniform(-30, 30, (30, 2)):
        result = rank_cameras(point_at(float(x), float(y), radius_m=25.0), index, cover_k=3)
        if len(result.cameras) < 2:
            continue
        pos = {cid: i for i, cid in enumerate(index.ids.tolist())}
        views = index.viewsheds[[pos[c] for c in result.cover.camera_ids]]
        disc = shapely.Point(X0 + x, Y0 + y).buffer(25.0, quad_segs=256)
        truth = shapely.area(shapely.intersection(shapely.union_all(views), disc)) / disc.area
        assert result.cover.combined_fraction == pytest.approx(truth, abs=0.03)
        assert result.cover.combined_fraction >= result.cameras[0].visible_fraction - 1e-4
        checked += 1
    assert checked >= 10
