from __future__ import annotations

import numpy as np
import orjson
import pytest
import shapely
from tests.routing.conftest import NAN, PROJ, building_frame, camera_frame

from camroute.routing import CameraIndex
from camroute.routing.cones import CONE_TOLERANCE_M, cone_texts


def _index() -> CameraIndex:
    cams = camera_frame(
        [
            {"id": "N", "heading_deg": 0.0},
            {"id": "E", "x_m": 40.0, "heading_deg": 90.0},
            {"id": "PTZ", "x_m": -40.0, "kind": "ptz", "hfov_deg": 360.0},
            {"id": "BLIND", "y_m": -40.0, "heading_deg": NAN},  # fixed, heading unknown
        ]
    )
    return CameraIndex.build(cams, building_frame([(-5.0, 14.0, 5.0, 16.0, NAN)]))


def _written_one_by_one(index: CameraIndex, cams: list[int]) -> list[bytes]:
    """The cones written one polygon at a time: simplified, unprojected and written."""
    views = index.views(np.array(cams))
    return [
        shapely.to_geojson(
            index.projection.geometry_to_wgs84(shapely.simplify(v, CONE_TOLERANCE_M)), indent=None
        ).encode()
        for v in views
    ]


def _metric(text: bytes) -> shapely.Geometry:
    return PROJ.geometry_to_metric(shapely.from_geojson(text))


def test_a_cone_drops_nearly_collinear_vertices_and_stays_within_the_tolerance() -> None:
    # A 40 m square whose edges carry a vertex every metre, each 3 cm off the line: what a
    # viewshed's overlay leaves along a building's shadow.
    t = np.arange(40.0)
    wobble = np.where(t % 2 == 0, 0.0, 0.03)
    ring = np.concatenate(
        [
            np.column_stack([t, wobble]),
            np.column_stack([40.0 - wobble, t]),
            np.column_stack([40.0 - t, 40.0 - wobble]),
            np.column_stack([wobble, 40.0 - t]),
        ]
    )
    view = shapely.Polygon(ring)
    [text] = cone_texts(PROJ, np.array([view], dtype=object)).tolist()
    cone = _metric(text)
    assert shapely.get_num_coordinates(view) == 161
    assert shapely.get_num_coordinates(cone) == 5  # the square's corners, closed
    assert shapely.hausdorff_distance(cone, view) < CONE_TOLERANCE_M
    assert cone.is_valid


def test_a_sector_keeps_its_arc_within_the_tolerance() -> None:
    index = _index()  # N: a plain sector, its arc drawn with a vertex every degree or so
    [view] = index.views(np.array([0])).tolist()
    [text] = index.cone_json(np.array([0]))
    assert text is not None
    cone = _metric(text)
    assert 4 < shapely.get_num_coordinates(cone) < shapely.get_num_coordinates(view)
    assert shapely.hausdorff_distance(cone, view) < CONE_TOLERANCE_M
    assert cone.area == pytest.approx(view.area, rel=1e-3)


def test_texts_are_the_same_bytes_as_one_polygon_at_a_time() -> None:
    index = _index().with_viewsheds()
    views = index.views(np.arange(3))
    assert cone_texts(index.projection, views).tolist() == _written_one_by_one(index, [0, 1, 2])


def test_missing_views_stay_missing() -> None:
    views = np.array([None, shapely.box(0.0, 0.0, 1.0, 1.0)], dtype=object)
    texts = cone_texts(PROJ, views)
    assert texts[0] is None
    assert orjson.loads(texts[1])["type"] == "Polygon"


def test_viewshed_cones_are_written_when_the_viewsheds_are_set() -> None:
    index = _index().with_viewsheds()
    assert index.cones[:3].tolist() == _written_one_by_one(index, [0, 1, 2])
    assert index.cones[3] is None  # BLIND can have no viewshed, so none was written


def test_a_sector_cone_is_written_once_then_reused() -> None:
    index = _index()  # no viewsheds yet: the cones are the plain sectors
    first = index.cone_json(np.array([1, 0]))
    assert first == _written_one_by_one(index, [1, 0])
    again = index.cone_json(np.array([0, 1]))
    assert again[0] is first[1]
    assert again[1] is first[0]


def test_a_camera_without_heading_has_no_cone_and_is_remembered() -> None:
    index = _index()
    assert index.cone_json(np.array([3, 0]))[0] is None
    assert index.cones[3] == b""  # looked at once, not again
    assert index.cone_json(np.array([3]))[0] is None


def test_new_viewsheds_replace_the_sector_cones_of_those_cameras_only() -> None:
    before = _index()
    sector = before.cone_json(np.array([0, 1]))
    after = before.with_viewsheds(np.array([0]))
    got = after.cone_json(np.array([0, 1]))
    assert got[0] == _written_one_by_one(after, [0])[0] != sector[0]  # the wall's shadow
    assert got[1] is sector[1]  # E keeps its sector cone
    assert before.cone_json(np.array([0]))[0] is sector[0]  # the old snapshot is unchanged


def test_a_large_registry_writes_cones_when_first_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    from camroute.routing import index as index_module

    monkeypatch.setattr(index_module, "EAGER_CONES_MAX", 2)
    index = _index().with_viewsheds()
    assert index.cones.tolist() == [None] * 4
    assert index.cone_json(np.array([0]))[0] == _written_one_by_one(index, [0])[0]
