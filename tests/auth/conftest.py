"""Auth fixtures: cheap argon2 and a fixed signing key, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.settings import Settings

TEST_SECRET = "test-signing-key-" + "x" * 32


def fast_settings(database_url: str, **overrides: object) -> Settings:
    """Settings with argon2 lowered to test cost (the real cost is the default)."""
    values: dict[str, object] = {
        "database_url": database_url,
        "password_hash_time_cost": 1,
        "password_hash_memory_kib": 64,
        "jwt_secret": TEST_SECRET,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def auth_settings(store_url: str) -> Settings:
    return fast_settings(store_url)


@pytest.fixture
def client(auth_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(auth_settings)) as c:
        yield c
