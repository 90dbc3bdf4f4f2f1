from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import shapely

from camroute.areas.errors import LayerImportError
from camroute.areas.importers import ImportOptions, read_admin_links, read_layer


@pytest.mark.parametrize(
    ("relpath", "options", "imported", "first_name"),
    [
        (
            "haiphong/wards_2025/AnBien.geojson",
            {"kind": "admin", "level": "ward", "name_field": "ten_xa", "code_field": "ma_xa"},
            1,
            "Phường An Biên",
        ),
        ("haiphong/police_hq.json", {"kind": "stations", "service": "113"}, 15, "Đông Hải"),
        (
            "vn_admin/wards_2025_all_vietnam.csv",
            {"kind": "admin", "level": "ward", "code_field": "wardCode"},
            3321,
            "Phường Hồng Hà",
        ),
        ("helsinki_osm/highways.geojson", {"kind": "streets"}, 793, "Erottajankatu"),
        (
            "zurich_osm/zurich_highways_overpass_2025-05-18.osm",
            {"kind": "streets"},
            1270,
            "Pfingstweidstrasse",
        ),
        (
            "vn_admin/districts_pre2025_gpl/districts_79.geojson",
            {"kind": "admin", "level": "district", "code_field": "level2_id"},
            22,
            "Quận 1",
        ),
    ],
)
def test_real_files(
    shared_data: Path, relpath: str, options: dict[str, str], imported: int, first_name: str
) -> None:
    features, rejected = read_layer(shared_data / relpath, ImportOptions(**options))  # type: ignore[arg-type]
    assert len(features) == imported
    assert features[0].name == first_name
    assert rejected >= 0


def test_csv_codes_keep_leading_zeros(shared_data: Path) -> None:
    features, _ = read_layer(
        shared_data / "vn_admin" / "wards_2025_all_vietnam.csv",
        ImportOptions(kind="admin", level="ward", code_field="wardCode"),
    )
    assert features[0].code == "00097"
    assert features[0].geometry.geom_type == "Point"


def test_osm_streets_are_named_ways_only(shared_data: Path) -> None:
    path = shared_data / "zurich_osm" / "zurich_highways_overpass_2025-05-18.osm"
    features, rejected = read_layer(path, ImportOptions(kind="streets"))
    assert all(f.geometry.geom_type == "LineString" for f in features)
    assert all(f.props["osm_type"] == "way" for f in features)
    assert len(features) + rejected == 2271  # every way, named or not


def test_rejects_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "stations.csv"
    path.write_text(
        "name,lon,lat,phone\n"
        "Công an phường 1,106.70,10.77,028.1\n"
        ",106.70,10.77,\n"  # no name
        "Xa,200.0,10.77,\n"  # longitude out of range
        "Hỏng,abc,10.77,\n",  # not a number
        encoding="utf-8",
    )
    features, rejected = read_layer(path, ImportOptions(kind="stations", service="113"))
    assert (len(features), rejected) == (1, 3)
    assert features[0].phone == "028.1"
    assert features[0].service == "113"


def test_wrong_geometry_type_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "areas.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":['
        '{"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[1,2]}},'
        '{"type":"Feature","properties":{"name":"B"},"geometry":{"type":"Polygon",'
        '"coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}',
        encoding="utf-8",
    )
    features, rejected = read_layer(path, ImportOptions(kind="service-areas", service="114"))
    assert [f.name for f in features] == ["B"]
    assert rejected == 1


def test_validity_is_carried(tmp_path: Path, shared_data: Path) -> None:
    until = datetime(2025, 7, 1, tzinfo=UTC)
    features, _ = read_layer(
        shared_data / "vn_admin" / "districts_pre2025_gpl" / "districts_48.geojson",
        ImportOptions(kind="admin", level="district", valid_to=until),
    )
    assert all(f.valid_to == until and f.valid_from is None for f in features)
    assert all(shapely.get_dimensions(f.geometry) == 2 for f in features)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"kind": "roads"}, "kind"),
        ({"kind": "admin"}, "level"),
        ({"kind": "stations"}, "service"),
        ({"kind": "service-areas", "service": "116"}, "service"),
        (
            {
                "kind": "admin",
                "level": "ward",
                "valid_from": datetime(2026, 1, 1, tzinfo=UTC),
                "valid_to": datetime(2025, 1, 1, tzinfo=UTC),
            },
            "valid_to",
        ),
    ],
)
def test_bad_options(shared_data: Path, options: dict[str, object], field: str) -> None:
    with pytest.raises(LayerImportError) as info:
        read_layer(shared_data / "haiphong" / "police_hq.json", ImportOptions(**options))  # type: ignore[arg-type]
    assert info.value.field == field


def test_missing_name_field_and_missing_file(shared_data: Path, tmp_path: Path) -> None:
    with pytest.raises(LayerImportError, match="no field 'ten'"):
        read_layer(
            shared_data / "haiphong" / "police_hq.json",
            ImportOptions(kind="stations", service="113", name_field="ten"),
        )
    with pytest.raises(LayerImportError, match="no such file"):
        read_layer(tmp_path / "nope.geojson", ImportOptions(kind="pois"))


def test_unreadable_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.geojson"
    junk.write_text("not json", encoding="utf-8")
    with pytest.raises(LayerImportError, match="cannot read"):
        read_layer(junk, ImportOptions(kind="pois"))
    bomb = tmp_path / "bomb.osm"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><osm>&a;</osm>', encoding="utf-8"
    )
    with pytest.raises(LayerImportError, match="cannot parse OSM XML"):
        read_layer(bomb, ImportOptions(kind="streets"))


def test_admin_links(shared_data: Path) -> None:
    links, rejected = read_admin_links(
        shared_data / "vn_admin" / "dvhcvn_20250701_merges_new_to_old.json"
    )
    assert rejected == 0
    assert len(links) > 10_000
    saigon = {k.old_name for k in links if k.new_code == "26740"}
    assert "Phường Bến Nghé" in saigon
    assert {k.link_type for k in links} <= {"full", "partial"}


def test_admin_links_refuses_other_json(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(LayerImportError, match="not a dvhcvn merges file"):
        read_admin_links(path)


def test_package_wards_need_no_file() -> None:
    features, rejected = read_layer(
        Path("vietnamadminunits"),
        ImportOptions(kind="admin", level="ward", valid_from=datetime(2025, 7, 1, tzinfo=UTC)),
    )
    assert (len(features), rejected) == (3321, 0)
    hcmc = [f for f in features if f.props["provinceCode"] == "79"]
    assert len(hcmc) == 168
    assert all(f.geometry.geom_type == "Point" and f.code for f in hcmc)
    assert {f.name for f in hcmc} >= {"Phường Sài Gòn", "Phường Bến Thành"}
