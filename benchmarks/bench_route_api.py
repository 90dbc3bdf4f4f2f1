"""The whole API answer: ``POST /api/route`` through the ASGI app, in process, per request.

The 37k city of ``bench_routing.py`` (cameras, buildings, viewsheds for the query district) is
swapped into a real app (``create_app`` on a throw-away SQLite file, an integration API key),
then each query is one ``POST /api/route`` with a plain JSON body through ``httpx``'s ASGI
transport: request parsing, authentication, location parsing, the ranking in the thread pool,
serialisation, everything the client waits for except the socket.

Run: ``.venv/bin/python benchmarks/bench_route_api.py [--queries 2000] [--cpu]``; with ``--cpu``
each request is timed by the process's CPU clock (every thread of the app, none of the other
processes sharing the cores).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
from bench_routing import PROJ, district, make_queries, make_scene

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.routing import CameraIndex
from camroute.settings import Settings


def city_index() -> tuple[CameraIndex, tuple[float, float, float, float]]:
    scene = make_scene("37k", 37_000, 500_000, 1)
    index = CameraIndex.build(scene.cameras, scene.buildings)
    box = district(scene)
    reach = index.max_range_m + 100.0
    near = np.flatnonzero(
        (index.x >= box[0] - reach)
        & (index.x <= box[2] + reach)
        & (index.y >= box[1] - reach)
        & (index.y <= box[3] + reach)
    )
    return index.with_viewsheds(near), box


def bodies(box: tuple[float, ...], n: int, *, disc: bool) -> list[dict[str, float]]:
    xy, radii = make_queries(box, n, seed=10 if disc else 9)
    lon, lat = PROJ.to_wgs84(xy[:, 0], xy[:, 1])
    return [
        {"lon": float(a), "lat": float(b), "uncertainty_m": float(r) if disc else 0.0}
        for a, b, r in zip(lon, lat, radii, strict=True)
    ]


CLOCK = time.perf_counter_ns


async def timed(client: httpx.AsyncClient, key: str, items: list[dict[str, float]]) -> np.ndarray:
    headers = {"X-API-Key": key}
    for body in items[:100]:  # warm-up
        (await client.post("/api/route", json=body, headers=headers)).raise_for_status()
    out = np.empty(len(items))
    size = 0
    gc.disable()
    for i, body in enumerate(items):
        t0 = CLOCK()
        r = await client.post("/api/route", json=body, headers=headers)
        out[i] = (CLOCK() - t0) / 1000.0
        size += len(r.content)
        if r.status_code != 200:
            raise SystemExit(f"{r.status_code}: {r.text[:200]}")
    gc.enable()
    print(f"  mean body {size / len(items) / 1024:.1f} KiB", flush=True)
    return out


async def run(n: int) -> None:
    index, box = city_index()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{Path(tmp) / 'c.db'}")  # type: ignore[call-arg]
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            app.state.camera_index.wait(60)
            app.state.camera_index.swap(index)
            key = create_api_key(
                app.state.engine,
                name="bench",
                role=Role.integration,
                actor="bench",
                actor_role="gis_admin",
            ).key
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for label, disc in (("point", False), ("disc 10-100 m", True)):
                    us = await timed(client, key, bodies(box, n, disc=disc))
                    print(
                        f"POST /api/route {label:14} p50 {np.percentile(us, 50):8.1f} us  "
                        f"p99 {np.percentile(us, 99):8.1f} us  ({n} requests)",
                        flush=True,
                    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--cpu", action="store_true", help="time by the process's CPU clock")
    args = parser.parse_args()
    if args.cpu:
        global CLOCK  # a run-wide setting, read by ``timed``
        CLOCK = time.process_time_ns
    asyncio.run(run(args.queries))


if __name__ == "__main__":
    main()
