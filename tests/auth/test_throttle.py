"""Login throttling per user name and address, bounded hashing, aggregated failure events.

The app's throttle and tally are rebuilt with a clock the test moves (no sleeping).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.auth.conftest import fast_settings

from camroute.app import create_app
from camroute.audit.models import AuditQuery
from camroute.audit.service import query, verify
from camroute.auth import service
from camroute.auth.failures import LoginFailureTally
from camroute.auth.gate import HashSlots, hash_slots_for
from camroute.auth.guard import LoginGuard
from camroute.auth.models import Role
from camroute.auth.throttle import LoginThrottle, ThrottlePolicy
from camroute.errors import LoginBusyError
from camroute.settings import Settings

PASSWORD = "đủ dài để an toàn 2026"
WRONG = "not the password at all"
ADMIN = {"actor": "cli:root", "actor_role": "cli"}
POLICY = ThrottlePolicy(
    max_failures_per_user=5,
    max_failures_per_address=8,
    window_s=3600.0,
    lock_s=30.0,
    lock_max_s=300.0,
)

T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on a fresh loop in a worker thread (a browser test may own this thread's)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@dataclass
class Clock:
    now_s: float = 1000.0

    def __call__(self) -> float:
        return self.now_s


@dataclass
class Setup:
    app: FastAPI
    client: TestClient
    clock: Clock

    @property
    def engine(self) -> Engine:
        engine: Engine = self.app.state.engine
        return engine

    def login(self, name: str, password: str, *, via: TestClient | None = None) -> httpx.Response:
        c = via or self.client
        return c.post("/api/auth/login", data={"username": name, "password": password})


@pytest.fixture
def setup(store_url: str) -> Iterator[Setup]:
    settings = fast_settings(store_url)
    app = create_app(settings)
    clock = Clock()
    with TestClient(app) as client:
        app.state.login_guard = LoginGuard(
            throttle=LoginThrottle(POLICY, clock=clock),
            failures=LoginFailureTally(every_s=60.0, clock=clock),
        )
        for name in ("an", "bo", "cuong"):
            service.add_user(
                app.state.engine,
                settings,
                name=name,
                role=Role.dispatcher,
                password=PASSWORD,
                **ADMIN,
            )
        yield Setup(app, client, clock)


def _failed_events(engine: Engine) -> list[dict[str, object]]:
    items = query(engine, AuditQuery(action="login_failed", order="asc", limit=1000)).items
    return [{"actor": e.actor, **(e.details or {})} for e in items]


def test_six_wrong_then_right_is_429_until_the_lock_passes(setup: Setup) -> None:
    statuses = [setup.login("an", WRONG).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    r = setup.login("an", PASSWORD)
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "login_throttled"
    assert r.headers["retry-after"] == "30"
    assert "set-cookie" not in r.headers
    setup.clock.now_s += 31.0
    assert setup.login("an", PASSWORD).status_code == 200


def test_the_lock_doubles_with_each_further_failure_up_to_the_cap(setup: Setup) -> None:
    for _ in range(5):
        setup.login("an", WRONG)
    waits = []
    for _ in range(6):
        setup.clock.now_s += 301.0  # past any lock, within the hour's window
        assert setup.login("an", WRONG).status_code == 401
        waits.append(int(setup.login("an", PASSWORD).headers["retry-after"]))
    assert waits == [60, 120, 240, 300, 300, 300]


def test_another_user_is_unaffected(setup: Setup) -> None:
    for _ in range(6):
        setup.login("an", WRONG)
    assert setup.login("an", PASSWORD).status_code == 429
    assert setup.login("bo", PASSWORD).status_code == 200


def test_per_address_limit_holds_across_user_names(setup: Setup) -> None:
    names = ["an", "bo", "cuong", "ghost-1", "ghost-2", "an", "bo", "cuong"]
    assert [setup.login(n, WRONG).status_code for n in names] == [401] * 8
    r = setup.login("bo", PASSWORD)  # a right password, another name, the same address
    assert r.status_code == 429
    assert r.json()["code"] == "login_throttled"
    elsewhere = TestClient(setup.app, client=("10.20.30.40", 50000))
    assert setup.login("bo", PASSWORD, via=elsewhere).status_code == 200


def test_failures_are_aggregated_per_user_and_address_and_the_chain_verifies(
    setup: Setup,
) -> None:
    for _ in range(7):  # 5 checked and wrong, then 2 refused while locked
        setup.login("an", WRONG)
    setup.login("ghost", WRONG)
    events = _failed_events(setup.engine)
    assert events == [  # the first of each user+address at once; the rest wait for the minute
        {"actor": "an", "client": "testclient", "count": 1, "reasons": {"bad_password": 1}},
        {"actor": "ghost", "client": "testclient", "count": 1, "reasons": {"unknown_user": 1}},
    ]
    setup.clock.now_s += 61.0
    setup.login("an", WRONG)  # the minute has passed: one event with everything since
    events = _failed_events(setup.engine)
    assert events[2] == {
        "actor": "an",
        "client": "testclient",
        "count": 7,
        "reasons": {"bad_password": 5, "throttled": 2},
    }
    assert len(events) == 3
    assert verify(setup.engine).ok


def test_pending_counts_are_written_at_shutdown(store_url: str) -> None:
    settings = fast_settings(store_url)
    app = create_app(settings)
    with TestClient(app) as client:
        engine: Engine = app.state.engine
        service.add_user(
            engine, settings, name="an", role=Role.dispatcher, password=PASSWORD, **ADMIN
        )
        for _ in range(3):
            client.post("/api/auth/login", data={"username": "an", "password": WRONG})
        assert [e["count"] for e in _failed_events(engine)] == [1]
    # the lifespan ended (engine disposed); a new engine on the same store reads what it wrote
    from camroute.store import make_engine

    reader = make_engine(store_url)
    try:
        assert [e["count"] for e in _failed_events(reader)] == [1, 2]
        assert verify(reader).ok
    finally:
        reader.dispose()


def test_hash_slots_refuse_after_waiting_instead_of_piling_up() -> None:
    slots = HashSlots(1, wait_s=0.05)

    async def contend() -> None:
        async with slots.slot():
            with pytest.raises(LoginBusyError) as info:
                async with slots.slot():
                    pass
            assert info.value.retry_after_s > 0
        async with slots.slot():  # released: free again
            pass

    _run(contend())


def test_throttle_forgets_idle_keys_and_stays_bounded() -> None:
    clock = Clock()
    throttle = LoginThrottle(POLICY, clock=clock, max_tracked=10)
    for i in range(50):
        throttle.failed(user=f"u{i}", address=f"10.0.0.{i}")
    assert len(throttle) == 10
    clock.now_s += POLICY.window_s + 61.0
    throttle.failed(user="late", address=None)
    assert len(throttle) == 1


def test_login_waits_for_a_hash_slot_then_is_refused_busy(setup: Setup) -> None:
    slots = HashSlots(1, wait_s=0.05)
    setup.app.state.login_hash_slots = slots
    portal = setup.client.portal
    assert portal is not None
    holder = slots.slot()
    portal.call(holder.__aenter__)  # every slot taken, in the app's own event loop
    try:
        r = setup.login("an", PASSWORD)
        assert r.status_code == 429
        assert r.json()["code"] == "login_busy"
        assert r.headers["retry-after"] == "1"
    finally:
        portal.call(holder.__aexit__, None, None, None)
    assert setup.login("an", PASSWORD).status_code == 200


def test_hash_slots_follow_the_setting_else_the_cores(settings: Settings) -> None:
    assert hash_slots_for(settings.model_copy(update={"login_max_concurrent_hashes": 3})).size == 3
    assert hash_slots_for(settings).size == len(os.sched_getaffinity(0))
