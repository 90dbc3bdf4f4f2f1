"""Store contract on SQLite and PostGIS: single writes, versions, credentials, geometry."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.cameras import store
from camroute.cameras.store import CameraNotFoundError, get_stream_source, load_cameras
from camroute.errors import ConflictError, PreconditionFailedError

ROW: dict[str, Any] = {
    "id": "HP-9",
    "name": "Cầu Rào",
    "lon": 106.68,
    "lat": 20.83,
    "heading_deg": 126.0,
    "hfov_deg": 60.0,
    "range_m": 100.0,
    "kind": "fixed",
    "status": "online",
    "access_class": "public_space",
    "fov_assumed": True,
    "hfov_source": "assumed",
    "range_source": "assumed",
    "heading_source": "measured",
    "rtsp_url": "rtsp://10.1.2.3/stream1",
}


def _insert(engine: Engine) -> None:
    with engine.begin() as conn:
        store.insert_camera(conn, ROW, actor="t")
        store.set_credentials(conn, "HP-9", username="viewer", password="pw")


def test_stream_source_has_credentials_server_side(store_engine: Engine) -> None:
    _insert(store_engine)
    src = get_stream_source(store_engine, "HP-9")
    assert (src.rtsp_url, src.username, src.password) == ("rtsp://10.1.2.3/stream1", "viewer", "pw")
    with pytest.raises(CameraNotFoundError):
        get_stream_source(store_engine, "nope")


def test_load_cameras_columns_and_types(store_engine: Engine) -> None:
    _insert(store_engine)
    frame = load_cameras(store_engine)
    row = frame.iloc[0]
    assert frame.crs.to_epsg() == 4326
    assert (row.geometry.x, row.geometry.y) == (106.68, 20.83)
    assert row["updated_at"].tzinfo is not None
    assert frame["mount_height_m"].dtype == float
    assert frame["fov_assumed"].dtype == bool
    assert "password" not in frame.columns
    assert "username" not in frame.columns


def test_stale_version_and_duplicate(store_engine: Engine) -> None:
    _insert(store_engine)
    with store_engine.begin() as conn:
        after = store.update_camera(conn, "HP-9", {"heading_deg": 130.0}, if_match=1, actor="a")
        assert after["version"] == 2
        with pytest.raises(PreconditionFailedError, match="at version 2, not 1"):
            store.update_camera(conn, "HP-9", {"heading_deg": 140.0}, if_match=1, actor="b")
        with pytest.raises(ConflictError):
            store.insert_camera(conn, ROW, actor="c")


def test_delete_keeps_history_and_drops_credentials(store_engine: Engine) -> None:
    _insert(store_engine)
    with store_engine.begin() as conn:
        store.delete_camera(conn, "HP-9", if_match=1, actor="a")
        actions = [h["action"] for h in store.history(conn, "HP-9")]
        creds = conn.execute(sa.text("SELECT count(*) FROM camera_credentials")).scalar_one()
    assert actions == ["create", "delete"]
    assert creds == 0


@pytest.mark.postgres
@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
def test_postgis_geometry_follows_lon_lat_and_qgis_edits(store_engine: Engine) -> None:
    _insert(store_engine)
    with store_engine.begin() as conn:
        geom = conn.execute(sa.text("SELECT ST_AsText(geom), ST_SRID(geom) FROM cameras")).one()
        assert tuple(geom) == ("POINT(106.68 20.83)", 4326)
        gist = conn.execute(
            sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_cameras_geom'")
        ).scalar_one()
        assert "gist" in gist.lower()
        # QGIS moves the point: lon/lat follow and the version goes up (the ETag changes)
        conn.execute(
            sa.text("UPDATE cameras SET geom = ST_SetSRID(ST_MakePoint(106.7, 20.9), 4326)")
        )
        row = conn.execute(sa.text("SELECT lon, lat, version FROM cameras")).one()
    assert tuple(row) == (106.7, 20.9, 2)


@pytest.mark.postgres
@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
@pytest.mark.parametrize(
    ("assignment", "kept"),
    [
        ("rtsp_url = 'rtsp://10.9.9.9/stream1'", False),  # another host
        ("rtsp_url = 'rtsp://10.1.2.3:8554/stream1'", False),  # another port
        ("rtsp_url = 'RTSP://10.1.2.3:0554/stream2'", True),  # same origin, spelled otherwise
        ("mjpeg_url = 'http://10.1.2.3/video.mjpg'", False),  # a new origin beside the old one
        ("rtsp_url = NULL", True),  # removing a URL sends nothing anywhere
        ("name = 'renamed'", True),
    ],
)
def test_a_direct_edit_moving_a_stream_host_drops_credentials(
    store_engine: Engine, assignment: str, kept: bool
) -> None:
    """QGIS edits the table directly: a trigger applies the same rule as the API."""
    _insert(store_engine)
    with store_engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE cameras SET {assignment} WHERE id = 'HP-9'"))
    src = get_stream_source(store_engine, "HP-9")
    assert (src.username, src.password) == (("viewer", "pw") if kept else (None, None))
