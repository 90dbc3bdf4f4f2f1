"""Importing the real camera data sets into SQLite and PostGIS: exact counts, each explained."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.cameras.importers import SourceFileError
from camroute.cameras.networks import CameraNetworks
from camroute.cameras.service import import_file
from camroute.cameras.store import history, load_cameras
from camroute.cameras.tables import camera_history, cameras


@dataclass(frozen=True)
class Dataset:
    path: str
    total: int
    accepted: int
    rejected: int
    assumed_fov: int
    headings: int
    kinds: dict[str, int]


DATASETS = {
    # HCMC portal list: every one of the 848 points is usable. None carries a field of view
    # or a range, so all 848 get the per-kind default (assumed). 197 have the 2017 heading.
    # ptz=True -> ptz (337); ptz=False (384) and unknown (127, the 2017-only cameras) -> fixed.
    "hcmc": Dataset(
        "hcmc_traffic_cameras/hcmc_traffic_cameras.geojson",
        848,
        848,
        0,
        848,
        197,
        {"fixed": 511, "ptz": 337},
    ),
    # Hai Phong survey: ids 1194-1197 are each used by two different cameras (features
    # 1194-1197 and 1198-1201), so which is meant is unknown: all 8 rejected. No FOV/range.
    # Headings: 837 from the survey's parsed column + 2 written "Hướng Đông Nam 130 độ"
    # ("độ" = degrees) that the "°"-only regex of the derived column missed = 839.
    # The survey's types (giám sát, AI, tốc độ) say nothing of the optics: all fixed.
    "haiphong": Dataset(
        "haiphong/cameras_with_heading.geojson",
        4283,
        4275,
        8,
        4275,
        839,
        {"fixed": 4275},
    ),
    # Raw Swiss Overpass JSON: 2 nodes are surveillance:type=guard (a guard, not a camera).
    # 529 carry camera:direction or direction; 2 of them are the guards, and 3 name several
    # directions ("190-100", "180, 270", "90;160;270") -> unknown: 524 headings.
    # camera:type dome (624) and 360 (3) -> dome_360; panning (60) -> ptz; the rest fixed.
    "zurich": Dataset(
        "zurich_osm/overpass_surveillance_CH_raw.json",
        2144,
        2142,
        2,
        2142,
        524,
        {"fixed": 1455, "dome_360": 627, "ptz": 60},
    ),
    # Helsinki OSM extract: all 221 usable, none with a direction. revolving=yes (34) -> ptz,
    # camera:type=dome (6) -> dome_360, the rest fixed.
    "helsinki": Dataset(
        "helsinki_osm/surveillance.geojson",
        221,
        221,
        0,
        221,
        0,
        {"fixed": 181, "ptz": 34, "dome_360": 6},
    ),
}


def _count(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


@pytest.mark.parametrize("name", list(DATASETS))
def test_import_real_dataset(store_engine: Engine, shared_data: Path, name: str) -> None:
    data = DATASETS[name]
    report = import_file(store_engine, shared_data / data.path)
    assert report.total == data.total
    assert report.summary() == {
        "imported": data.accepted,
        "updated": 0,
        "rejected": data.rejected,
        "assumed_fov": data.assumed_fov,
    }
    stored = load_cameras(store_engine)
    assert len(stored) == data.accepted
    assert int(stored["heading_deg"].notna().sum()) == data.headings
    assert stored["kind"].value_counts().to_dict() == data.kinds
    assert set(stored["hfov_source"]) == {"assumed"}
    assert (stored["heading_source"].dropna() == f"imported:{Path(data.path).name}").all()
    assert _count(store_engine, camera_history) == data.accepted


@pytest.mark.parametrize("name", ["hcmc", "zurich"])
def test_second_import_changes_nothing(store_engine: Engine, shared_data: Path, name: str) -> None:
    path = shared_data / DATASETS[name].path
    import_file(store_engine, path)
    again = import_file(store_engine, path)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, DATASETS[name].accepted)
    versions = load_cameras(store_engine)["version"]
    assert set(versions) == {1}
    assert _count(store_engine, camera_history) == DATASETS[name].accepted


def _geojson(path: Path, rows: list[tuple[str, float, float | None]]) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"id": i, "heading_deg": h},
            "geometry": {"type": "Point", "coordinates": [lon, 10.77]},
        }
        for i, lon, h in rows
    ]
    path.write_bytes(orjson.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_reimport_updates_changed_rows_only(store_engine: Engine, tmp_path: Path) -> None:
    import_file(
        store_engine, _geojson(tmp_path / "a.geojson", [("A", 106.7, 10.0), ("B", 106.8, None)])
    )
    report = import_file(
        store_engine,
        _geojson(
            tmp_path / "b.geojson", [("A", 106.7, 20.0), ("B", 106.8, None), ("C", 106.9, 5.0)]
        ),
    )
    assert (report.imported, report.updated, report.unchanged) == (1, 1, 1)
    stored = load_cameras(store_engine).set_index("id")
    assert stored.loc["A", "heading_deg"] == 20.0
    assert stored.loc["A", "version"] == 2
    assert stored.loc["B", "version"] == 1
    with store_engine.connect() as conn:
        changes = history(conn, "A")
    assert [c["action"] for c in changes] == ["create", "update"]
    assert changes[1]["before"]["heading_deg"] == 10.0
    assert changes[1]["after"]["heading_deg"] == 20.0
    assert changes[1]["actor"] == "cli"


def test_dry_run_writes_nothing(store_engine: Engine, shared_data: Path) -> None:
    report = import_file(store_engine, shared_data / DATASETS["helsinki"].path, dry_run=True)
    assert report.imported == 221
    assert report.dry_run
    assert _count(store_engine, cameras) == 0
    assert _count(store_engine, camera_history) == 0


def test_broken_file_leaves_store_unchanged(store_engine: Engine, tmp_path: Path) -> None:
    import_file(store_engine, _geojson(tmp_path / "a.geojson", [("A", 106.7, 10.0)]))
    broken = tmp_path / "broken.csv"
    broken.write_bytes("id,lon,lat,name\nB,106.7,10.77,Café\n".encode("latin-1"))
    with pytest.raises(SourceFileError, match="not UTF-8"):
        import_file(store_engine, broken)
    assert list(load_cameras(store_engine)["id"]) == ["A"]


def test_rows_with_errors_do_not_block_the_others(store_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("id,lon,lat,hfov_deg\nA,106.7,10.77,70\nB,106.7,10.77,400\n", encoding="utf-8")
    report = import_file(store_engine, path)
    assert report.summary() == {"imported": 1, "updated": 0, "rejected": 1, "assumed_fov": 1}
    assert [str(r) for r in report.rejects] == ["line 3: hfov_deg '400' not a number in (0, 360]"]


def test_stream_urls_outside_the_camera_networks_reject_their_feature(
    store_engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "urls.geojson"
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [106.7, 10.77]},
            "properties": {"id": camera_id, "rtsp_url": url},
        }
        for camera_id, url in (("A", "rtsp://10.1.2.3/ch1"), ("B", "rtsp://2130706433/ch1"))
    ]
    path.write_bytes(orjson.dumps({"type": "FeatureCollection", "features": features}))
    networks = CameraNetworks.of(["10.0.0.0/8"])
    report = import_file(store_engine, path, networks=networks)
    assert report.summary()["imported"] == 1
    assert [str(r) for r in report.rejects] == [
        "feature 2: rtsp_url: address 127.0.0.1 is outside the camera networks "
        "(CAMROUTE_CAMERA_NETWORKS)"
    ]
    assert list(load_cameras(store_engine)["id"]) == ["A"]
    # Without an allow-list (callers that check elsewhere) the importer does not judge hosts.
    assert import_file(store_engine, path, dry_run=True).summary()["rejected"] == 0


def test_empty_registry_loads_as_empty_frame(store_engine: Engine) -> None:
    frame = load_cameras(store_engine)
    assert len(frame) == 0
    assert frame.crs.to_epsg() == 4326
    assert "heading_deg" in frame.columns


@pytest.mark.parametrize("preload", [False, True])  # first load, then the staging path
def test_imported_credentials_stay_server_side(
    store_engine: Engine, tmp_path: Path, preload: bool
) -> None:
    from camroute.cameras.store import get_stream_source

    if preload:
        import_file(store_engine, _geojson(tmp_path / "a.geojson", [("OTHER", 106.6, None)]))
    path = tmp_path / "creds.csv"
    path.write_text(
        "id,lon,lat,rtsp_url,username,password\n"
        "A,106.7,10.77,rtsp://10.0.0.9/ch1,viewer,pw1\n"
        "B,106.8,10.77,,,\n",
        encoding="utf-8",
    )
    import_file(store_engine, path)
    src = get_stream_source(store_engine, "A")
    assert (src.rtsp_url, src.username, src.password) == ("rtsp://10.0.0.9/ch1", "viewer", "pw1")
    assert get_stream_source(store_engine, "B").username is None
    assert "password" not in load_cameras(store_engine).columns


@pytest.mark.parametrize("preload", [False, True])
def test_last_seen_round_trips_as_utc(store_engine: Engine, tmp_path: Path, preload: bool) -> None:
    from datetime import UTC, datetime

    if preload:
        import_file(store_engine, _geojson(tmp_path / "a.geojson", [("OTHER", 106.6, None)]))
    path = tmp_path / "seen.csv"
    path.write_text(
        "id,lon,lat,status,last_seen\n"
        "A,106.7,10.77,online,2026-11-21T10:00:00+07:00\n"
        "B,106.8,10.77,offline,\n"
        "C,106.9,10.77,online,yesterday\n",
        encoding="utf-8",
    )
    report = import_file(store_engine, path)
    assert [str(r) for r in report.rejects] == [
        "line 4: last_seen 'yesterday' is not an ISO 8601 time"
    ]
    stored = load_cameras(store_engine).set_index("id")
    assert stored.loc["A", "last_seen"] == datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    assert stored.loc["A", "status"] == "online"
    assert stored["last_seen"].isna().sum() == (2 if preload else 1)


def test_credentials_in_a_url_move_to_the_credentials_table(
    store_engine: Engine, tmp_path: Path
) -> None:
    from camroute.cameras.store import get_stream_source

    path = tmp_path / "userinfo.csv"
    path.write_text(
        "id,lon,lat,rtsp_url\nA,106.7,10.77,rtsp://admin:s%40cret@10.0.0.9:554/ch1\n",
        encoding="utf-8",
    )
    import_file(store_engine, path)
    assert load_cameras(store_engine)["rtsp_url"].tolist() == ["rtsp://10.0.0.9:554/ch1"]
    src = get_stream_source(store_engine, "A")
    assert (src.username, src.password) == ("admin", "s@cret")


@pytest.mark.parametrize("preload", [False, True])  # first load, then the staged upsert
def test_imported_passwords_are_sealed_at_rest(
    store_engine: Engine, tmp_path: Path, preload: bool
) -> None:
    from camroute.cameras.secrets import PREFIX, CredentialCipher
    from camroute.cameras.store import get_stream_source, seal_credentials
    from camroute.cameras.tables import camera_credentials

    cipher = CredentialCipher("a passphrase of at least thirty-two characters")
    if preload:
        import_file(store_engine, _geojson(tmp_path / "a.geojson", [("OTHER", 106.6, None)]))
    path = tmp_path / "creds.csv"
    path.write_text(
        "id,lon,lat,rtsp_url,username,password\nA,106.7,10.77,rtsp://10.0.0.9/ch1,viewer,pw1\n",
        encoding="utf-8",
    )
    import_file(store_engine, path, cipher=cipher)
    with store_engine.connect() as conn:
        stored = conn.execute(sa.select(camera_credentials.c.password)).scalar_one()
    assert stored.startswith(PREFIX)
    assert "pw1" not in stored
    assert get_stream_source(store_engine, "A", cipher=cipher).password == "pw1"
    assert seal_credentials(store_engine, cipher) == 0  # nothing left in plain text


def _stream_csv(path: Path, *rows: str) -> Path:
    path.write_text("id,lon,lat,rtsp_url,username,password\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("row", "kept", "cleared"),
    [
        # the host moves, no credentials in the row: they must not follow the URL
        ("A,106.7,10.77,rtsp://10.0.0.66/ch1,,", (None, None), 1),
        # the port moves: another service, same rule
        ("A,106.7,10.77,rtsp://10.0.0.9:8554/ch1,,", (None, None), 1),
        # only the path changes: same camera, credentials stay
        ("A,106.7,10.77,rtsp://10.0.0.9/ch2,,", ("viewer", "pw1"), 0),
        # the host moves and the row brings the new camera's credentials: those are stored
        ("A,106.7,10.77,rtsp://10.0.0.66/ch1,admin,pw2", ("admin", "pw2"), 0),
    ],
    ids=["new-host", "new-port", "path-only", "new-host-new-credentials"],
)
def test_reimport_moving_a_stream_host_clears_credentials(
    store_engine: Engine, tmp_path: Path, row: str, kept: tuple[str | None, ...], cleared: int
) -> None:
    from camroute.audit.tables import audit_events
    from camroute.cameras.store import get_stream_source

    first = "A,106.7,10.77,rtsp://10.0.0.9/ch1,viewer,pw1"
    import_file(store_engine, _stream_csv(tmp_path / "a.csv", first, "B,106.8,10.77,,,"))
    report = import_file(store_engine, _stream_csv(tmp_path / "b.csv", row, "B,106.8,10.77,,,"))
    assert report.updated == 1
    assert report.credentials_cleared == cleared
    src = get_stream_source(store_engine, "A")
    assert (src.username, src.password) == kept
    with store_engine.connect() as conn:
        details = conn.execute(
            sa.select(audit_events.c.details).order_by(audit_events.c.id.desc()).limit(1)
        ).scalar_one()
    assert details.get("credentials_cleared", 0) == cleared
