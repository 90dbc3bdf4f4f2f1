"""Listed cameras' values and cones are kept per snapshot, shared safely between answers."""

from __future__ import annotations

import orjson
import pytest
from tests.routing.conftest import NAN, building_frame, camera_frame, point_at

from camroute.routing import CameraIndex, rank_cameras
from camroute.routing.models import ProtectedHit, Reason
from camroute.routing.rows import listed_cameras


def _index() -> CameraIndex:
    cams = camera_frame([{"id": "N", "heading_deg": 0.0}, {"id": "S", "heading_deg": 180.0}])
    return CameraIndex.build(cams, building_frame([(-5.0, 14.0, 5.0, 16.0, NAN)]))


def test_kept_cone_is_the_parsed_bytes_frozen() -> None:
    index = _index().with_viewsheds()
    cone = listed_cameras(index, [0])[0].cone
    assert cone is not None
    parsed = orjson.loads(index.cones[0])
    assert cone["type"] == parsed["type"]
    assert isinstance(cone["coordinates"], tuple)
    assert orjson.dumps(cone) == orjson.dumps(parsed)


def test_changing_an_answer_leaves_the_next_answer_alone() -> None:
    index = _index().with_viewsheds()
    first = rank_cameras(point_at(20.0, 30.0), index).cameras[0].view_geojson
    assert first is not None
    first["type"] = "changed"
    with pytest.raises(AttributeError):
        first["coordinates"][0].append((0.0, 0.0))  # arrays are tuples
    again = rank_cameras(point_at(20.0, 30.0), index).cameras[0].view_geojson
    assert again is not None
    assert again["type"] == "Polygon"
    assert again is not first


def test_a_new_snapshot_lists_its_own_values() -> None:
    index = _index().with_viewsheds()
    assert rank_cameras(point_at(20.0, 30.0), index).cameras[0].protected == []
    hit = ProtectedHit(
        zone_id="Z",
        name="school",
        kind="school",
        policy="never",
        reason=Reason(vi="trường học", en="school"),
    )
    marked = index.with_protected({"N": (hit,)}, zones_key="z")
    assert rank_cameras(point_at(20.0, 30.0), marked).cameras[0].protected == [hit]
    assert rank_cameras(point_at(20.0, 30.0), index).cameras[0].protected == []


def test_protected_rows_are_lists_of_their_own() -> None:
    hit = ProtectedHit(
        zone_id="Z", name="s", kind="school", policy="never", reason=Reason(vi="v", en="e")
    )
    index = _index().with_viewsheds().with_protected({"N": (hit,)}, zones_key="z")
    first = rank_cameras(point_at(20.0, 30.0), index).cameras[0]
    first.protected.clear()
    assert rank_cameras(point_at(20.0, 30.0), index).cameras[0].protected == [hit]
