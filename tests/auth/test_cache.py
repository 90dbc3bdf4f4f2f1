"""Cached credential checks: revoked keys and sessions stop at once, in every app on the store."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from tests.auth.conftest import fast_settings

from camroute.app import create_app
from camroute.auth import service
from camroute.auth.cache import CredentialCache
from camroute.auth.models import Principal, Role

ADMIN = {"actor": "cli:root", "actor_role": "cli"}
ALICE = Principal(name="alice", role=Role.integration, kind="apikey")
PROBE = "/api/incidents"  # integration may read it


def _live_cache(ttl_s: float = 60.0) -> CredentialCache:
    cache = CredentialCache(ttl_s=ttl_s)
    cache.live = True
    return cache


def test_cache_keeps_a_principal_for_its_generation() -> None:
    cache = _live_cache()
    cache.put("k", ALICE, generation=cache.generation)
    assert cache.get("k") == ALICE


def test_cache_drops_a_lookup_that_raced_a_change() -> None:
    cache = _live_cache()
    before = cache.generation
    cache.changed()  # a revocation committed while the lookup ran
    cache.put("k", ALICE, generation=before)
    assert cache.get("k") is None


def test_cache_forgets_everything_on_a_change() -> None:
    cache = _live_cache()
    cache.put("k", ALICE, generation=cache.generation)
    cache.changed()
    assert cache.get("k") is None


def test_cache_is_unused_while_not_live() -> None:
    cache = _live_cache()
    cache.put("k", ALICE, generation=cache.generation)
    cache.live = False  # the watch lost its connection: notices may be missed
    assert cache.get("k") is None


def test_cache_entry_expires_after_ttl() -> None:
    cache = _live_cache(ttl_s=0.05)
    cache.put("k", ALICE, generation=cache.generation)
    time.sleep(0.1)
    assert cache.get("k") is None


@pytest.fixture
def two_apps(store_url: str) -> Iterator[tuple[TestClient, TestClient]]:
    """Two app instances (two workers) on one store."""
    with ExitStack() as stack:
        a = stack.enter_context(TestClient(create_app(fast_settings(store_url))))
        b = stack.enter_context(TestClient(create_app(fast_settings(store_url))))
        yield a, b


def _key(client: TestClient, name: str) -> dict[str, str]:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    key = service.create_api_key(engine, name=name, role=Role.integration, **ADMIN).key
    return {"X-API-Key": key}


def test_revoked_key_stops_at_once_in_the_other_app(
    two_apps: tuple[TestClient, TestClient],
) -> None:
    a, b = two_apps
    headers = _key(a, "cad")
    assert b.get(PROBE, headers=headers).status_code == 200
    assert b.get(PROBE, headers=headers).status_code == 200  # from B's cache on PostgreSQL
    service.disable_api_key(a.app.state.engine, "cad", **ADMIN)  # type: ignore[attr-defined]
    assert b.get(PROBE, headers=headers).status_code == 401
    assert a.get(PROBE, headers=headers).status_code == 401


def test_disabled_user_token_stops_at_once_in_the_other_app(
    two_apps: tuple[TestClient, TestClient],
) -> None:
    a, b = two_apps
    engine, settings = a.app.state.engine, a.app.state.settings  # type: ignore[attr-defined]
    service.add_user(engine, settings, name="dis", role=Role.dispatcher, password="p" * 16, **ADMIN)
    token = service.login(engine, settings, username="dis", password="p" * 16).access_token
    headers = {"Authorization": f"Bearer {token}"}
    assert b.get(PROBE, headers=headers).status_code == 200
    assert b.get(PROBE, headers=headers).status_code == 200
    service.disable_user(engine, "dis", **ADMIN)
    assert b.get(PROBE, headers=headers).status_code == 401


@pytest.mark.postgres
def test_key_disabled_by_another_process_stops_in_a_running_app(pg_database: str) -> None:
    """The CLI in its own process: only its NOTIFY can reach the app's cache."""
    with TestClient(create_app(fast_settings(pg_database))) as client:
        headers = _key(client, "cad")
        assert client.get(PROBE, headers=headers).status_code == 200
        cache = client.app.state.credentials  # type: ignore[attr-defined]
        digest = service.key_digest(headers["X-API-Key"])
        assert cache.get("key:" + digest) is not None  # really served from the cache
        cli = [sys.executable, "-c", "from camroute.cli import main; main()"]
        cmd = [*cli, "apikeys", "disable", "cad", "--db", pg_database]
        subprocess.run(cmd, check=True, capture_output=True)
        done = time.monotonic()
        while client.get(PROBE, headers=headers).status_code == 200:
            assert time.monotonic() - done < 1.0, "the revoked key still worked after 1 s"
            time.sleep(0.005)
        assert cache.get("key:" + digest) is None


def test_nothing_is_cached_on_sqlite(store_url: str) -> None:
    if not store_url.startswith("sqlite"):
        pytest.skip("SQLite has no cross-process notice, so it must not cache")
    with TestClient(create_app(fast_settings(store_url))) as client:
        headers = _key(client, "cad")
        assert client.get(PROBE, headers=headers).status_code == 200
        digest = service.key_digest(headers["X-API-Key"])
        assert client.app.state.credentials.get("key:" + digest) is None  # type: ignore[attr-defined]
