"""Which zones the ticket rule sees for a camera: its stored viewshed, else its whole sector."""

from __future__ import annotations

from typing import Any

import pytest
import shapely
from sqlalchemy import Engine

from camroute.cameras.store import insert_camera, require_camera
from camroute.geo import local_projection
from camroute.store.txn import writing
from camroute.zones import store
from camroute.zones.service import camera_zone_hits

LON, LAT = 106.70, 10.77
PROJ = local_projection(lon=LON, lat=LAT)
X0, Y0 = (float(v) for v in PROJ.to_metric(LON, LAT))


def _zone(engine: Engine, x_m: float, y_m: float) -> None:
    """A 10 m square school (policy never) centred ``x_m, y_m`` metres from the camera."""
    square = shapely.box(X0 + x_m - 5, Y0 + y_m - 5, X0 + x_m + 5, Y0 + y_m + 5)
    values = {
        "id": "school",
        "kind": "school",
        "name": "Trường Tiểu học",
        "policy": "never",
        "source": "test",
        "source_id": None,
        **store.geometry_values(PROJ.geometry_to_wgs84(square)),
    }
    with writing(engine) as conn:
        store.insert_zone(conn, values, actor="test")


def _camera(engine: Engine, **over: Any) -> dict[str, Any]:
    values = {
        "id": "C1",
        "name": "c",
        "lon": LON,
        "lat": LAT,
        "heading_deg": 0.0,
        "hfov_deg": 60.0,
        "range_m": 50.0,
        "kind": "fixed",
        "status": "online",
        "access_class": "public_space",
        "fov_assumed": False,
        **over,
    }
    with writing(engine) as conn:
        insert_camera(conn, values, actor="test")
        return require_camera(conn, "C1")


@pytest.mark.parametrize(
    ("over", "x_m", "y_m", "seen"),
    [
        ({}, 0.0, 30.0, True),  # straight ahead, no viewshed stored: the sector counts
        ({}, 0.0, -30.0, False),  # behind a north-facing camera
        ({}, 0.0, 70.0, False),  # beyond its 50 m range
        ({"heading_deg": None}, 0.0, -30.0, True),  # heading unknown: the whole range counts
        ({"kind": "ptz", "hfov_deg": 60.0}, 30.0, 0.0, True),  # a PTZ can turn to it
    ],
)
def test_without_a_stored_viewshed_the_sector_decides(
    store_engine: Engine, over: dict[str, Any], x_m: float, y_m: float, seen: bool
) -> None:
    _zone(store_engine, x_m, y_m)
    camera = _camera(store_engine, **over)
    hits = camera_zone_hits(store_engine, camera)
    assert [h.zone_id for h in hits] == (["school"] if seen else [])
