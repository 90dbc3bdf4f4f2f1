"""The zone store contract, on SQLite and PostgreSQL/PostGIS."""

from __future__ import annotations

import pytest
import shapely
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.errors import ConflictError, PreconditionFailedError
from camroute.store.meta import ZONES_GENERATION, generation
from camroute.zones import store

BOX = shapely.box(24.94, 60.17, 24.941, 60.1705)


def _values(zone_id: str = "z1", geom: shapely.Geometry = BOX) -> dict[str, object]:
    return {
        "id": zone_id,
        "kind": "school",
        "name": "Trường Tiểu học Lê Văn Tám",
        "policy": "supervisor",
        "source": "test",
        "source_id": None,
        **store.geometry_values(geom),
    }


def test_insert_update_delete_are_versioned_with_history(store_engine: Engine) -> None:
    before = generation(store_engine, ZONES_GENERATION)
    with store_engine.begin() as conn:
        row = store.insert_zone(conn, _values(), actor="gis")
        assert row["version"] == 1
        changed = store.update_zone(conn, "z1", {"policy": "never"}, if_match=1, actor="gis")
        assert (changed["version"], changed["policy"]) == (2, "never")
        with pytest.raises(PreconditionFailedError, match="at version 2, not 1"):
            store.update_zone(conn, "z1", {"policy": "supervisor"}, if_match=1, actor="gis")
        store.delete_zone(conn, "z1", if_match=2, actor="gis")
        assert store.get_zone(conn, "z1") is None
        steps = store.history(conn, "z1")
    assert [h["action"] for h in steps] == ["create", "update", "delete"]
    assert steps[1]["before"]["policy"] == "supervisor"
    assert steps[1]["after"]["policy"] == "never"
    assert steps[2]["after"] is None
    assert int(generation(store_engine, ZONES_GENERATION)) == int(before) + 3


def test_a_taken_id_is_a_conflict(store_engine: Engine) -> None:
    with store_engine.begin() as conn:
        store.insert_zone(conn, _values(), actor="gis")
    with store_engine.begin() as conn, pytest.raises(ConflictError, match="'z1' exists"):
        store.insert_zone(conn, _values(), actor="gis")


def test_names_and_polygons_come_back_exactly(store_engine: Engine) -> None:
    holed = shapely.Polygon(
        BOX.exterior.coords, [shapely.box(24.9402, 60.1701, 24.9404, 60.1702).exterior.coords]
    )
    with store_engine.begin() as conn:
        store.insert_zone(conn, _values("z2", holed), actor="gis")
    [zone] = store.all_zones(store_engine)
    assert zone.name == "Trường Tiểu học Lê Văn Tám"
    assert shapely.equals_exact(zone.geometry, holed, tolerance=0.0)


@pytest.mark.parametrize(
    ("bounds", "found"),
    [
        ((24.9405, 60.1702, 24.9406, 60.1703), ["z1"]),  # inside
        ((24.941, 60.1705, 24.95, 60.18), ["z1"]),  # touching the corner
        ((24.9411, 60.17, 24.95, 60.18), []),  # just east
        ((24.0, 59.0, 24.5, 59.5), []),
    ],
)
def test_zones_overlapping_a_box(
    store_engine: Engine, bounds: tuple[float, float, float, float], found: list[str]
) -> None:
    with store_engine.begin() as conn:
        store.insert_zone(conn, _values(), actor="gis")
    with store_engine.connect() as conn:
        assert [z.zone_id for z in store.zones_overlapping(conn, bounds)] == found


def test_postgis_sees_the_zone_geometry(store_engine: Engine) -> None:
    if store_engine.dialect.name != "postgresql":
        pytest.skip("PostGIS column only")
    with store_engine.begin() as conn:
        store.insert_zone(conn, _values(), actor="gis")
        srid, inside = conn.execute(
            sa.text(
                "SELECT ST_SRID(geom), ST_Contains(geom, ST_SetSRID(ST_Point(24.9405, 60.1702), "
                "4326)) FROM protected_zones"
            )
        ).one()
    assert (srid, inside) == (4326, True)
