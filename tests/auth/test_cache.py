"""Cached credential checks: revoked keys and sessions stop at once, in every app on the store."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.auth.conftest import fast_settings

from camroute.app import create_app
from camroute.auth import deps, service
from camroute.auth.cache import CredentialCache
from camroute.auth.models import Principal, Role
from camroute.store import make_engine
from camroute.store.watch import SqliteCount

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


def _disable_by_hand(store_url: str, name: str) -> None:
    """An administrator's SQL, in a connection of its own: no camroute code runs."""
    engine = make_engine(store_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE api_keys SET disabled = true WHERE name = :n"), {"n": name}
            )
    finally:
        engine.dispose()


def _disable_by_cli(store_url: str, name: str) -> None:
    cli = [sys.executable, "-c", "from camroute.cli import main; main()"]
    cmd = [*cli, "apikeys", "disable", name, "--db", store_url]
    subprocess.run(cmd, check=True, capture_output=True)


@pytest.mark.parametrize("disable", [_disable_by_cli, _disable_by_hand], ids=["cli", "sql"])
def test_key_disabled_outside_the_app_stops_in_a_running_app(
    store_url: str, disable: Callable[[str, str], None]
) -> None:
    """Only the tables' triggers can tell the app: NOTIFY on PostgreSQL, a count on SQLite."""
    with TestClient(create_app(fast_settings(store_url))) as client:
        headers = _key(client, "cad")
        cache = client.app.state.credentials  # type: ignore[attr-defined]
        digest = service.key_digest(headers["X-API-Key"])
        # The key's own creation empties the cache too, by a NOTIFY that may land after the
        # first request cached the key: ask until it stays cached.
        settled = time.monotonic()
        while True:
            assert client.get(PROBE, headers=headers).status_code == 200
            if cache.get("key:" + digest) is not None:  # really served from the cache
                break
            assert time.monotonic() - settled < 2.0, "the key never stayed in the cache"
            time.sleep(0.01)
        disable(store_url, "cad")
        done = time.monotonic()
        while client.get(PROBE, headers=headers).status_code == 200:
            assert time.monotonic() - done < 1.0, "the revoked key still worked after 1 s"
            assert store_url.startswith("postgresql"), "SQLite must refuse the next request"
            time.sleep(0.005)
        assert cache.get("key:" + digest) is None


def test_sqlite_cache_is_used_without_a_lookup(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not store_url.startswith("sqlite"):
        pytest.skip("the SQLite change count")
    with TestClient(create_app(fast_settings(store_url))) as client:
        headers = _key(client, "cad")
        lookups: list[str] = []
        real = deps.principal_from_api_key
        monkeypatch.setattr(
            deps, "principal_from_api_key", lambda *a: lookups.append("x") or real(*a)
        )
        for _ in range(3):
            assert client.get(PROBE, headers=headers).status_code == 200
        assert lookups == ["x"]


def test_unreadable_change_count_means_no_cache(tmp_path: Path) -> None:
    count = SqliteCount(str(tmp_path / "empty.db"), "auth_generation")  # no such table
    assert count() is None
    cache = CredentialCache(ttl_s=60.0)
    cache.probe = count
    cache.put("k", ALICE, generation=cache.generation)
    assert cache.get("k") is None
    assert cache.live is False
    count.close()


def test_a_moved_change_count_empties_the_cache() -> None:
    counts = iter([7, 7, 7, 8, 8])
    cache = CredentialCache(ttl_s=60.0)
    cache.probe = lambda: next(counts)
    assert cache.get("k") is None  # first read: live from now on
    cache.put("k", ALICE, generation=cache.generation)
    assert cache.get("k") == ALICE
    assert cache.get("k") == ALICE
    assert cache.get("k") is None  # 7 -> 8: a change somewhere
    assert cache.get("k") is None  # and it stays forgotten
