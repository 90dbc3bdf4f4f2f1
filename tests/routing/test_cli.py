from __future__ import annotations

import json
from pathlib import Path

from tests.routing.conftest import NAN, building_frame, camera_frame, to_lonlat
from typer.testing import CliRunner

from camroute.cli import app


def _files(tmp_path: Path) -> tuple[Path, Path]:
    cams = camera_frame([{"id": "SEES"}, {"id": "WALLED", "x_m": 20.0}])
    blds = building_frame([(5.0, 10.0, 25.0, 12.0, NAN)])
    cpath, bpath = tmp_path / "cams.geojson", tmp_path / "blds.geojson"
    cams.to_file(cpath, driver="GeoJSON")
    blds.to_file(bpath, driver="GeoJSON")
    return cpath, bpath


def test_route_on_files_prints_one_json_object(tmp_path: Path) -> None:
    cpath, bpath = _files(tmp_path)
    lon, lat = to_lonlat(0.0, 30.0)
    args = [
        "route",
        "--lon",
        str(lon),
        "--lat",
        str(lat),
        "--cameras",
        str(cpath),
        "--buildings",
        str(bpath),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert [c["camera_id"] for c in body["cameras"]] == ["SEES"]
    assert [c["camera_id"] for c in body["context"]] == ["WALLED"]
    assert body["context"][0]["occluded"] is True


def test_route_raw_osm_cameras(shared_data: Path) -> None:
    folder = shared_data / "helsinki_osm"
    args = [
        "route",
        "--lon",
        "24.9447",
        "--lat",
        "60.1690",
        "--uncertainty-m",
        "30",
        "--cameras",
        str(folder / "surveillance.geojson"),
        "--buildings",
        str(folder / "buildings.geojson"),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["considered"] > 0
    assert all(0.0 <= c["visible_fraction"] <= 1.0 for c in body["cameras"])


def test_route_bad_lon_exits_2(tmp_path: Path) -> None:
    cpath, _ = _files(tmp_path)
    result = CliRunner().invoke(
        app, ["route", "--lon", "500", "--lat", "10", "--cameras", str(cpath)]
    )
    assert result.exit_code == 2
    assert "lon" in result.output


def test_route_from_the_store_with_no_camera_in_sight(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    cams = tmp_path / "far.csv"
    cams.write_text("id,lon,lat\nFAR,106.7,10.77\n", encoding="utf-8")
    imported = CliRunner().invoke(app, ["cameras", "import", str(cams), "--db", db])
    assert imported.exit_code == 0, imported.output
    result = CliRunner().invoke(app, ["route", "--lon", "105", "--lat", "10.77", "--db", db])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["reason"]["en"].startswith("no camera sees")


def test_viewsheds_batch_stores_once_and_tells_servers(store_url: str, shared_data: Path) -> None:
    import sqlalchemy as sa

    from camroute.cameras.service import import_file
    from camroute.routing.store import registry_fingerprint
    from camroute.routing.tables import camera_viewsheds
    from camroute.store import make_engine, migrate

    engine = make_engine(store_url)
    migrate(engine)
    import_file(engine, shared_data / "helsinki_osm" / "surveillance.geojson")
    runner = CliRunner()
    buildings = shared_data / "helsinki_osm" / "buildings.geojson"
    assert (
        runner.invoke(app, ["buildings", "import", str(buildings), "--db", store_url]).exit_code
        == 0
    )
    before = registry_fingerprint(engine)
    first = runner.invoke(app, ["viewsheds", "--db", store_url, "--workers", "2"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    # Helsinki's OSM cameras: 40 can turn all round, 181 have no direction (no viewshed)
    assert (summary["cameras"], summary["computed"], summary["without_heading"]) == (221, 40, 181)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(camera_viewsheds)).scalar()
    assert stored == 40
    after = registry_fingerprint(engine)
    assert after != before
    again = json.loads(runner.invoke(app, ["viewsheds", "--db", store_url]).stdout)
    assert (again["computed"], again["kept"]) == (0, 40)
    assert registry_fingerprint(engine) == after  # nothing new: servers are not disturbed
    engine.dispose()


def test_viewsheds_summary_names_the_cameras_the_index_left_out(tmp_path: Path) -> None:
    from camroute.cameras.service import import_file
    from camroute.store import make_engine, migrate

    db = f"sqlite:///{tmp_path / 'c.db'}"
    rows = [f"CITY-{i},{106.70 + i * 1e-4},10.77" for i in range(30)]
    rows += [f"FAR-{i:02d},{-165.0 + i * 0.1},0.0" for i in range(22)]  # the other side
    path = tmp_path / "cams.csv"
    path.write_text("id,lon,lat\n" + "\n".join(rows) + "\n", encoding="utf-8")
    engine = make_engine(db)
    migrate(engine)
    assert import_file(engine, path).summary()["imported"] == 52
    engine.dispose()
    result = CliRunner().invoke(app, ["viewsheds", "--db", db, "--workers", "1"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["cameras"], summary["excluded"]) == (30, 22)
    assert summary["excluded_ids"] == [f"FAR-{i:02d}" for i in range(20)]
