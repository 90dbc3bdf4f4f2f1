from __future__ import annotations

import pytest

from camroute.cameras.headings.network import StreetNetwork
from camroute.cameras.headings.suggest import CameraSite, suggest_headings
from camroute.geo import angle_diff_deg

from .conftest import line, lonlat


def site(name: str | None, east_m: float, north_m: float, **extra: object) -> CameraSite:
    lon, lat = lonlat(east_m, north_m)
    return CameraSite(id="c1", name=name, lon=lon, lat=lat, **extra)  # type: ignore[arg-type]


def rounded(headings: list[float]) -> list[int]:
    return sorted(round(h) % 360 for h in headings)


def test_corner_camera_gets_both_ways_along_both_named_streets(grid: StreetNetwork) -> None:
    found = suggest_headings(site("Lê Lợi - Nguyễn Huệ", 6, 4), grid)
    assert rounded([s.heading_deg for s in found.suggestions]) == [0, 90, 180, 270]
    assert {s.along for s in found.suggestions} == {"corner"}


def test_corner_camera_ranks_the_street_it_stands_on_first(grid: StreetNetwork) -> None:
    # 3 m north of Lê Lợi, 25 m east of Nguyễn Huệ: it stands on Lê Lợi
    found = suggest_headings(site("Nguyễn Huệ - Lê Lợi", 25, 3), grid)
    first_two = found.suggestions[:2]
    assert {s.street for s in first_two} == {"Đường Lê Lợi"}
    assert rounded([s.heading_deg for s in first_two]) == [90, 270]
    assert found.suggestions[2].score < first_two[1].score


def test_mid_block_camera_looks_along_its_street(grid: StreetNetwork) -> None:
    found = suggest_headings(site("Nguyễn Huệ 36", 5, 150), grid)
    assert rounded([s.heading_deg for s in found.suggestions]) == [0, 180]
    assert all(s.along == "street" and s.street == "Nguyễn Huệ" for s in found.suggestions)


def test_no_street_within_the_radius_gives_no_suggestion(grid: StreetNetwork) -> None:
    found = suggest_headings(site("Lê Lợi - Nguyễn Huệ", 500, 500), grid)
    assert found.suggestions == []
    assert found.best is None


def test_street_end_offers_no_view_beyond_it(grid: StreetNetwork) -> None:
    # 3 m past the south end of Đồng Khởi (which ends at north -200)
    found = suggest_headings(site("Đồng Khởi", 1000, -203), grid)
    assert rounded([s.heading_deg for s in found.suggestions]) == [0]


def test_osm_eth_spelling_matches_the_camera_name(grid: StreetNetwork) -> None:
    # the stored street is "Ðồng Khởi" with U+00D0; the camera writes "Đồng Khởi"
    found = suggest_headings(site("Đồng Khởi - Lê Thánh Tôn", 1004, 0), grid)
    assert found.suggestions[0].street == "Ðồng Khởi"
    assert found.suggestions[0].along == "corner"


def test_unmentioned_street_scores_below_a_named_one(grid: StreetNetwork) -> None:
    found = suggest_headings(site("Nguyễn Huệ 12", 10, 10), grid)
    by_street = {s.street: s for s in found.suggestions}
    assert by_street["Nguyễn Huệ"].score > 2 * by_street["Đường Lê Lợi"].score
    assert by_street["Đường Lê Lợi"].along == "nearby"


def test_footway_ranks_below_a_road_at_the_same_distance() -> None:
    net = StreetNetwork.build(
        names=["Lê Lợi", "Lối đi bộ"],
        lines=[line((-300, 0), (300, 0)), line((20, -300), (20, 300))],
        classes=["primary", "footway"],
    )
    found = suggest_headings(site(None, 0, 20), net)  # 20 m from both
    road = max(s.score for s in found.suggestions if s.street == "Lê Lợi")
    footway = max(s.score for s in found.suggestions if s.street == "Lối đi bộ")
    assert road == pytest.approx(2 * footway, rel=0.01)


def test_parallel_ways_of_one_direction_make_one_suggestion(grid: StreetNetwork) -> None:
    found = suggest_headings(site(None, 100, 20), grid)  # midway: road and parallel footway
    assert rounded([s.heading_deg for s in found.suggestions]) == [90, 270]
    assert {s.street for s in found.suggestions} == {"Đường Lê Lợi"}


def test_each_suggestion_explains_itself_in_both_languages(grid: StreetNetwork) -> None:
    best = suggest_headings(site("Lê Lợi - Nguyễn Huệ", 6, 4), grid).suggestions[0]
    assert best.street.removeprefix("Đường ") in best.reason.en
    assert f"{round(best.heading_deg)}°" in best.reason.vi
    assert "góc phố" in best.reason.vi
    assert "corner" in best.reason.en


def test_suggestions_are_at_least_ten_degrees_apart(grid: StreetNetwork) -> None:
    found = suggest_headings(site("Lê Lợi - Nguyễn Huệ", 2, 2), grid, limit=8)
    headings = [s.heading_deg for s in found.suggestions]
    for i, a in enumerate(headings):
        for b in headings[i + 1 :]:
            assert abs(float(angle_diff_deg(a, b))) >= 10.0


def test_scores_lie_in_unit_interval_and_fall_with_distance(grid: StreetNetwork) -> None:
    near = suggest_headings(site("Nguyễn Huệ", 2, 100), grid).suggestions[0].score
    far = suggest_headings(site("Nguyễn Huệ", 40, 100), grid).suggestions[0].score
    assert 0.0 < far < near <= 1.0


@pytest.mark.parametrize(
    ("kind", "hfov", "expected", "assumed"),
    [("fixed", None, 60.0, True), ("dome_360", None, 360.0, True), ("fixed", 42.0, 42.0, False)],
)
def test_field_of_view_defaults_per_kind_when_missing(
    grid: StreetNetwork, kind: str, hfov: float | None, expected: float, assumed: bool
) -> None:
    found = suggest_headings(site("Nguyễn Huệ", 2, 100, kind=kind, hfov_deg=hfov), grid)
    assert (found.hfov_deg, found.hfov_assumed) == (expected, assumed)


@pytest.mark.parametrize("radius", [0.0, -5.0, float("nan")])
def test_radius_must_be_positive(grid: StreetNetwork, radius: float) -> None:
    with pytest.raises(ValueError, match="radius_m must be a positive number of metres"):
        suggest_headings(site("Nguyễn Huệ", 2, 100), grid, radius_m=radius)


def test_empty_network_gives_no_suggestion() -> None:
    empty = StreetNetwork.build(names=[], lines=[])
    assert suggest_headings(site("Nguyễn Huệ", 0, 0), empty).suggestions == []
