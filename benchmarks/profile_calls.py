"""Where one new call's milliseconds go: ``POST /api/calls`` in process, serial.

The app (``create_app``) on a store holding the 848 real HCMC traffic cameras, an integration
API key, ``httpx``'s ASGI transport (no socket), one request at a time. Prints the p50 / p99
of the whole request, then (``--profile``) the cProfile of the same requests, sorted by
cumulative time, and a few ``perf_counter`` splits: the credential check, the locate step
and the write transaction, each timed on its own in the same process.

Run: ``python benchmarks/profile_calls.py [--db URL] [--calls 300] [--profile]``
(default store: a fresh SQLite file in a temp dir; pass a PostgreSQL URL for that store).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import random
import statistics
import tempfile
import time
import uuid
from functools import partial
from pathlib import Path

import httpx
from bench_calls import _location, _prepare

from camroute.app import create_app
from camroute.auth.service import principal_from_api_key
from camroute.incidents import calls
from camroute.incidents.locate import locate
from camroute.incidents.models import CallCreate
from camroute.settings import Settings


def _q(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100)
    return f"p50 {q[49] * 1e3:7.3f} ms  p99 {q[98] * 1e3:7.3f} ms"


async def _requests(
    client: httpx.AsyncClient,
    key: str,
    n: int,
    rng: random.Random,
    *,
    cpu: list[float] | None = None,
) -> list[float]:
    out = []
    run = uuid.uuid4().hex[:8]
    for i in range(n):
        body = {"call_id": f"{run}-{i}", "hotline": "113", "location": _location(rng)}
        t0, c0 = time.perf_counter(), time.process_time()
        r = await client.post("/api/calls", json=body, headers={"X-API-Key": key})
        out.append(time.perf_counter() - t0)
        if cpu is not None:  # every thread of this process, none of the others'
            cpu.append(time.process_time() - c0)
        if r.status_code != 201:
            raise SystemExit(f"{r.status_code}: {r.text[:300]}")
    return out


def _splits(app: object, key: str, n: int, rng: random.Random, *, profile: bool) -> None:
    state = app.state  # type: ignore[attr-defined]
    engine = state.engine
    auth = []
    for _ in range(n):
        t0 = time.perf_counter()
        principal = principal_from_api_key(engine, key)
        auth.append(time.perf_counter() - t0)
    print(f"  auth (API-key lookup)  {_q(auth)}")
    index = state.camera_index.current
    loc, write = [], []
    run = uuid.uuid4().hex[:8]
    for i in range(n):
        call = CallCreate.model_validate(
            {"call_id": f"{run}-s{i}", "hotline": "113", "location": _location(rng)}
        )
        t0 = time.perf_counter()
        located = locate(call, index=index, layers=state.area_layers, aml_hmac_key=None)
        loc.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        calls.receive_call(
            call, engine=engine, locate=lambda _loc, r=located: r, actor=principal, bus=state.events
        )
        write.append(time.perf_counter() - t0)
    print(f"  locate (parse+lookup+rank) {_q(loc)}")
    print(f"  receive_call without locate {_q(write)}")
    if profile:  # the thread-pool part of a request, profiled in this thread
        prof = cProfile.Profile()
        prof.enable()
        for i in range(n):
            call = CallCreate.model_validate(
                {"call_id": f"{run}-p{i}", "hotline": "113", "location": _location(rng)}
            )
            principal_from_api_key(engine, key)
            calls.receive_call(
                call,
                engine=engine,
                locate=partial(locate, index=index, layers=state.area_layers, aml_hmac_key=None),
                actor=principal,
                bus=state.events,
            )
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(60)


async def run(url: str, n: int, profile: bool, *, splits: bool) -> None:
    headers = _prepare(url)
    key = headers["X-API-Key"]
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    app = create_app(settings)
    rng = random.Random(7)
    async with app.router.lifespan_context(app):
        app.state.camera_index.wait(120)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await _requests(client, key, 50, rng)  # warm-up
            cpu: list[float] = []
            lat = await _requests(client, key, n, rng, cpu=cpu)
            print(f"POST /api/calls (serial, in process) {_q(lat)}  {n / sum(lat):.0f}/s")
            print(f"  CPU of this process per call: mean {sum(cpu) / n * 1e3:.3f} ms, {_q(cpu)}")
            if profile:
                prof = cProfile.Profile()
                prof.enable()
                await _requests(client, key, n, rng)
                prof.disable()
                pstats.Stats(prof).sort_stats("tottime").print_stats(15)
        if splits:
            _splits(app, key, n, rng, profile=profile)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-splits", action="store_true", help="only the whole requests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'p.db'}"
        asyncio.run(run(url, args.calls, args.profile, splits=not args.no_splits))


if __name__ == "__main__":
    main()
