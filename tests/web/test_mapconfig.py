"""``GET /api/map/config``: the start view and the credits come from the data loaded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shapely
from fastapi import FastAPI
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.areas.models import AreaFeature
from camroute.areas.store import write_features
from camroute.auth.models import Role
from camroute.auth.service import add_user
from camroute.demo.loader import load_city
from camroute.settings import Settings
from camroute.web.mapconfig import MapConfig

PASSWORD = "map config test password 1"
HELSINKI = (24.8, 60.1, 25.1, 60.3)  # minlon, minlat, maxlon, maxlat around the demo data


@pytest.fixture
def app(store_url: str) -> FastAPI:
    return create_app(Settings(_env_file=None, database_url=store_url))  # type: ignore[call-arg]


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        add_user(
            app.state.engine,
            app.state.settings,
            name="ann",
            role=Role.dispatcher,
            password=PASSWORD,
            actor="test",
            actor_role="test",
        )
        r = c.post("/api/auth/login", data={"username": "ann", "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield c


def _config(client: TestClient) -> MapConfig:
    r = client.get("/api/map/config")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    return MapConfig.model_validate(r.json())


def _inside(bounds: tuple[float, float, float, float] | None, box: tuple[float, ...]) -> bool:
    assert bounds is not None
    return shapely.box(*box).contains(shapely.box(*bounds))


def test_an_empty_store_has_no_start_view_and_no_credits(client: TestClient) -> None:
    config = _config(client)
    assert config.bounds is None
    assert config.attribution == []


def test_helsinki_opens_on_its_cameras_and_credits_openstreetmap(
    app: FastAPI, client: TestClient
) -> None:
    load_city(app.state.engine, "helsinki", sim_base_url="http://127.0.0.1:9")
    config = _config(client)
    assert _inside(config.bounds, HELSINKI)
    texts = [c.en for c in config.attribution] + [c.vi for c in config.attribution]
    assert any("OpenStreetMap" in text for text in texts)
    assert not any("HCMC" in text or "TP.HCM" in text for text in texts)


def test_loading_twice_credits_each_source_once(app: FastAPI, client: TestClient) -> None:
    for _ in range(2):
        load_city(app.state.engine, "helsinki", sim_base_url="http://127.0.0.1:9")
    credits = _config(client).attribution
    assert len(credits) == len({(c.vi, c.en) for c in credits}) == 2


def test_without_cameras_the_area_layers_give_the_view(app: FastAPI, client: TestClient) -> None:
    write_features(
        app.state.engine,
        [
            AreaFeature(kind="admin", name="A", level="ward", geometry=shapely.box(1, 2, 3, 4)),
            AreaFeature(kind="stations", name="S", service="113", geometry=shapely.Point(5, 6)),
        ],
    )
    assert _config(client).bounds == (1.0, 2.0, 5.0, 6.0)


def test_the_config_needs_a_login(app: FastAPI) -> None:
    with TestClient(app) as c:
        r = c.get("/api/map/config")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
