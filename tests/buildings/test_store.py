from __future__ import annotations

from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.buildings.importer import read_buildings
from camroute.buildings.store import count_buildings, load_buildings, replace_buildings
from camroute.store import is_postgres


def test_round_trip_on_both_stores(store_engine: Engine, shared_data: Path) -> None:
    frame = read_buildings(shared_data / "helsinki_osm" / "buildings.geojson")
    assert replace_buildings(store_engine, frame) == 572
    loaded = load_buildings(store_engine)
    assert len(loaded) == 572
    assert loaded.crs.to_epsg() == 4326
    assert loaded.geometry.geom_equals_exact(frame.geometry, tolerance=1e-9).all()
    np.testing.assert_array_equal(np.isnan(loaded["height_m"]), np.isnan(frame["height_m"]))


def test_replace_and_append(store_engine: Engine, shared_data: Path) -> None:
    frame = read_buildings(shared_data / "helsinki_osm" / "buildings.geojson").iloc[:10]
    replace_buildings(store_engine, frame)
    replace_buildings(store_engine, frame)
    assert count_buildings(store_engine) == 10
    replace_buildings(store_engine, frame, append=True)
    assert count_buildings(store_engine) == 20


def test_postgis_geometry_is_filled(store_engine: Engine, shared_data: Path) -> None:
    frame = read_buildings(shared_data / "helsinki_osm" / "buildings.geojson").iloc[:5]
    replace_buildings(store_engine, frame)
    if not is_postgres(store_engine):
        return
    with store_engine.connect() as conn:
        kinds = conn.execute(
            sa.text("SELECT DISTINCT GeometryType(geom), ST_SRID(geom) FROM buildings")
        ).all()
        gist = conn.execute(
            sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_buildings_geom'")
        ).scalar_one()
    assert kinds == [("MULTIPOLYGON", 4326)]
    assert "gist" in gist.lower()


def test_empty_store_loads_empty(store_engine: Engine) -> None:
    assert len(load_buildings(store_engine)) == 0
