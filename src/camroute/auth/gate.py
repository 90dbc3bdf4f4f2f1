"""The login route's guards, built once per app: throttle, failure tally and hashing slots.

Password checks are argon2id at ``password_hash_memory_kib`` each (64 MiB by default): left
unbounded, concurrent logins piled up memory and took every core from the other routes. A
login waits (without holding a worker thread) for one of a few slots, one per core by default;
after ``login_hash_wait_s`` it is refused with 429 ``login_busy`` and ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from camroute.auth.failures import LoginFailureTally
from camroute.auth.guard import LoginGuard, record_login_failures
from camroute.auth.throttle import LoginThrottle, ThrottlePolicy
from camroute.errors import LoginBusyError
from camroute.settings import Settings


class HashSlots:
    """At most ``size`` password checks at once; a waiter gives up after ``wait_s``."""

    def __init__(self, size: int, *, wait_s: float) -> None:
        self.size = size
        self.wait_s = wait_s
        self._semaphore = asyncio.Semaphore(size)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one slot for the body of the ``async with``; ``LoginBusyError`` if none frees."""
        try:
            await asyncio.wait_for(self._semaphore.acquire(), timeout=self.wait_s)
        except TimeoutError:
            raise LoginBusyError(
                f"{self.size} logins are being checked; try again in a moment",
                retry_after_s=1.0,
            ) from None
        try:
            yield
        finally:
            self._semaphore.release()


def login_guard_for(settings: Settings) -> LoginGuard:
    """The throttle and failure tally configured by ``settings`` (kept in this process)."""
    policy = ThrottlePolicy(
        max_failures_per_user=settings.login_max_failures_per_user,
        max_failures_per_address=settings.login_max_failures_per_address,
        window_s=settings.login_failure_window_s,
        lock_s=settings.login_lock_s,
        lock_max_s=settings.login_lock_max_s,
    )
    tally = LoginFailureTally(every_s=settings.login_failure_audit_every_s)
    return LoginGuard(throttle=LoginThrottle(policy), failures=tally)


def hash_slots_for(settings: Settings) -> HashSlots:
    """One slot per core unless ``login_max_concurrent_hashes`` says otherwise."""
    size = settings.login_max_concurrent_hashes or _usable_cores()
    return HashSlots(size, wait_s=settings.login_hash_wait_s)


def _usable_cores() -> int:
    """Cores this process may run on (a container's share, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


async def flush_login_failures(guard: LoginGuard, engine: Engine, *, every_s: float) -> None:
    """Write the failed-login counts whose minute has passed, until cancelled; then the rest."""
    tally = guard.failures
    if tally is None:
        return
    try:
        while True:
            await asyncio.sleep(every_s)
            await run_in_threadpool(record_login_failures, engine, tally.due())
    finally:
        record_login_failures(engine, tally.drain())  # shutting down: nothing is lost
