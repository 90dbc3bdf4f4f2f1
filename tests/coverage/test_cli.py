"""``camroute coverage report`` / ``export``: the JSON summary last, a GeoPackage for QGIS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import geopandas as gpd
import orjson
import pytest
import shapely
from tests.routing.conftest import to_lonlat
from typer.testing import CliRunner

from camroute.cli import app

runner = CliRunner()


def test_report_lists_streets_then_the_summary(db: str) -> None:
    result = runner.invoke(app, ["coverage", "report", "--db", db])
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.output.strip().splitlines()[-1])
    # the camera looks east along the street: 50 of its 200 m
    assert summary["cameras"] == 1
    assert summary["street_share"] == pytest.approx(0.25, abs=0.01)
    assert "Lê Lợi" in result.output


def test_export_writes_seen_and_streets_layers(db: str, tmp_path: Path) -> None:
    out = tmp_path / "coverage.gpkg"
    result = runner.invoke(app, ["coverage", "export", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    seen = gpd.read_file(out, layer="seen")
    streets = gpd.read_file(out, layer="streets")
    assert seen.crs.to_epsg() == 4326
    assert seen.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")
    assert list(streets["name"]) == ["Lê Lợi"]
    assert streets["seen_m"].iloc[0] == pytest.approx(50.0, abs=1.0)


def test_report_counts_recent_incidents_seen(db: str) -> None:
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa

    from camroute.incidents.tables import incidents
    from camroute.store import make_engine

    now = datetime.now(UTC)
    rows = [  # (east metres, days ago): ahead of the camera, behind it, ahead but too old
        ("i1", 20.0, 1),
        ("i2", -20.0, 1),
        ("i3", 20.0, 400),
    ]
    engine = make_engine(db)
    with engine.begin() as conn:
        for key, east, days in rows:
            lon, lat = to_lonlat(east, 0.0)
            when = now - timedelta(days=days)
            conn.execute(
                sa.insert(incidents).values(
                    id=key,
                    call_id=key,
                    hotline="113",
                    status="closed",
                    created_at=when,
                    updated_at=when,
                    lon=lon,
                    lat=lat,
                    location_count=1,
                    ward_name="Bến Thành",
                )
            )
    engine.dispose()
    result = runner.invoke(app, ["coverage", "report", "--months", "12", "--db", db])
    summary = orjson.loads(result.output.strip().splitlines()[-1])
    assert (summary["incidents"], summary["incidents_seen"]) == (2, 1)
    assert "Bến Thành" in result.output


def test_plan_proposes_a_camera_along_the_unseen_street(db: str, tmp_path: Path) -> None:
    # a second street crossing the first at 60 m east: its corner is the default candidate site
    cross = shapely.LineString([to_lonlat(60.0, -100.0), to_lonlat(60.0, 100.0)])
    streets = tmp_path / "cross.geojson"
    feature = {
        "type": "Feature",
        "properties": {"name": "Nguyễn Huệ"},
        "geometry": shapely.geometry.mapping(cross),
    }
    streets.write_bytes(orjson.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert (
        runner.invoke(app, ["layers", "import", "streets", str(streets), "--db", db]).exit_code == 0
    )
    result = runner.invoke(app, ["coverage", "plan", "--budget", "2", "--db", db])
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.output.strip().splitlines()[-1])
    assert summary["planned"] == 2
    first, second = summary["cameras"]
    assert first["site"] in ("Lê Lợi - Nguyễn Huệ", "Nguyễn Huệ - Lê Lợi")
    assert round(first["heading_deg"]) % 180 == 0  # along the unseen Nguyễn Huệ
    assert first["gain_m"] >= second["gain_m"] > 0.0


def test_export_has_ward_polygons_figures_and_blind_layer(wards: str, tmp_path: Path) -> None:
    from camroute.coverage.service import registry_coverage
    from camroute.store import make_engine

    engine = make_engine(wards)
    result = registry_coverage(engine, since=datetime_now_minus_days(365), min_blind_m=10.0)
    engine.dispose()
    by_code = {w.code: w for w in result.wards}
    assert not result.wards_approximate
    # the street runs -100..100 m; the camera sees 0..50 m east of it
    assert by_code["E1"].street_length_m == pytest.approx(100.0, abs=0.5)
    assert by_code["E1"].street_share == pytest.approx(0.5, abs=0.01)
    assert by_code["W1"].street_share == 0.0
    assert sorted(round(b.length_m) for b in result.blind) == [50, 100]
    out = tmp_path / "c.gpkg"
    assert runner.invoke(app, ["coverage", "export", str(out), "--db", wards]).exit_code == 0
    blind = gpd.read_file(out, layer="blind")
    # the default leaves out pieces under 50 m: the 49.9 m one past the view's arc goes
    assert blind["length_m"].round().tolist() == [100.0]
    assert blind.crs.to_epsg() == 4326
    layer = gpd.read_file(out, layer="wards").set_index("code")
    assert layer.loc["E1", "street_share"] == pytest.approx(0.5, abs=0.01)
    assert layer.loc["E1", "name"] == "Phường Đông"
    assert layer.geometry["E1"].contains(shapely.Point(to_lonlat(75.0, 0.0)))


def datetime_now_minus_days(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)
