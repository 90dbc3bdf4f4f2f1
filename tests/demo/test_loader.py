from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import orjson
import pytest
import shapely
from sqlalchemy import Engine
from typer.testing import CliRunner

from camroute.areas.store import read_features
from camroute.basemap.store import read_features as read_basemap
from camroute.buildings.store import count_buildings
from camroute.cameras.store import get_stream_source, load_cameras
from camroute.cli import app
from camroute.demo.loader import (
    DATA_DIR,
    START_VIEWS,
    demo_cameras,
    load_city,
    seeing_cameras,
)
from camroute.store import make_engine, migrate
from camroute.web.layers import LayerCache
from camroute.web.mapconfig import map_config

SIM = "http://127.0.0.1:8554"
HCMC_BBOX = shapely.box(106.35, 10.35, 107.05, 11.2)
HELSINKI_BBOX = shapely.box(24.93, 60.16, 24.96, 60.18)
README = Path(__file__).parents[2] / "README.md"


def test_shipped_files_are_small_and_attributed() -> None:
    files = [p for p in DATA_DIR.rglob("*") if p.is_file()]
    assert all(p.stat().st_size < 300 * 1024 for p in files), [p.name for p in files]
    # The HCMC basemap (OSM exports of District 1 and around, gzipped) has its own budget.
    basemap = [p for p in files if p.parent.name == "basemap"]
    assert sum(p.stat().st_size for p in basemap) < 0.8 * 1024 * 1024
    others = [p for p in files if p not in basemap]
    assert sum(p.stat().st_size for p in others) < 1.2 * 1024 * 1024
    attribution = (DATA_DIR / "ATTRIBUTION.md").read_text()
    for source in ("UIP", "vietnamadminunits", "dvhcvn", "OpenStreetMap", "ODbL", "illustrative"):
        assert source in attribution


def test_no_test_only_or_unlicensed_data_ships() -> None:
    text = " ".join(p.read_text() for p in DATA_DIR.rglob("*.*json"))
    for marker in ("ketxe", "heading_deg_2017", "district_2017", "Hải Phòng", "Haiphong"):
        assert marker not in text
    assert not list(DATA_DIR.rglob("*haiphong*"))
    assert not list(DATA_DIR.rglob("*gpl*"))


@pytest.mark.parametrize(
    ("city", "count", "bbox", "seeing"),
    [("hcmc", 721, HCMC_BBOX, 337), ("helsinki", 221, HELSINKI_BBOX, 221)],
)
def test_demo_cameras_point_at_the_simulator(
    city: str, count: int, bbox: shapely.Polygon, seeing: int
) -> None:
    cams = demo_cameras(city, sim_base_url=SIM + "/")
    assert len(cams) == count == cams["id"].nunique()
    assert all(shapely.contains(bbox, cams.geometry.values))
    assert cams["snapshot_url"].str.match(rf"^{SIM}/cameras/[^/ ]+/snapshot\.jpg$").all()
    assert cams["mjpeg_url"].str.match(rf"^{SIM}/cameras/[^/ ]+/mjpeg$").all()
    assert set(cams["status"]) == {"online"}
    assert len(seeing_cameras(cams)) == seeing


def test_coordinates_are_rounded_to_six_decimals() -> None:
    raw = (DATA_DIR / "helsinki" / "buildings.geojson").read_text()
    decimals = {len(m) for m in re.findall(r"\.(\d+)[,\]]", raw)}
    assert max(decimals) <= 6


def test_hcmc_headings_are_never_guessed() -> None:
    cams = gpd.read_file(DATA_DIR / "hcmc" / "cameras.geojson")
    assert "heading_deg" not in cams.columns
    fixed = cams[cams["kind"] == "fixed"]
    assert len(fixed) == 384
    assert not {c.id for c in seeing_cameras(cams)} & set(fixed["id"])


def test_unknown_city_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown demo city 'hanoi'"):
        demo_cameras("hanoi", sim_base_url=SIM)


def test_hcmc_loads_into_the_store_and_reloads_without_duplicates(store_engine: Engine) -> None:
    first = load_city(store_engine, "hcmc", sim_base_url=SIM)
    stored = load_cameras(store_engine)
    assert len(stored) == 721
    assert stored["fov_assumed"].all()
    assert set(stored["hfov_source"]) == {"assumed"}
    source = get_stream_source(store_engine, "hcmc-0")
    assert source.snapshot_url == f"{SIM}/cameras/hcmc-0/snapshot.jpg"
    features = read_features(store_engine)
    kinds = {kind: sum(1 for f in features if f.kind == kind) for kind in ("admin", "stations")}
    assert kinds == {"admin": 168, "stations": 12}
    assert "  2025 wards (centroids: approximate): 168" in first.summary
    basemap = read_basemap(store_engine)
    assert sum(1 for f in basemap if f.layer == "roads") >= 4855  # the exports' repeat these
    assert {"roads", "buildings", "parks", "water", "pois"} <= {f.layer for f in basemap}
    config = map_config(store_engine, LayerCache())
    assert config.basemap
    assert config.bounds == START_VIEWS["hcmc"]  # District 1, not the whole camera extent
    assert any("OpenStreetMap" in c.en and "ODbL" in c.en for c in config.attribution)
    # calls go where the basemap has streets: District 1 and around, not the outer districts
    assert 0 < len(first.seeing_cameras) < 337
    assert all(106.66 < c.lon < 106.73 and 10.74 < c.lat < 10.81 for c in first.seeing_cameras)
    again = load_city(store_engine, "hcmc", sim_base_url=SIM)
    assert len(load_cameras(store_engine)) == 721
    assert len(read_features(store_engine)) == len(features)
    assert "  area layers: already in this database, kept as they are" in again.summary
    assert len(read_basemap(store_engine)) == len(basemap)


def test_helsinki_loads_buildings_and_marks_headings_assumed(store_engine: Engine) -> None:
    dataset = load_city(store_engine, "helsinki", sim_base_url=SIM)
    assert count_buildings(store_engine) == 572
    stored = load_cameras(store_engine)
    assert len(stored) == 221
    assert set(stored["heading_source"]) == {"assumed"}
    assert stored["heading_deg"].between(0, 360).all()
    assert len(dataset.seeing_cameras) == 221
    streets = [f for f in read_features(store_engine) if f.kind == "streets"]
    assert len(streets) == 793
    names = orjson.loads((DATA_DIR / "helsinki" / "streets.geojson").read_bytes())
    assert all(f["properties"].get("name") for f in names["features"])


@pytest.mark.parametrize(
    ("city", "query", "kind", "label"),
    [
        ("hcmc", "phường Bến Thành", "admin_unit", "Phường Bến Thành (ward"),
        (
            "helsinki",
            "ngã tư Mikonkatu Yliopistonkatu",
            "intersection",
            "Mikonkatu × Yliopistonkatu",
        ),
    ],
)
def test_the_readme_geocode_examples_answer_on_the_demo_data(
    tmp_path: Path, city: str, query: str, kind: str, label: str
) -> None:
    assert f'`camroute geocode "{query}"' in README.read_text(encoding="utf-8").replace("\n  ", " ")
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = make_engine(db)
    migrate(engine)
    load_city(engine, city, sim_base_url=SIM)
    engine.dispose()
    result = CliRunner().invoke(app, ["geocode", query, "--db", db, "--limit", "1"])
    assert result.exit_code == 0, result.output
    (best,) = orjson.loads(result.stdout)["candidates"]
    assert best["kind"] == kind
    assert best["label"].startswith(label)
