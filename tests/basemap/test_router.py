"""``GET /api/basemap/tiles/{z}/{x}/{y}.mvt`` and the label glyphs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import mapbox_vector_tile
import pytest
import shapely
from fastapi import FastAPI
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.areas.models import AreaFeature
from camroute.areas.store import write_features as write_area_features
from camroute.auth.models import Role
from camroute.auth.service import add_user
from camroute.basemap.glyphs import GLYPH_DIR
from camroute.basemap.models import BasemapFeature
from camroute.basemap.store import replace_features
from camroute.basemap.tiles import tile_of
from camroute.settings import Settings

PASSWORD = "basemap tiles test password 1"
DONG_KHOI = BasemapFeature(
    "roads",
    "tertiary",
    shapely.LineString([(106.7005, 10.7780), (106.7040, 10.7745)]),
    "\u00d0ồng Khởi",
)
Z16 = tile_of(lon=106.7020, lat=10.7762, z=16)


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    return create_app(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        engine = app.state.engine
        add_user(
            engine,
            app.state.settings,
            name="ann",
            role=Role.dispatcher,
            password=PASSWORD,
            actor="test",
            actor_role="test",
        )
        replace_features(engine, [DONG_KHOI])
        r = c.post("/api/auth/login", data={"username": "ann", "password": PASSWORD})
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield c


def test_a_tile_is_a_vector_tile_with_the_street_name(client: TestClient) -> None:
    r = client.get(f"/api/basemap/tiles/16/{Z16[0]}/{Z16[1]}.mvt")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert r.headers["etag"]
    roads = mapbox_vector_tile.decode(r.content)["roads"]["features"]
    assert [f["properties"]["name"] for f in roads] == ["\u00d0ồng Khởi"]


def test_ward_names_of_the_areas_store_are_in_the_tiles(app: FastAPI, client: TestClient) -> None:
    ward = AreaFeature(
        "admin", "Phường Sài Gòn", shapely.Point(106.7021, 10.7763), code="26734", level="ward"
    )
    url = f"/api/basemap/tiles/16/{Z16[0]}/{Z16[1]}.mvt"
    before = client.get(url)
    app.state.basemap_tiles._check_s = 0.0
    write_area_features(app.state.engine, [ward])  # a ward import, no new basemap import
    after = client.get(url)
    assert "places" not in mapbox_vector_tile.decode(before.content)
    assert before.headers["etag"] != after.headers["etag"]
    (place,) = mapbox_vector_tile.decode(after.content)["places"]["features"]
    assert place["properties"] == {"kind": "ward", "name": "Phường Sài Gòn", "approximate": 1}


def test_a_new_import_is_served_without_a_restart(app: FastAPI, client: TestClient) -> None:
    url = f"/api/basemap/tiles/16/{Z16[0]}/{Z16[1]}.mvt"
    first = client.get(url)
    app.state.basemap_tiles._check_s = 0.0  # no wait for the next generation check
    renamed = BasemapFeature("roads", "tertiary", DONG_KHOI.geometry, "Đồng Khởi")
    replace_features(app.state.engine, [renamed])
    second = client.get(url)
    assert first.headers["etag"] != second.headers["etag"]
    roads = mapbox_vector_tile.decode(second.content)["roads"]["features"]
    assert [f["properties"]["name"] for f in roads] == ["Đồng Khởi"]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/basemap/tiles/19/0/0.mvt", 422), ("/api/basemap/tiles/2/4/0.mvt", 422)],
)
def test_tiles_outside_the_grid_are_refused(client: TestClient, path: str, status: int) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"


def test_an_empty_tile_is_an_empty_body(client: TestClient) -> None:
    r = client.get("/api/basemap/tiles/3/0/0.mvt")
    assert r.status_code == 200
    assert r.content == b""


def test_tiles_need_a_login(app: FastAPI) -> None:
    with TestClient(app) as c:
        r = c.get(f"/api/basemap/tiles/16/{Z16[0]}/{Z16[1]}.mvt")
    assert r.status_code == 401


def test_glyphs_cover_vietnamese_and_are_public(app: FastAPI) -> None:
    with TestClient(app) as c:
        shipped = c.get("/basemap/glyphs/DejaVu Sans/7680-7935.pbf")  # ạ ả ấ ầ ẩ ẫ ậ ... ỹ
        other = c.get("/basemap/glyphs/DejaVu Sans,Noto Sans/19968-20223.pbf")  # CJK: not shipped
        unknown = c.get("/basemap/glyphs/Comic Sans/0-255.pbf")
    assert shipped.status_code == 200
    assert shipped.content == (GLYPH_DIR / "DejaVu Sans" / "7680-7935.pbf").read_bytes()
    assert b"DejaVu Sans" in shipped.content[:32]
    assert b"7680-7935" in shipped.content[:32]
    assert len(shipped.content) > 50_000
    assert other.status_code == 200
    assert other.content.startswith(b"\n")  # a valid, empty glyph set
    assert len(other.content) < 64
    assert unknown.status_code == 404
