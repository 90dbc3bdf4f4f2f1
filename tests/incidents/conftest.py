"""Fixtures: a running app on SQLite and PostgreSQL, with API keys for each role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.settings import Settings

ROLES = {
    "cad": Role.integration,
    "ann": Role.dispatcher,
    "bob": Role.dispatcher,
    "sue": Role.supervisor,
    "aud": Role.auditor,
}


@dataclass
class Api:
    """A test client and one ``X-API-Key`` header per principal name."""

    client: TestClient
    app: FastAPI
    keys: dict[str, dict[str, str]]

    def as_(self, name: str) -> dict[str, str]:
        return self.keys[name]


def make_api(app: FastAPI, client: TestClient) -> Api:
    engine = app.state.engine
    keys = {
        name: {
            "X-API-Key": create_api_key(
                engine, name=name, role=role, actor="test", actor_role="test"
            ).key
        }
        for name, role in ROLES.items()
    }
    return Api(client=client, app=app, keys=keys)


@pytest.fixture
def api(store_url: str) -> Iterator[Api]:
    settings = Settings(_env_file=None, database_url=store_url)  # type: ignore[call-arg]
    app = create_app(settings)
    with TestClient(app) as client:
        yield make_api(app, client)


def add_ben_thanh_layers(app: FastAPI) -> None:
    """A ward polygon around the test caller and one named street, reloaded into the app."""
    import shapely

    from camroute.areas.models import AreaFeature
    from camroute.areas.store import write_features

    ward = AreaFeature(
        kind="admin",
        name="Phường Bến Thành",
        code="26734",
        level="ward",
        geometry=shapely.box(106.690, 10.765, 106.705, 10.780),
    )
    street = AreaFeature(
        kind="streets",
        name="Lê Lợi",
        geometry=shapely.LineString([(106.6990, 10.7740), (106.7030, 10.7760)]),
    )
    write_features(app.state.engine, [ward, street])
    app.state.area_layers.reload(app.state.engine)


@pytest.fixture
def api_with_layers(api: Api) -> Api:
    add_ben_thanh_layers(api.app)
    return api
