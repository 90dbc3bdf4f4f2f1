"""``camroute cameras import / export / list``: the summary line, exit codes, files written."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from camroute.cli import app

runner = CliRunner()


def test_import_prints_rejects_then_summary_last(tmp_path: Path, shared_data: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    path = shared_data / "zurich_osm" / "overpass_surveillance_CH_raw.json"
    result = runner.invoke(app, ["cameras", "import", str(path), "--db", db])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert orjson.loads(lines[-1]) == {
        "imported": 2142,
        "updated": 0,
        "rejected": 2,
        "assumed_fov": 2142,
    }
    assert sum(line.startswith("rejected element ") for line in lines) == 2
    again = runner.invoke(app, ["cameras", "import", str(path), "--db", db])
    assert orjson.loads(again.output.strip().splitlines()[-1])["imported"] == 0


def test_dry_run_then_list_is_empty(tmp_path: Path, shared_data: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    path = shared_data / "helsinki_osm" / "surveillance.geojson"
    result = runner.invoke(app, ["cameras", "import", str(path), "--dry-run", "--db", db])
    assert orjson.loads(result.output.strip().splitlines()[-1])["imported"] == 221
    listed = runner.invoke(app, ["cameras", "list", "--db", db])
    assert orjson.loads(listed.output.strip().splitlines()[-1]) == {"listed": 0, "total": 0}


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"id,lon,lat\nA,1,\xff\n")
    result = runner.invoke(
        app, ["cameras", "import", str(bad), "--db", f"sqlite:///{tmp_path / 'c.db'}"]
    )
    assert result.exit_code == 2
    assert "not UTF-8" in result.output


def test_import_counts_cut_nul_and_huge_rows_as_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        "id,lon,lat,name\n"
        "A,106.7,10.77,ok\n"
        "B,106.7,10.77,a\x00b\n"
        f"C,106.7,10.77,{'x' * (20 * 1024 * 1024)}\n"
        "D,106.7",  # the file ends mid-row
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'c.db'}"
    result = runner.invoke(app, ["cameras", "import", str(path), "--db", db])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert orjson.loads(lines[-1])["imported"] == 1
    assert orjson.loads(lines[-1])["rejected"] == 3
    rejected = [line for line in lines if line.startswith("rejected line ")]
    assert [line.split(":")[0] for line in rejected] == [
        "rejected line 3",
        "rejected line 4",
        "rejected line 5",
    ]
    listed = runner.invoke(app, ["cameras", "list", "--db", db])
    assert orjson.loads(listed.output.strip().splitlines()[-1]) == {"listed": 1, "total": 1}


def test_id_prefix_option(tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text("id,lon,lat\n7,106.7,10.77\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    runner.invoke(app, ["cameras", "import", str(csv), "--id-prefix", "hcm-", "--db", db])
    listed = runner.invoke(app, ["cameras", "list", "--db", db])
    assert orjson.loads(listed.output.strip().splitlines()[0])["id"] == "hcm-7"


def test_export_geojson_with_cones_and_gpkg(tmp_path: Path, shared_data: Path) -> None:
    import pyogrio

    db = f"sqlite:///{tmp_path / 'c.db'}"
    path = shared_data / "hcmc_traffic_cameras" / "hcmc_traffic_cameras.geojson"
    runner.invoke(app, ["cameras", "import", str(path), "--db", db])
    out = tmp_path / "out.geojson"
    result = runner.invoke(app, ["cameras", "export", "--cones", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    features = orjson.loads(out.read_bytes())["features"]
    points = [f for f in features if f["properties"]["feature"] == "camera"]
    cones = [f for f in features if f["properties"]["feature"] == "view_cone"]
    assert len(points) == 848
    # a cone for every PTZ (pans all round: 337) and every fixed camera with a heading
    # (197 headings, of which 17 are on PTZ cameras: 180); 331 fixed without heading get none
    assert len(cones) == 337 + 180
    assert all(f["geometry"]["type"] == "Polygon" for f in cones)
    assert "password" not in out.read_text(encoding="utf-8")
    gpkg = tmp_path / "out.gpkg"
    runner.invoke(app, ["cameras", "export", "--format", "gpkg", "--cones", str(gpkg), "--db", db])
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert layers == {"cameras", "view_cones"}
    assert pyogrio.read_info(gpkg, layer="cameras")["features"] == 848


def test_strict_writes_nothing_when_a_row_is_rejected(tmp_path: Path, shared_data: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    path = shared_data / "haiphong" / "cameras_with_heading.geojson"  # 8 duplicate-id rows
    result = runner.invoke(app, ["cameras", "import", str(path), "--strict", "--db", db])
    assert result.exit_code == 1
    summary = orjson.loads(result.output.strip().splitlines()[-1])
    assert (summary["imported"], summary["rejected"]) == (0, 8)
    listed = runner.invoke(app, ["cameras", "list", "--db", db])
    assert orjson.loads(listed.output.strip().splitlines()[-1])["total"] == 0


def test_empty_layer_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    result = runner.invoke(
        app, ["cameras", "import", str(path), "--db", f"sqlite:///{tmp_path / 'c.db'}"]
    )
    assert result.exit_code == 0
    assert orjson.loads(result.output.strip().splitlines()[-1])["imported"] == 0


def test_seal_credentials_seals_the_plain_ones_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from camroute.cameras.secrets import PREFIX, CredentialCipher
    from camroute.cameras.store import get_stream_source
    from camroute.store import make_engine

    key = "a passphrase of at least thirty-two characters"
    db = f"sqlite:///{tmp_path / 'c.db'}"
    path = tmp_path / "creds.csv"
    path.write_text("id,lon,lat,username,password\nA,106.7,10.77,viewer,pw1\n", encoding="utf-8")
    assert runner.invoke(app, ["cameras", "import", str(path), "--db", db]).exit_code == 0
    refused = runner.invoke(app, ["cameras", "seal-credentials", "--db", db])
    assert refused.exit_code == 2  # no key: nothing to seal with
    monkeypatch.setenv("CAMROUTE_CREDENTIALS_KEY", key)
    first = runner.invoke(app, ["cameras", "seal-credentials", "--db", db])
    assert first.exit_code == 0, first.output
    assert orjson.loads(first.stdout) == {"sealed": 1}
    again = runner.invoke(app, ["cameras", "seal-credentials", "--db", db])
    assert orjson.loads(again.stdout) == {"sealed": 0}
    engine = make_engine(db)
    source = get_stream_source(engine, "A", cipher=CredentialCipher(key))
    assert source.password == "pw1"
    with engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT password FROM camera_credentials").scalar_one()
    engine.dispose()
    assert raw.startswith(PREFIX)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_export_says_whether_cameras_stream_not_where(tmp_path: Path, fmt: str) -> None:
    import pyogrio

    csv = tmp_path / "c.csv"
    csv.write_text(
        "id,lon,lat,snapshot_url,rtsp_url,username,password\n"
        "A,106.7,10.77,http://cams-secret.example/snap.jpg,,viewer,pw-1\n"
        "B,106.8,10.77,,rtsp://cams-secret.example/ch1,,\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'c.db'}"
    runner.invoke(app, ["cameras", "import", str(csv), "--db", db])
    out, full = tmp_path / f"out.{fmt}", tmp_path / f"full.{fmt}"
    for args, path in (([], out), (["--stream-urls"], full)):
        result = runner.invoke(
            app, ["cameras", "export", "--format", fmt, *args, str(path), "--db", db]
        )
        assert result.exit_code == 0, result.output
    frame = pyogrio.read_dataframe(out).set_index("id")
    assert not {"snapshot_url", "mjpeg_url", "rtsp_url"} & set(frame.columns)
    assert b"cams-secret" not in out.read_bytes()
    flags = frame[["has_snapshot", "has_mjpeg", "has_rtsp"]].astype(bool)
    assert flags.loc["A"].tolist() == [True, False, False]
    assert flags.loc["B"].tolist() == [False, False, True]
    admin = pyogrio.read_dataframe(full).set_index("id")
    assert admin.loc["A", "snapshot_url"] == "http://cams-secret.example/snap.jpg"
    assert b"pw-1" not in full.read_bytes()


def _stream_url_csv(path: Path) -> Path:
    path.write_text(
        "id,lon,lat,snapshot_url,mjpeg_url\n"
        "OK,106.7,10.77,http://10.0.0.5/s.jpg,\n"
        "NAMED,106.7,10.77,http://cam.example/s.jpg,\n"
        "HEX,106.7,10.77,http://0x7f000001:8080/s.jpg,\n"
        "OCT,106.7,10.77,,http://0177.0.0.1/m\n"
        "V6,106.7,10.77,http://[::1]/s.jpg,\n"
        "META,106.7,10.77,http://user:pw@169.254.169.254/latest,\n",
        encoding="utf-8",
    )
    return path


def test_import_rejects_stream_urls_outside_the_camera_networks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAMROUTE_CAMERA_NETWORKS", raising=False)
    path = _stream_url_csv(tmp_path / "urls.csv")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    result = runner.invoke(app, ["cameras", "import", str(path), "--db", db])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert orjson.loads(lines[-1])["rejected"] == 4
    assert orjson.loads(lines[-1])["imported"] == 2
    rejected = [line for line in lines if line.startswith("rejected line ")]
    assert [line.split(":")[0] for line in rejected] == [
        "rejected line 4",
        "rejected line 5",
        "rejected line 6",
        "rejected line 7",
    ]
    assert "snapshot_url: address 127.0.0.1 is outside the camera networks" in rejected[0]
    assert "mjpeg_url: address 127.0.0.1" in rejected[1]
    assert "address ::1" in rejected[2]
    assert "169.254.169.254" in rejected[3]
    assert "pw" not in rejected[3]
    assert all("CAMROUTE_CAMERA_NETWORKS" in line for line in rejected)


def test_import_takes_the_camera_networks_from_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAMROUTE_CAMERA_NETWORKS", "10.0.0.0/8, 127.0.0.0/8, ::1/128")
    path = _stream_url_csv(tmp_path / "urls.csv")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    result = runner.invoke(app, ["cameras", "import", str(path), "--db", db])
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.output.strip().splitlines()[-1])
    assert (summary["imported"], summary["rejected"]) == (5, 1)  # metadata: never a camera
