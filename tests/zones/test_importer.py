from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.audit.tables import audit_events
from camroute.zones.importer import ZoneImportError, ZoneImportOptions, read_zones
from camroute.zones.service import import_zones
from camroute.zones.store import all_zones


def test_osm_amenity_tags_make_zones(shared_data: Path) -> None:
    path = shared_data / "helsinki_osm" / "buildings.geojson"
    read = read_zones(path, ZoneImportOptions(policy="never", kind_from_tag="amenity"))
    kinds = sorted(r["kind"] for r in read.rows)
    assert kinds == ["place_of_worship"] * 4 + ["university"] * 4
    assert (read.skipped, read.rejected) == (564, 0)
    names = {r["id"]: r["name"] for r in read.rows}
    assert names["buildings:838958856"] == "Helsingin tuomiokirkko"
    assert names["buildings:34720992"] == "university 34720992"  # unnamed: kind and OSM id
    assert {r["policy"] for r in read.rows} == {"never"}


def _feature(geometry: dict[str, object], **props: object) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def test_any_geojson_with_one_kind(tmp_path: Path) -> None:
    square = [
        [[106.70, 10.77], [106.701, 10.77], [106.701, 10.771], [106.70, 10.771], [106.70, 10.77]]
    ]
    bowtie = [
        [[106.70, 10.77], [106.701, 10.771], [106.701, 10.77], [106.70, 10.771], [106.70, 10.77]]
    ]
    data = {
        "type": "FeatureCollection",
        "features": [
            _feature({"type": "Polygon", "coordinates": square}, ten="Trường Mầm non Hoa Sen"),
            _feature({"type": "Polygon", "coordinates": bowtie}, ten="repaired"),
            _feature({"type": "Point", "coordinates": [106.7, 10.77]}, ten="a point"),
        ],
    }
    path = tmp_path / "truong.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    read = read_zones(path, ZoneImportOptions(policy="supervisor", kind="kindergarten"))
    assert [r["name"] for r in read.rows] == ["Trường Mầm non Hoa Sen", "repaired"]
    assert read.rejected == 1
    assert {r["kind"] for r in read.rows} == {"kindergarten"}


def test_an_unreadable_file_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ZoneImportError, match=r"cannot read broken\.geojson"):
        read_zones(path, ZoneImportOptions(policy="never"))


def test_import_again_updates_and_audits_every_zone(
    store_engine: Engine, shared_data: Path
) -> None:
    path = shared_data / "helsinki_osm" / "buildings.geojson"
    first = import_zones(
        store_engine,
        path,
        ZoneImportOptions(policy="never", kind_from_tag="amenity"),
        actor="cli:gis",
        role="gis_admin",
    )
    again = import_zones(
        store_engine,
        path,
        ZoneImportOptions(policy="supervisor", kind_from_tag="amenity"),
        actor="cli:gis",
        role="gis_admin",
    )
    assert first.by_kind == {"place_of_worship": 4, "university": 4}
    assert again.imported == 8
    zones = all_zones(store_engine)
    assert len(zones) == 8
    assert {z.policy for z in zones} == {"supervisor"}
    query = sa.select(audit_events.c.details).where(audit_events.c.action == "zone_changed")
    with store_engine.connect() as conn:
        ops = [d["op"] for d in conn.execute(query.order_by(audit_events.c.id)).scalars()]
    assert ops == ["created"] * 8 + ["updated"] * 8
