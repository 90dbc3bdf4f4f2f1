"""Sustained calls per second on ``POST /api/calls`` against a running ``camroute serve``.

Sets up a store with the 848 real Ho Chi Minh City traffic cameras (MIT), starts the real
server in a child process, and drives it with ``--concurrency`` concurrent keep-alive clients
(one asyncio loop) for ``--seconds`` per scenario:

- ``healthz``      baseline: one HTTP round trip plus ``SELECT 1`` (same server, same run)
- ``new call``     a new call id each time: parse, area lookup, rank, insert + 3 audit events
- ``update``       a new location for a known call id: re-rank, update + history + audit
- ``repeat``       an identical repeat (idempotent path: one read + one audit event)

Usage: ``python benchmarks/bench_calls.py [--db URL] [--seconds 10] [--concurrency 8]
[--workers N]``
(default store: a fresh SQLite file in a temp dir; pass a PostgreSQL URL to bench that).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.sim.server import ServeProcess
from camroute.store import make_engine, migrate

ROOT = Path(__file__).resolve().parents[1]
CAMERAS = ROOT / "tests" / "data" / "hcmc_traffic_cameras" / "hcmc_traffic_cameras.geojson"
# Central HCMC, where the cameras are dense.
BOX = (106.66, 10.75, 106.72, 10.80)


def _prepare(url: str) -> dict[str, str]:
    engine = make_engine(url)
    migrate(engine)
    key = create_api_key(
        engine,
        name=f"bench-{uuid.uuid4().hex[:6]}",
        role=Role.integration,
        actor="bench",
        actor_role="bench",
    ).key
    engine.dispose()
    cmd = [
        sys.executable,
        "-c",
        "from camroute.cli import main; main()",
        "cameras",
        "import",
        str(CAMERAS),
        "--db",
        url,
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    return {"X-API-Key": key}


def _location(rng: random.Random) -> dict[str, float]:
    return {
        "lon": rng.uniform(BOX[0], BOX[2]),
        "lat": rng.uniform(BOX[1], BOX[3]),
        "uncertainty_m": rng.choice([10.0, 35.0, 100.0]),
    }


Request = Callable[[httpx.AsyncClient, int], Any]


async def _drive(
    base: str, headers: dict[str, str], make: Request, *, seconds: float, concurrency: int
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds

    async def worker(w: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30.0) as client:
            n = 0
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                resp = await make(client, w * 1_000_000 + n)
                latencies.append(time.perf_counter() - started)
                errors += resp.status_code >= 300
                n += 1

    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return latencies, errors


def _scenarios(run_id: str) -> dict[str, Request]:
    rng = random.Random(7)

    def body(n: int, call_id: str | None = None) -> dict[str, Any]:
        return {"call_id": call_id or f"{run_id}-{n}", "hotline": "113", "location": _location(rng)}

    known = {"call_id": f"{run_id}-known", "hotline": "113", "location": _location(rng)}
    return {
        "healthz": lambda c, n: c.get("/healthz"),
        "new call": lambda c, n: c.post("/api/calls", json=body(n)),
        "update": lambda c, n: c.post("/api/calls", json=body(n, f"{run_id}-u{n % 50}")),
        "repeat": lambda c, n: c.post("/api/calls", json=known),
    }


def _commit_baseline(url: str, *, n: int = 200) -> list[float]:
    """One durable single-row commit (fsync of the WAL): the floor under every write."""
    engine = make_engine(url)
    meta = sa.table("camroute_meta", sa.column("key"), sa.column("value"))
    out = []
    for i in range(n):
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(sa.insert(meta).values(key=f"bench-{uuid.uuid4().hex}", value=str(i)))
        out.append(time.perf_counter() - started)
    with engine.begin() as conn:
        conn.execute(sa.delete(meta).where(meta.c.key.like("bench-%")))
    engine.dispose()
    return out


def _report(name: str, lat: list[float], errors: int, seconds: float, base_p50: float) -> None:
    q = statistics.quantiles(lat, n=100)
    p50, p99 = q[49] * 1e3, q[98] * 1e3
    print(
        f"{name:10s} {len(lat) / seconds:8.1f}/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  "
        f"p50 x{p50 / base_p50:5.1f} of healthz  errors {errors}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL)")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    headers = _prepare(url)
    server = ServeProcess(database_url=url, workers=args.workers).start()
    try:
        scenarios = _scenarios(uuid.uuid4().hex[:8])
        asyncio.run(
            _drive(server.url, headers, scenarios["new call"], seconds=2.0, concurrency=2)
        )  # warm-up
        print(
            f"store {make_engine(url).dialect.name}, {args.workers} worker(s), "
            f"concurrency {args.concurrency}, "
            f"{args.seconds:.0f} s per scenario, 848 cameras"
        )
        commits = _commit_baseline(url)
        q = statistics.quantiles(commits, n=100)
        print(
            f"{'commit':10s} {len(commits) / sum(commits):8.1f}/s  p50 {q[49] * 1e3:7.2f} ms  "
            f"p99 {q[98] * 1e3:7.2f} ms  (one durable 1-row commit, in-process, serial)"
        )
        base_p50 = 0.0
        for name, make in scenarios.items():
            lat, errors = asyncio.run(
                _drive(
                    server.url, headers, make, seconds=args.seconds, concurrency=args.concurrency
                )
            )
            if name == "healthz":
                base_p50 = statistics.median(lat) * 1e3
            _report(name, lat, errors, args.seconds, base_p50)
    finally:
        server.stop()
        tmp.cleanup()


if __name__ == "__main__":
    main()
