from __future__ import annotations

from datetime import UTC, datetime

import shapely
from sqlalchemy import Engine, text

from camroute.areas import AreaLayers, lookup
from camroute.areas.models import AdminLink, AreaFeature
from camroute.areas.store import read_features, read_links, write_features, write_links
from camroute.store import is_postgres

REFORM = datetime(2025, 7, 1, tzinfo=UTC)


def test_round_trip(store_engine: Engine, hp_wards: list[AreaFeature]) -> None:
    station = AreaFeature(
        kind="stations",
        name="Hồng Bàng",
        code="3",
        service="113",
        phone="0225.1",
        geometry=shapely.Point(106.6810193, 20.8619745),
    )
    assert write_features(store_engine, [*hp_wards, station]) == 16
    back = read_features(store_engine)
    assert [f.name for f in back] == [*(w.name for w in hp_wards), "Hồng Bàng"]
    assert all(
        shapely.equals_exact(a.geometry, b.geometry, 0.0)
        for a, b in zip(back, [*hp_wards, station], strict=True)
    )
    assert back[0].valid_from == REFORM
    assert back[0].valid_to is None
    assert back[0].props["ma_tinh"] == "31"
    assert back[-1].phone == "0225.1"
    assert back[-1].service == "113"
    assert [f.name for f in read_features(store_engine, kind="stations")] == ["Hồng Bàng"]


def test_links_replace(store_engine: Engine) -> None:
    write_links(
        store_engine, [AdminLink("1", "2", "A", "full"), AdminLink("1", "3", "B", "partial")]
    )
    write_links(store_engine, [AdminLink("9", "8", "C", "full"), AdminLink("9", "8", "C", "full")])
    assert read_links(store_engine) == [AdminLink("9", "8", "C", "full")]


def test_layers_load_and_reload(store_engine: Engine, hp_wards: list[AreaFeature]) -> None:
    layers = AreaLayers.load(store_engine)
    assert layers.counts["intersections"] == 0
    inside = {"lon": 106.67151664921406, "lat": 20.835609000000062}
    assert lookup(**inside, layers=layers).admin == {}
    write_features(store_engine, hp_wards)
    layers.reload(store_engine)
    assert layers.counts["admin"] == 15
    assert lookup(**inside, layers=layers).admin["ward"].code == "11407"


def test_postgis_exposes_a_geometry_column(
    store_engine: Engine, hp_wards: list[AreaFeature]
) -> None:
    write_features(store_engine, hp_wards[:1])
    if not is_postgres(store_engine):
        return  # SQLite keeps WKB only
    with store_engine.connect() as conn:
        kind, srid = conn.execute(
            text("SELECT ST_GeometryType(geom), ST_SRID(geom) FROM area_features")
        ).one()
    assert (kind, srid) == ("ST_MultiPolygon", 4326)
