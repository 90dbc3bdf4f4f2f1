"""A one-camera, one-street registry (SQLite) the coverage commands run on."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import shapely
from tests.routing.conftest import to_lonlat
from typer.testing import CliRunner

from camroute.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return fill(f"sqlite:///{tmp_path / 'c.db'}", tmp_path)


def fill(url: str, tmp_path: Path) -> str:
    """One camera at 0 m looking east (60°, 50 m) over the street "Lê Lợi" from -100 to 100 m."""
    lon, lat = to_lonlat(0.0, 0.0)
    cams = tmp_path / "cams.csv"
    cams.write_text(f"id,lon,lat,heading_deg,hfov_deg,range_m\nC1,{lon},{lat},90,60,50\n")
    assert runner.invoke(app, ["cameras", "import", str(cams), "--db", url]).exit_code == 0
    street = shapely.LineString([to_lonlat(-100.0, 0.0), to_lonlat(100.0, 0.0)])
    streets = tmp_path / "streets.geojson"
    feature = {
        "type": "Feature",
        "properties": {"name": "Lê Lợi"},
        "geometry": shapely.geometry.mapping(street),
    }
    streets.write_bytes(orjson.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert (
        runner.invoke(app, ["layers", "import", "streets", str(streets), "--db", url]).exit_code
        == 0
    )
    return url


WARDS = (("Phường Tây", "W1", -150.0, 0.0), ("Phường Đông", "E1", 0.0, 150.0))


@pytest.fixture
def wards(db: str, tmp_path: Path) -> str:
    """Two 2025 wards split at 0 m east: the camera looks into the eastern one."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": name, "code": code},
            "geometry": shapely.geometry.mapping(
                shapely.Polygon([to_lonlat(x0, -50.0), to_lonlat(x1, -50.0),
                                 to_lonlat(x1, 50.0), to_lonlat(x0, 50.0)])
            ),
        }
        for name, code, x0, x1 in WARDS
    ]  # fmt: skip
    path = tmp_path / "wards.geojson"
    path.write_bytes(orjson.dumps({"type": "FeatureCollection", "features": features}))
    args = ["layers", "import", "admin", str(path), "--level", "ward", "--code-field", "code"]
    assert runner.invoke(app, [*args, "--db", db]).exit_code == 0
    return db
