"""``GET /api/layers/{name}?bbox=``: base layers by viewport, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import geopandas as gpd
import pytest
import shapely
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.areas.models import AreaFeature
from camroute.areas.store import write_features
from camroute.auth.models import Role
from camroute.auth.service import add_user
from camroute.buildings.store import replace_buildings
from camroute.errors import InvalidInputError
from camroute.settings import Settings
from camroute.web.layers import parse_bbox

PASSWORD = "layers test password 123"
VIEW = "106.690,10.770,106.700,10.780"


def _square(lon: float, lat: float, half_deg: float = 0.001) -> shapely.Geometry:
    return shapely.box(lon - half_deg, lat - half_deg, lon + half_deg, lat + half_deg)


@pytest.fixture
def client(store_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(_env_file=None, database_url=store_url))  # type: ignore[call-arg]
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
        write_features(
            engine,
            [
                AreaFeature(
                    kind="admin",
                    name="Bến Thành",
                    level="ward",
                    code="26740",
                    geometry=_square(106.695, 10.775),
                ),
                AreaFeature(
                    kind="admin", name="Far ward", level="ward", geometry=_square(107.5, 11.5)
                ),
                AreaFeature(
                    kind="admin",
                    name="Retired",
                    level="ward",
                    geometry=_square(106.695, 10.775),
                    valid_to=datetime(2025, 7, 1, tzinfo=UTC),
                ),
                AreaFeature(
                    kind="stations",
                    name="Trạm 115",
                    service="115",
                    geometry=shapely.Point(106.699, 10.779),
                ),
            ],
        )
        frame = gpd.GeoDataFrame(
            {"height_m": [12.0, None]},
            geometry=[_square(106.692, 10.772, 0.0002), _square(106.8, 10.9, 0.0002)],
            crs="EPSG:4326",
        )
        replace_buildings(engine, frame)
        r = c.post("/api/auth/login", data={"username": "ann", "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield c


def test_admin_layer_holds_only_current_units_in_the_viewport(client: TestClient) -> None:
    r = client.get(f"/api/layers/admin?bbox={VIEW}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/geo+json"
    body = r.json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in body["features"]] == ["Bến Thành"]
    assert body["features"][0]["geometry"]["type"] == "Polygon"
    assert body["features"][0]["properties"]["code"] == "26740"
    assert body["truncated"] is False


def test_stations_carry_their_hotline(client: TestClient) -> None:
    body = client.get(f"/api/layers/stations?bbox={VIEW}").json()
    assert body["features"][0]["properties"] == {"name": "Trạm 115", "service": "115"}
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [106.699, 10.779]}


def test_buildings_are_cut_by_bbox_with_heights(client: TestClient) -> None:
    body = client.get(f"/api/layers/buildings?bbox={VIEW}").json()
    assert len(body["features"]) == 1
    assert body["features"][0]["properties"] == {"height_m": 12.0}
    assert body["total"] == 1


def test_limit_truncates_and_says_so(client: TestClient) -> None:
    body = client.get("/api/layers/admin?bbox=100,5,110,15&limit=1").json()
    assert len(body["features"]) == 1
    assert body["total"] == 2
    assert body["truncated"] is True


def test_new_rows_are_seen_without_a_restart(client: TestClient) -> None:
    assert client.get(f"/api/layers/streets?bbox={VIEW}").json()["features"] == []
    engine = client.app.state.engine  # type: ignore[attr-defined]
    line = shapely.LineString([(106.691, 10.771), (106.699, 10.779)])
    write_features(engine, [AreaFeature(kind="streets", name="Lê Lợi", geometry=line)])
    names = [
        f["properties"]["name"]
        for f in client.get(f"/api/layers/streets?bbox={VIEW}").json()["features"]
    ]
    assert names == ["Lê Lợi"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/layers/rivers?bbox={VIEW}", "layer"),
        ("/api/layers/admin?bbox=1,2,3", "bbox"),
        ("/api/layers/admin?bbox=10,20,5,30", "bbox"),
        ("/api/layers/admin?bbox=a,b,c,d", "bbox"),
        ("/api/layers/admin", "bbox"),
    ],
)
def test_bad_requests_name_the_field(client: TestClient, path: str, field: str) -> None:
    r = client.get(path)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == field


def test_layers_need_a_login(client: TestClient) -> None:
    del client.headers["Authorization"]
    client.cookies.clear()  # login also set the HttpOnly cookie
    r = client.get(f"/api/layers/admin?bbox={VIEW}")
    assert r.status_code == 401


@pytest.mark.parametrize("text", ["nan,1,2,3", "1,2,3,inf", "-181,0,0,1", "0,-91,1,0", "1,1,0,2"])
def test_parse_bbox_refuses_impossible_boxes(text: str) -> None:
    with pytest.raises(InvalidInputError, match="bbox"):
        parse_bbox(text)
