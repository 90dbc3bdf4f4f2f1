"""API fixtures: one app per module on SQLite and on PostGIS, one API key per role.

Starting the app (area layers, routing index, event bus) costs about a second, so the app
lives for the module and each test starts from an empty camera registry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.cameras.tables import camera_credentials, camera_history, cameras
from camroute.settings import Settings
from camroute.store import make_engine


@dataclass
class Api:
    client: TestClient
    keys: dict[str, dict[str, str]]

    def as_(self, role: str) -> dict[str, str]:
        return self.keys[role]


def _fresh_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        names = (
            conn.execute(
                sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'spatial_ref_sys'"
                )
            )
            .scalars()
            .all()
        )
        for name in names:
            conn.execute(sa.text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
    engine.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def api_module(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('cameras-api')) / 'camroute.db'}"
    else:
        url = request.getfixturevalue("pg_database")
        _fresh_postgres(url)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        keys = {
            role.value: {
                "X-API-Key": create_api_key(
                    engine, name=f"k-{role.value}", role=role, actor="test", actor_role="test"
                ).key
            }
            for role in Role
        }
        yield Api(client=client, keys=keys)


@pytest.fixture
def api(api_module: Api) -> Iterator[Api]:
    engine = api_module.client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        for table in (camera_credentials, camera_history, cameras):
            conn.execute(sa.delete(table))
    listeners = list(api_module.client.app.state.registry_listeners)  # type: ignore[attr-defined]
    yield api_module
    api_module.client.app.state.registry_listeners[:] = listeners  # type: ignore[attr-defined]
