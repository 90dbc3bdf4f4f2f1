"""API fixtures: one app per module on SQLite and on PostGIS, one API key per role.

Starting the app (area layers, routing index, event bus) costs about a second, so the app
lives for the module and each test starts from an empty camera registry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.support import role_api_keys

from camroute.app import create_app
from camroute.cameras.tables import camera_credentials, camera_history, cameras
from camroute.settings import Settings


@dataclass
class Api:
    client: TestClient
    keys: dict[str, dict[str, str]]

    def as_(self, role: str) -> dict[str, str]:
        return self.keys[role]


@pytest.fixture(scope="module")
def api_module(module_store_url: str) -> Iterator[Api]:
    settings = Settings(_env_file=None, database_url=module_store_url)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        keys = role_api_keys(engine, "k")
        yield Api(client=client, keys={r.value: {"X-API-Key": k} for r, k in keys.items()})


@pytest.fixture
def api(api_module: Api) -> Iterator[Api]:
    engine = api_module.client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        for table in (camera_credentials, camera_history, cameras):
            conn.execute(sa.delete(table))
    listeners = list(api_module.client.app.state.registry_listeners)  # type: ignore[attr-defined]
    yield api_module
    api_module.client.app.state.registry_listeners[:] = listeners  # type: ignore[attr-defined]
