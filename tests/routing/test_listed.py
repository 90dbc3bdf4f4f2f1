"""Listed cameras' values and cones are kept per snapshot, shared safely between answers."""

from __future__ import annotations

import numpy as np
import orjson
import pytest
import shapely
from tests.routing.conftest import NAN, building_frame, camera_frame, point_at

from camroute.routing import CameraIndex, rank_cameras, rows
from camroute.routing import index as index_module
from camroute.routing.models import ProtectedHit, Reason
from camroute.routing.rows import listed_cameras, listed_ids, prime_listed


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


def test_priming_makes_the_values_a_query_would_make() -> None:
    primed, fresh = _index().with_viewsheds(), _index().with_viewsheds()
    assert prime_listed(primed) == 2
    assert sorted(primed.listed_memo.keys()) == [0, 1]
    assert listed_cameras(primed, [0, 1]) == listed_cameras(fresh, [0, 1])
    here = point_at(20.0, 30.0)
    assert rank_cameras(here, primed) == rank_cameras(here, fresh)


def test_priming_leaves_cameras_without_a_viewshed_to_their_first_listing() -> None:
    bare = _index()
    assert prime_listed(bare) == 0
    assert bare.listed_memo.keys() == []
    half = _index().with_viewsheds(np.array([1]))
    assert prime_listed(half) == 1
    assert half.listed_memo.keys() == [1]


def test_where_more_cameras_have_viewsheds_than_the_memo_keeps_the_recent_go_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rows, "LISTED_MAX", 1)
    plain, recent = _index().with_viewsheds(), _index().with_viewsheds()
    assert prime_listed(plain) == 1
    assert listed_ids(plain) == ["N"]  # the first row
    previous = CameraIndex.build(camera_frame([{"id": "gone"}, {"id": "S"}])).with_viewsheds()
    listed_cameras(previous, [0, 1])  # "S" listed last: the most recent
    assert prime_listed(recent, previous=previous) == 1
    assert listed_ids(recent) == ["S"]  # the previous snapshot's, and still in this one


def _two(name_n: str = "camera 0") -> CameraIndex:
    cams = camera_frame(
        [{"id": "N", "heading_deg": 0.0, "name": name_n}, {"id": "S", "heading_deg": 180.0}]
    )
    return CameraIndex.build(cams, building_frame([(-5.0, 14.0, 5.0, 16.0, NAN)]))


def test_a_rebuilt_snapshot_shares_the_previous_ones_cones_but_lists_its_own_values() -> None:
    previous = _two().with_viewsheds()
    prime_listed(previous)
    rebuilt = _two(name_n="renamed").with_viewsheds()  # from the store again: new bytes
    assert rebuilt.cones[0] is not previous.cones[0]
    assert prime_listed(rebuilt, previous=previous) == 2
    before, after = listed_cameras(previous, [0, 1]), listed_cameras(rebuilt, [0, 1])
    assert [a.cone is b.cone for a, b in zip(before, after, strict=True)] == [True, True]
    assert (before[0].name, after[0].name) == ("camera 0", "renamed")


def test_a_camera_whose_cone_changed_gets_its_new_cone() -> None:
    previous = _two().with_viewsheds()
    prime_listed(previous)
    wider = shapely.Point(float(previous.x[1]), float(previous.y[1])).buffer(30.0)
    changed = previous.with_given_viewsheds(np.array([1]), np.array([wider], dtype=object))
    prime_listed(changed, previous=previous)
    before, after = listed_cameras(previous, [0, 1]), listed_cameras(changed, [0, 1])
    assert after[0].cone is before[0].cone  # N is unchanged
    assert after[1].cone is not before[1].cone
    assert orjson.dumps(after[1].cone) == orjson.dumps(orjson.loads(changed.cones[1]))
    assert orjson.dumps(after[1].cone) != orjson.dumps(before[1].cone)


def test_rows_without_views_carry_no_cone_even_when_kept() -> None:
    index = _index().with_viewsheds()
    prime_listed(index)
    here = point_at(20.0, 30.0)
    bare = rank_cameras(here, index, include_views=False)
    assert [c.view_geojson for c in [*bare.cameras, *bare.context]] == [None, None]
    assert rank_cameras(here, index).cameras[0].view_geojson is not None


def test_cones_are_shared_by_camera_not_by_row_and_match_their_own_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(index_module, "EAGER_CONES_MAX", 0)  # a big city: cones written lazily
    previous = _two().with_viewsheds()
    prime_listed(previous)
    rows = [
        {"id": "X", "heading_deg": 90.0, "x_m": 40.0},
        {"id": "S", "heading_deg": 180.0},
        {"id": "N", "heading_deg": 0.0},
    ]
    walls = building_frame([(-5.0, 14.0, 5.0, 16.0, NAN)])
    rebuilt = CameraIndex.build(camera_frame(rows), walls).with_viewsheds()  # new rows
    assert rebuilt.cones[0] is None  # not written until listed
    assert prime_listed(rebuilt, previous=previous) == 3
    old = {c.camera_id: c.cone for c in listed_cameras(previous, [0, 1])}
    new = listed_cameras(rebuilt, [0, 1, 2])
    assert [c.camera_id for c in new] == ["X", "S", "N"]
    assert [c.cone is old.get(c.camera_id) for c in new] == [False, True, True]
    for row, c in enumerate(new):
        assert orjson.dumps(c.cone) == orjson.dumps(orjson.loads(rebuilt.cones[row]))
