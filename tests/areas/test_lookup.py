"""``lookup`` and ``geocode`` on real layers (Hai Phong, HCMC, Helsinki, Zurich)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import shapely
from pyproj import Geod

from camroute.areas import AreaLayers, geocode, lookup
from camroute.areas.errors import AreaQueryError
from camroute.areas.importers import ImportOptions, read_layer
from camroute.areas.models import AreaFeature
from camroute.areas.textnorm import fold

NOW = datetime(2026, 11, 22, tzinfo=UTC)
BEFORE_REFORM = datetime(2024, 1, 1, tzinfo=UTC)
GEOD = Geod(ellps="WGS84")


def _geodesic_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.mark.parametrize(
    ("lon", "lat", "name", "code"),
    [
        (106.67151664921406, 20.835609000000062, "Phường An Biên", "11407"),
        (106.6558163578523, 20.86736300000007, "Phường Hồng Bàng", "11311"),
        (106.51681082953226, 20.95788950000005, "Xã Phú Thái", "10750"),
        # a vertex shared by An Biên (11407) and Lê Chân (11383): smallest code wins
        (106.67085000000009, 20.851125000000025, "Phường Lê Chân", "11383"),
    ],
)
def test_hai_phong_ward_polygon_answers_exactly(
    layers: AreaLayers, lon: float, lat: float, name: str, code: str
) -> None:
    report = lookup(lon=lon, lat=lat, at=NOW, layers=layers)
    ward = report.admin["ward"]
    assert (ward.name, ward.code, ward.approximate) == (name, code, False)
    assert report.admin["province"].name == "Thành phố Hải Phòng"
    assert report.inside_admin


def test_shared_vertex_is_in_both_polygons(hp_wards: list[AreaFeature]) -> None:
    vertex = shapely.Point(106.67085000000009, 20.851125000000025)
    holders = sorted(w.code or "" for w in hp_wards if w.geometry.intersects(vertex))
    assert holders == ["11383", "11407"]


def test_legacy_ward_and_district_from_the_old_new_mapping(layers: AreaLayers) -> None:
    report = lookup(lon=106.6558163578523, lat=20.86736300000007, at=NOW, layers=layers)
    legacy = report.admin["legacy_district"]
    assert legacy.name == "Quận Hồng Bàng"
    assert report.admin["legacy_ward"].level == "legacy_ward"
    assert report.admin["legacy_ward"].approximate  # several old wards merged: centroid pick


def test_hcmc_point_uses_centroid_now_and_district_polygon_before_the_reform(
    layers: AreaLayers,
) -> None:
    now = lookup(lon=106.7009, lat=10.7769, at=NOW, layers=layers)
    assert now.admin["ward"].approximate
    assert now.admin["ward"].distance_m is not None
    assert now.admin["ward"].distance_m < 3000
    assert now.admin["province"].name == "Thành phố Hồ Chí Minh"
    assert now.admin["legacy_district"].name == "Quận 1"
    assert not now.admin["legacy_district"].approximate
    assert "district" not in now.admin
    before = lookup(lon=106.7009, lat=10.7769, at=BEFORE_REFORM, layers=layers)
    assert before.admin["district"].name == "Quận 1"
    assert "ward" not in before.admin


def test_reform_instant_switches_systems(layers: AreaLayers) -> None:
    reform = datetime(2025, 7, 1, tzinfo=UTC)
    eve = lookup(lon=106.7009, lat=10.7769, at=reform - timedelta(seconds=1), layers=layers)
    day = lookup(lon=106.7009, lat=10.7769, at=reform, layers=layers)
    assert set(eve.admin) == {"district"}
    assert "ward" in day.admin
    assert "district" not in day.admin


def test_point_outside_every_unit_says_so(layers: AreaLayers) -> None:
    report = lookup(lon=112.0, lat=12.0, at=NOW, layers=layers)  # South China Sea
    assert report.admin == {}
    assert not report.inside_admin
    assert report.notes == ["outside every loaded administrative unit"]
    police = report.services["113"]
    assert police.basis == "nearest"
    assert police.distance_m is not None
    assert police.distance_m > 500_000


def test_service_area_names_the_station_inside_it(layers: AreaLayers) -> None:
    report = lookup(lon=106.6558163578523, lat=20.86736300000007, at=NOW, layers=layers)
    police = report.services["113"]
    assert (police.basis, police.name, police.code) == ("area", "Hồng Bàng", "3")
    expected = _geodesic_m(106.6558163578523, 20.86736300000007, police.lon, police.lat)
    assert police.distance_m == pytest.approx(expected, rel=2e-3)


def test_outside_service_areas_the_nearest_station_answers(layers: AreaLayers) -> None:
    # Lê Thanh Nghị HQ (id 6) sits outside the 15 ward polygons
    report = lookup(lon=106.3261074, lat=20.93253458, at=NOW, layers=layers)
    police = report.services["113"]
    assert (police.basis, police.name) == ("nearest", "Lê Thanh Nghị")
    assert police.distance_m == pytest.approx(0.0, abs=0.01)


def test_helsinki_nearest_street_and_intersection(layers: AreaLayers) -> None:
    report = lookup(lon=24.945, lat=60.17, at=NOW, layers=layers)
    assert report.street is not None
    assert report.intersection is not None
    assert report.street.name == "Mikonkatu"
    on_street = _geodesic_m(24.945, 60.17, report.street.lon, report.street.lat)
    assert report.street.distance_m == pytest.approx(on_street, rel=5e-3)
    assert sorted(report.intersection.names) == ["Mikonkatu", "Yliopistonkatu"]
    assert report.intersection.source == "geometry"
    corner = _geodesic_m(24.945, 60.17, report.intersection.lon, report.intersection.lat)
    assert report.intersection.distance_m == pytest.approx(corner, rel=5e-3)


def test_zurich_point_on_an_intersection(layers: AreaLayers) -> None:
    report = lookup(lon=8.5482608, lat=47.3773902, at=NOW, layers=layers)
    assert report.intersection is not None
    assert sorted(report.intersection.names) == ["Rämistrasse", "Universitätstrasse"]
    assert report.intersection.distance_m == pytest.approx(0.0, abs=0.05)
    assert report.admin == {}
    assert report.services == {}  # stations are searched in the neighbouring UTM zones only


def test_far_from_any_street_reports_none(layers: AreaLayers) -> None:
    report = lookup(lon=20.0, lat=60.0, at=NOW, layers=layers)  # Baltic Sea
    assert report.street is None
    assert report.intersection is None
    assert report.poi is None


def test_at_with_offset_is_converted_to_utc(layers: AreaLayers) -> None:
    hanoi = timezone(timedelta(hours=7))
    report = lookup(lon=8.54, lat=47.37, at=datetime(2025, 7, 1, 7, tzinfo=hanoi), layers=layers)
    assert report.at == datetime(2025, 7, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lon": 200.0, "lat": 10.0}, "lon"),
        ({"lon": 106.0, "lat": -91.0}, "lat"),
        ({"lon": float("nan"), "lat": 10.0}, "lon"),
        ({"lon": 106.0, "lat": 10.0, "at": datetime(2025, 1, 1)}, "at"),
    ],
)
def test_bad_lookup_input_names_the_field(
    layers: AreaLayers, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(AreaQueryError) as info:
        lookup(layers=layers, **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


# --- geocode -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "lon", "lat"),
    [
        ("Lê Duẩn - Tôn Đức Thắng", "Lê Duẩn × Tôn Đức Thắng", 106.703263521194, 10.7852927046947),
        ("ngã tư le duan ton duc thang", "Lê Duẩn × Tôn Đức Thắng", 106.7032635, 10.7852927),
        ("Ngã ba Tôn Đức Thắng x Lê Duẩn", "Lê Duẩn × Tôn Đức Thắng", 106.7032635, 10.7852927),
        ("pasteur - le duan", "Lê Duẩn × Pasteur", 106.697417, 10.779127),
        (
            "Rämistrasse - Universitätstrasse",
            "Rämistrasse × Universitätstrasse",
            8.5482608,
            47.3773902,
        ),
        (
            "ngã tư ramistrasse universitatstrasse",
            "Rämistrasse × Universitätstrasse",
            8.54826,
            47.37739,
        ),
        ("Mikonkatu - Yliopistonkatu", "Mikonkatu × Yliopistonkatu", 24.9453995, 60.1698141),
    ],
)
def test_intersection_queries(
    layers: AreaLayers, text: str, label: str, lon: float, lat: float
) -> None:
    best = geocode(text, layers=layers).candidates[0]
    assert best.kind == "intersection"
    assert best.label == label
    assert _geodesic_m(lon, lat, best.lon, best.lat) < 150.0
    assert best.score >= 0.9


def test_every_hcmc_camera_name_finds_its_corner(shared_data: Path, layers: AreaLayers) -> None:
    cameras = json.loads(
        (shared_data / "hcmc_traffic_cameras" / "hcmc_traffic_cameras.geojson").read_text(
            encoding="utf-8"
        )
    )["features"]
    names = [f["properties"]["name"] for f in cameras if " - " in (f["properties"]["name"] or "")]
    found = 0
    for name in names:
        streets = sorted(fold(re.sub(r"\s*\([^)]*\)$", "", p.strip())) for p in name.split(" - "))
        candidates = geocode(fold(name), layers=layers, limit=3).candidates
        found += any(
            c.kind == "intersection" and sorted(fold(p) for p in c.label.split(" × ")) == streets
            for c in candidates
        )
    assert len(names) > 650
    assert found / len(names) > 0.97


def test_unknown_intersection_is_an_empty_list(layers: AreaLayers) -> None:
    assert geocode("Bahnhofstrasse - Uraniastrasse", layers=layers).candidates == []


@pytest.mark.parametrize(
    ("text", "kind", "label_start"),
    [
        ("P. Bến Thành, Q.1", "admin_unit", "Phường Bến Thành ("),
        ("phuong ben thanh", "admin_unit", "Phường Bến Thành ("),
        ("PHƯỜNG BẾN THÀNH", "admin_unit", "Phường Bến Thành ("),
        ("Pfingstweidstrase", "street", "Pfingstweidstrasse"),
        ("manesestrasse", "street", "Manessestrasse"),
        ("123 Mannerheimintie, Helsinki", "street_of_address", "Mannerheimintie (street of house"),
        ("12/4B Mannerheimintie", "street_of_address", "Mannerheimintie (street of house"),
        ("10.7769, 106.7009", "coordinates", "10.776900, 106.700900"),
        ("Phường Văn Miếu - Quốc Tử Giám", None, None),
    ],
)
def test_address_queries(
    layers: AreaLayers, text: str, kind: str | None, label_start: str | None
) -> None:
    candidates = geocode(text, layers=layers).candidates
    if kind is None:
        assert candidates == []  # that Hà Nội ward is not in the loaded CSV
        return
    assert candidates[0].kind == kind
    assert candidates[0].label.startswith(label_start or "")
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)


def test_landmark_by_name(real_features: list[AreaFeature]) -> None:
    market = AreaFeature(
        kind="pois", name="Chợ Bến Thành", geometry=shapely.Point(106.6981, 10.7725)
    )
    layers = AreaLayers.build([*real_features, market])
    best = geocode("gần chợ Bến Thành", layers=layers).candidates[0]
    assert (best.kind, best.label, best.lon, best.lat) == (
        "poi",
        "Chợ Bến Thành",
        106.6981,
        10.7725,
    )
    assert geocode("gan cho ben tanh", layers=layers).candidates[0].label == "Chợ Bến Thành"


@pytest.mark.parametrize("text", ["qwxz zzkq", "", "   ", "!!!"])
def test_no_match_is_an_empty_list(layers: AreaLayers, text: str) -> None:
    assert geocode(text, layers=layers).candidates == []


@pytest.mark.parametrize(("limit", "field"), [(0, "limit"), (51, "limit")])
def test_bad_limit(layers: AreaLayers, limit: int, field: str) -> None:
    with pytest.raises(AreaQueryError, match="limit must be in"):
        geocode("le loi", layers=layers, limit=limit)


def test_limit_caps_the_candidates(layers: AreaLayers) -> None:
    assert len(geocode("Phường Thạnh", layers=layers, limit=2).candidates) <= 2


@pytest.mark.parametrize(
    ("text", "city_lat"),
    [
        ("123 Lê Lợi, P. Bến Thành, Q.1", 10.77),
        ("123 Le Loi, Phuong Ben Thanh", 10.77),
        ("45 Lê Lợi, Phường Hồng Bàng", 20.86),
        ("Lê Lợi, phường Hồng Bàng", 20.86),
    ],
)
def test_comma_context_picks_the_street_in_the_named_ward(
    real_features: list[AreaFeature], text: str, city_lat: float
) -> None:
    # Two streets called Lê Lợi (the one in Hai Phong first, so order alone cannot pass)
    streets = [
        AreaFeature(
            kind="streets",
            name="Lê Lợi",
            geometry=shapely.LineString([(106.680, 20.860), (106.684, 20.861)]),
        ),
        AreaFeature(
            kind="streets",
            name="Lê Lợi",
            geometry=shapely.LineString([(106.698, 10.772), (106.703, 10.775)]),
        ),
    ]
    layers = AreaLayers.build([*real_features, *streets])
    candidates = geocode(text, layers=layers).candidates
    assert len(candidates) >= 2
    assert candidates[0].label.startswith("Lê Lợi")
    assert candidates[0].lat == pytest.approx(city_lat, abs=0.02)


def test_every_2025_ward_name_is_found_without_diacritics(shared_data: Path) -> None:
    wards, _ = read_layer(
        shared_data / "vn_admin" / "wards_2025_all_vietnam.csv",
        ImportOptions(kind="admin", level="ward", code_field="wardCode"),
    )
    layers = AreaLayers.build(wards)
    found = 0
    for ward in wards:
        candidates = geocode(fold(ward.name), layers=layers, limit=10).candidates
        found += any(c.label.startswith(f"{ward.name} (") for c in candidates)
    assert len(wards) == 3321
    assert found / len(wards) > 0.995  # misses: names that differ only by diacritics
