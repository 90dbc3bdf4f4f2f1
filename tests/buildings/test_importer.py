from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from camroute.buildings.importer import BuildingImportError, parse_height_m, read_buildings


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12.0),
        ("12.5 m", 12.5),
        ("7,5", 7.5),
        (9, 9.0),
        ("0", np.nan),
        ("40 ft", np.nan),
        (None, np.nan),
        ("tall", np.nan),
    ],
)
def test_parse_height(value: object, expected: float) -> None:
    got = parse_height_m(value)
    assert (np.isnan(got) and np.isnan(expected)) or got == expected


def _square(x: float) -> list[list[list[float]]]:
    return [[[x, 10.0], [x + 0.0002, 10.0], [x + 0.0002, 10.0002], [x, 10.0002], [x, 10.0]]]


def test_geojson_heights_from_height_then_levels(tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"building": "yes", "height": "15 m", "building:levels": "2"},
            "geometry": {"type": "Polygon", "coordinates": _square(105.0)},
        },
        {
            "type": "Feature",
            "properties": {"building": "yes", "building:levels": "4"},
            "geometry": {"type": "Polygon", "coordinates": _square(105.001)},
        },
        {
            "type": "Feature",
            "properties": {"building": "yes"},
            "geometry": {"type": "Polygon", "coordinates": _square(105.002)},
        },
        {
            "type": "Feature",
            "properties": {"name": "a road"},
            "geometry": {"type": "LineString", "coordinates": [[105, 10], [105.1, 10]]},
        },
    ]
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    frame = read_buildings(path)
    assert len(frame) == 3  # the line is dropped
    assert frame["height_m"].tolist()[:2] == [15.0, 12.0]
    assert np.isnan(frame["height_m"].iloc[2])
    assert frame["height_source"].tolist()[:2] == ["height", "levels"]
    assert frame["height_source"].isna().tolist() == [False, False, True]
    assert frame.crs.to_epsg() == 4326


def test_real_helsinki_buildings(shared_data: Path) -> None:
    frame = read_buildings(shared_data / "helsinki_osm" / "buildings.geojson")
    assert len(frame) == 572
    assert frame.geometry.is_valid.all()
    assert 0 < np.isfinite(frame["height_m"]).sum() < 572
    assert frame["source_id"].notna().all()


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("missing.geojson", None, "no such file"),
        ("junk.geojson", "this is not geojson", "cannot read"),
        (
            "lines.geojson",
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {},
                            "geometry": {"type": "Point", "coordinates": [1, 2]},
                        }
                    ],
                }
            ),
            "no building polygons",
        ),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: str | None, match: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(BuildingImportError, match=match):
        read_buildings(path)


OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="10.0000" lon="105.0000"/>
  <node id="2" lat="10.0000" lon="105.0002"/>
  <node id="3" lat="10.0002" lon="105.0002"/>
  <node id="4" lat="10.0002" lon="105.0000"/>
  <node id="5" lat="10.0010" lon="105.0010"/>
  <node id="6" lat="10.0010" lon="105.0012"/>
  <node id="7" lat="10.0012" lon="105.0012"/>
  <node id="8" lat="10.0012" lon="105.0010"/>
  <way id="100">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="building" v="yes"/><tag k="height" v="21"/>
  </way>
  <way id="101">
    <nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/>
    <tag k="landuse" v="grass"/>
  </way>
</osm>
"""


def test_raw_osm_keeps_buildings_and_reads_height_from_other_tags(tmp_path: Path) -> None:
    path = tmp_path / "area.osm"
    path.write_text(OSM_XML)
    frame = read_buildings(path)
    assert len(frame) == 1  # the grass area is not a building
    assert frame["height_m"].tolist() == [21.0]
    assert frame["height_source"].tolist() == ["height"]


def test_a_broken_footprint_is_repaired_to_polygons_and_stored(
    tmp_path: Path, store_engine: Engine
) -> None:
    from camroute.buildings.store import load_buildings, replace_buildings

    ring = [[106.70, 10.770], [106.71, 10.771], [106.71, 10.770], [106.70, 10.771]]
    spike = [*ring, [106.70, 10.770], [106.695, 10.770], [106.70, 10.770]]  # bow-tie + spike
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [spike]},
    }
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    frame = read_buildings(path)
    assert frame.geometry.geom_type.tolist() == ["MultiPolygon"]
    replace_buildings(store_engine, frame)
    stored = load_buildings(store_engine)
    assert len(stored) == 1
    assert stored.geometry.iloc[0].area == pytest.approx(frame.geometry.iloc[0].area)
