from __future__ import annotations

from collections import Counter
from pathlib import Path

import osmium
import pytest
import shapely

from camroute.basemap.errors import BasemapImportError
from camroute.basemap.models import BasemapFeature
from camroute.basemap.osmread import is_osm, read_osm


def _pbf_from(source: Path, target: Path) -> Path:
    """The same OSM data written as .osm.pbf by libosmium."""
    writer = osmium.SimpleWriter(str(target))
    try:
        for obj in osmium.FileProcessor(str(source)):
            writer.add(obj)
    finally:
        writer.close()
    return target


def _key(f: BasemapFeature) -> tuple[str, ...]:
    geometry = shapely.normalize(f.geometry).wkt
    return (
        f.layer,
        f.kind,
        f.name or "",
        f.source_id or "",
        geometry,
        repr(sorted(f.props.items())),
    )


def test_pbf_gives_the_same_layers_as_the_xml(tan_dinh: Path, tmp_path: Path) -> None:
    pbf = _pbf_from(tan_dinh, tmp_path / "tan_dinh.osm.pbf")
    assert b"OSMHeader" in pbf.read_bytes()[:16]  # really the binary format
    from_xml, from_pbf = read_osm(tan_dinh), read_osm(pbf)
    assert sorted(map(_key, from_pbf)) == sorted(map(_key, from_xml))


def test_the_tan_dinh_export_has_every_layer_a_dispatcher_needs(tan_dinh: Path) -> None:
    features = read_osm(tan_dinh)
    layers = Counter(f.layer for f in features)
    assert layers["roads"] > 300
    assert layers["buildings"] > 600
    assert layers["parks"] >= 5
    assert layers["pois"] > 50
    names = {f.name for f in features if f.layer == "pois"}
    assert "Viện Pasteur" in names
    parks = {f.name for f in features if f.layer == "parks"}
    assert "Công viên Lê Văn Tám" in parks
    assert all(f.geometry.geom_type in ("MultiPolygon",) for f in features if f.layer == "parks")


def test_roads_are_lines_with_their_osm_way_id(tan_dinh: Path) -> None:
    roads = [f for f in read_osm(tan_dinh) if f.layer == "roads"]
    assert {f.geometry.geom_type for f in roads} == {"LineString"}
    assert all(f.source_id is not None and f.source_id.startswith("way/") for f in roads)
    assert any(f.name == "Hai Bà Trưng" for f in roads)


def test_buildings_keep_their_levels_as_height(tan_dinh: Path) -> None:
    buildings = [f for f in read_osm(tan_dinh) if f.layer == "buildings"]
    with_levels = [f for f in buildings if "levels" in f.props]
    assert with_levels
    assert all(f.props["height_source"] in ("tagged", "levels") for f in with_levels)


def test_a_broken_file_is_a_typed_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"not a pbf at all")
    with pytest.raises(BasemapImportError, match=r"cannot read OSM file broken\.osm\.pbf"):
        read_osm(bad)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("vietnam-latest.osm.pbf", True),
        ("city.osm", True),
        ("city.osm.gz", True),
        ("city.osm.bz2", True),
        ("streets.geojson", False),
        ("streets.geojson.gz", False),
        ("layers.gpkg", False),
    ],
)
def test_is_osm(name: str, expected: bool) -> None:
    assert is_osm(Path(name)) is expected


def test_ward_edges_are_boundaries_and_neighbourhoods_are_left_out(tan_dinh: Path) -> None:
    features = read_osm(tan_dinh)
    edges = [f for f in features if f.layer == "boundaries"]
    # the export holds 9 ways of the 2025 wards' edges (admin_level 6), 9 of khu phố (level 9)
    assert Counter(f.kind for f in edges) == {"admin6": 9}
    assert all(f.geometry.geom_type == "LineString" for f in edges)
    assert all(f.source_id and f.source_id.startswith("way/") for f in edges)


def test_a_church_without_a_religion_tag_is_told_by_its_name(tan_dinh: Path) -> None:
    worship = {f.name: f.props for f in read_osm(tan_dinh) if f.kind == "place_of_worship"}
    assert worship["Tòa Tổng Giám mục Sài Gòn"] == {"religion": "christian"}
