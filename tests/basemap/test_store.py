"""The basemap store contract, on SQLite and on PostgreSQL/PostGIS."""

from __future__ import annotations

import pytest
import shapely
from sqlalchemy import Engine

from camroute.basemap.models import BasemapFeature
from camroute.basemap.store import basemap_generation, has_basemap, read_features, replace_features

ROAD = BasemapFeature(
    "roads",
    "primary",
    shapely.LineString([(106.700, 10.776), (106.703, 10.774)]),
    "Lê Lợi",
    "way/1",
    {"oneway": "yes"},
)
PARK = BasemapFeature("parks", "park", shapely.box(106.69, 10.77, 106.695, 10.775), None, "way/2")


def test_an_import_replaces_the_basemap_and_bumps_the_generation(store_engine: Engine) -> None:
    assert not has_basemap(store_engine)
    before = basemap_generation(store_engine)
    assert replace_features(store_engine, [ROAD, PARK]) == 2
    assert replace_features(store_engine, [PARK]) == 1
    assert [f.layer for f in read_features(store_engine)] == ["parks"]
    assert int(basemap_generation(store_engine)) == int(before) + 2
    assert has_basemap(store_engine)


def test_features_read_back_as_written(store_engine: Engine) -> None:
    replace_features(store_engine, [ROAD, PARK])
    (road,) = read_features(store_engine, layers=("roads",), named=True)
    assert (road.kind, road.name, road.source_id, road.props) == (
        "primary",
        "Lê Lợi",
        "way/1",
        {"oneway": "yes"},
    )
    assert road.geometry.equals(ROAD.geometry)
    assert read_features(store_engine, layers=("parks",), named=True) == []


def test_a_failed_import_keeps_the_previous_basemap(store_engine: Engine) -> None:
    replace_features(store_engine, [ROAD])
    broken = BasemapFeature("roads", "minor", "not a geometry", "X")  # type: ignore[arg-type]
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the driver raises
        replace_features(store_engine, [PARK, broken])
    assert [f.name for f in read_features(store_engine)] == ["Lê Lợi"]
