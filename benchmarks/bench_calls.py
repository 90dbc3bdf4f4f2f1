"""Sustained calls per second on ``POST /api/calls`` against a running ``camroute serve``.

Sets up a store with the 848 real Ho Chi Minh City traffic cameras (MIT), starts the real
server in a child process, and drives it with ``--concurrency`` concurrent keep-alive clients
(one asyncio loop) for ``--seconds`` per scenario:

- ``healthz``      baseline: one HTTP round trip plus ``SELECT 1`` (same server, same run)
- ``new call``     a new call id each time: parse, area lookup, rank, insert + 3 audit events
- ``update``       a new location for a known call id: re-rank, update + history + audit
- ``repeat``       an identical repeat (idempotent path: one read + one audit event)

Usage: ``python benchmarks/bench_calls.py [--db URL] [--seconds 10] [--concurrency 8]
[--workers N] [--only "new call,update"]``
(default store: a fresh SQLite file in a temp dir; pass a PostgreSQL URL to bench that).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from lean_http import LeanConnection

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


Request = Callable[[int], tuple[str, str, bytes | None]]  # n -> method, path, body


async def _drive(
    base: str, headers: dict[str, str], make: Request, *, seconds: float, concurrency: int
) -> tuple[list[float], int, float]:
    """Latencies, errors and this client's own CPU seconds for one scenario.

    The connections open one at a time, each after its first answer: clients that all connect
    in the same millisecond land on whichever worker wakes first (it accepts every pending
    connection at once), which no real client pool does.
    """
    latencies: list[float] = []
    errors = 0
    conns = []
    for w in range(concurrency):
        conn = await LeanConnection.open(base)
        method, path, body = make(w * 1_000_000)
        status, _ = await conn.request(method, path, headers, body)
        errors += status >= 300
        conns.append(conn)
    cpu_start = time.process_time()
    stop_at = time.perf_counter() + seconds

    async def worker(w: int, conn: LeanConnection) -> None:
        nonlocal errors
        n = 1
        while time.perf_counter() < stop_at:
            method, path, body = make(w * 1_000_000 + n)
            started = time.perf_counter()
            status, _ = await conn.request(method, path, headers, body)
            latencies.append(time.perf_counter() - started)
            errors += status >= 300
            n += 1

    await asyncio.gather(*(worker(w, c) for w, c in enumerate(conns)))
    cpu = time.process_time() - cpu_start
    for conn in conns:
        await conn.close()
    return latencies, errors, cpu


def _scenarios(run_id: str) -> dict[str, Request]:
    rng = random.Random(7)

    def body(n: int, call_id: str | None = None) -> bytes:
        call = {"call_id": call_id or f"{run_id}-{n}", "hotline": "113", "location": _location(rng)}
        return orjson.dumps(call)

    known = orjson.dumps(
        {"call_id": f"{run_id}-known", "hotline": "113", "location": _location(rng)}
    )
    return {
        "healthz": lambda n: ("GET", "/healthz", None),
        "new call": lambda n: ("POST", "/api/calls", body(n)),
        "update": lambda n: ("POST", "/api/calls", body(n, f"{run_id}-u{n % 50}")),
        "repeat": lambda n: ("POST", "/api/calls", known),
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


def _cpu_s(pgid: int) -> tuple[dict[int, float], float]:
    """CPU seconds (user + system) of each process in the server's group ``pgid``, and of all
    PostgreSQL's processes together (Linux ``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    server: dict[int, float] = {}
    postgres = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, _, rest = stat.read_text().rpartition(")")
        except OSError:
            continue  # gone meanwhile
        fields = rest.split()
        used = (int(fields[11]) + int(fields[12])) / tick
        if name.endswith("(postgres"):
            postgres += used
        elif int(fields[2]) == pgid:
            server[int(stat.parent.name)] = used
    return server, postgres


def _report(name: str, run: Run, seconds: float, base_p50: float) -> None:
    q = statistics.quantiles(run.latencies, n=100)
    p50, p99 = q[49] * 1e3, q[98] * 1e3
    n = len(run.latencies)
    split = "/".join(f"{s / max(sum(run.server_cpu_s), 1e-9):.0%}" for s in run.server_cpu_s)
    print(
        f"{name:10s} {n / seconds:8.1f}/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  "
        f"p50 x{p50 / base_p50:5.1f} of healthz  errors {run.errors}  "
        f"CPU per request: server {sum(run.server_cpu_s) / n * 1e3:.2f} ms "
        f"(processes {split}), PostgreSQL {run.postgres_cpu_s / n * 1e3:.2f} ms, "
        f"client {run.client_cpu_s / n * 1e3:.2f} ms; machine busy {run.busy:.0%}"
    )


@dataclass
class Run:
    latencies: list[float]
    errors: int
    client_cpu_s: float
    server_cpu_s: list[float]  # per process of the server, the supervisor first
    postgres_cpu_s: float  # every PostgreSQL process (0 on SQLite)
    busy: float  # share of all cores busy (every process of the machine)


def _busy_ticks() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _measure(pgid: int, base: str, headers: dict[str, str], make: Request, **kw: Any) -> Run:
    (mine, pg_before), busy_before = _cpu_s(pgid), _busy_ticks()
    lat, errors, client = asyncio.run(_drive(base, headers, make, **kw))
    (theirs, pg_after), busy_after = _cpu_s(pgid), _busy_ticks()
    server = [theirs[pid] - mine.get(pid, 0.0) for pid in sorted(theirs)]
    busy = (busy_after[0] - busy_before[0]) / max(busy_after[1] - busy_before[1], 1)
    return Run(lat, errors, client, server, pg_after - pg_before, busy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL)")
    parser.add_argument(
        "--only", default="", help="comma-separated scenarios to run (healthz always runs)"
    )
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    headers = _prepare(url)
    server = ServeProcess(database_url=url, workers=args.workers).start()
    try:
        warm = _scenarios(uuid.uuid4().hex[:8])["new call"]  # call ids of its own
        asyncio.run(_drive(server.url, headers, warm, seconds=2.0, concurrency=2))
        scenarios = _scenarios(uuid.uuid4().hex[:8])
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
        assert server.proc is not None
        wanted = {"healthz", *filter(None, args.only.split(","))} if args.only else set(scenarios)
        for name, make in scenarios.items():
            if name not in wanted:
                continue
            run = _measure(
                server.proc.pid,
                server.url,
                headers,
                make,
                seconds=args.seconds,
                concurrency=args.concurrency,
            )
            if name == "healthz":
                base_p50 = statistics.median(run.latencies) * 1e3
            _report(name, run, args.seconds, base_p50)
    finally:
        server.stop()
        tmp.cleanup()


if __name__ == "__main__":
    main()
