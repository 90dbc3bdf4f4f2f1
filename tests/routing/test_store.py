from __future__ import annotations

import numpy as np
import sqlalchemy as sa
from sqlalchemy import Engine
from tests.routing.conftest import NAN, building_frame, to_lonlat

from camroute.buildings.store import replace_buildings
from camroute.cameras.model import CameraCreate, CameraUpdate
from camroute.cameras.service import create_camera, update_camera
from camroute.routing.service import IndexHolder
from camroute.routing.store import buildings_key, load_viewsheds
from camroute.store import is_postgres


def _registry(engine: Engine) -> None:
    with engine.begin() as conn:
        for cid, x in (("V-1", 0.0), ("V-2", 30.0)):
            lon, lat = to_lonlat(x, 0.0)
            body = CameraCreate(
                id=cid,
                lon=lon,
                lat=lat,
                heading_deg=0.0,
                hfov_deg=90.0,
                range_m=50.0,
                status="online",
            )
            create_camera(conn, body, actor="test")
    replace_buildings(engine, building_frame([(-5.0, 14.0, 5.0, 16.0, NAN)]))


def test_viewsheds_are_stored_and_reused(store_engine: Engine) -> None:
    _registry(store_engine)
    holder = IndexHolder()
    first = holder.rebuild(store_engine)
    assert holder.generation == 2  # quick index, then with computed viewsheds
    key = buildings_key(store_engine)
    stored = load_viewsheds(store_engine, key=key)
    assert set(stored) == {"V-1", "V-2"}
    second = holder.rebuild(store_engine)
    assert holder.generation == 3  # one swap: every viewshed came from the store
    assert second.has_viewshed.all()
    for a, b in zip(first.viewsheds, second.viewsheds, strict=True):
        assert abs(a.area - b.area) < 1e-3 * a.area
    if is_postgres(store_engine):
        with store_engine.connect() as conn:
            sql = (
                "SELECT count(*) FROM camera_viewsheds"
                " WHERE ST_IsValid(geom) AND ST_SRID(geom) = 4326"
            )
            n = conn.execute(sa.text(sql)).scalar_one()
        assert n == 2


def test_changed_camera_or_buildings_invalidate(store_engine: Engine) -> None:
    _registry(store_engine)
    holder = IndexHolder()
    holder.rebuild(store_engine)
    with store_engine.begin() as conn:
        update_camera(conn, "V-2", CameraUpdate(heading_deg=90.0), if_match=1, actor="test")
    index = holder.rebuild(store_engine)
    assert holder.generation == 4  # V-2 was recomputed
    stored = load_viewsheds(store_engine, key=buildings_key(store_engine))
    assert stored["V-2"][0] == int(index.versions[list(index.ids).index("V-2")])
    replace_buildings(store_engine, building_frame([(10.0, 14.0, 20.0, 16.0, NAN)]))
    assert load_viewsheds(store_engine, key=buildings_key(store_engine)) == {}
    index = holder.rebuild(store_engine)
    assert index.has_viewshed.all()
    assert len(load_viewsheds(store_engine, key=buildings_key(store_engine))) == 2
    assert np.isfinite(index.buildings.height_m).sum() == 0
