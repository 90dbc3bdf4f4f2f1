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


def test_route_from_the_store_with_no_cameras(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["route", "--lon", "105", "--lat", "10.77", "--db", f"sqlite:///{tmp_path / 'x.db'}"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["reason"]["en"].startswith("no camera sees")
