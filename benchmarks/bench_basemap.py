"""Benchmark the basemap: import time and memory, tile cut and serve times, pan redraw.

Run from the project root: ``.venv/bin/python benchmarks/bench_basemap.py [--browser]``.

- Import: the shipped HCMC extract (two OSM exports + three GeoJSON layers) and a synthetic
  extract 10x larger (the two exports copied ten times side by side, written as .osm.pbf by
  libosmium), each in a fresh process (peak RSS is that process's maximum).
- Tiles: every tile over District 1 at zooms 14-17, cut cold (``TileSource.tile``) and served
  warm over HTTP (``GET /api/basemap/tiles``, login, cache) by the app in-process.
- ``--browser``: the page in Chromium at zoom 16 over District 1, panned 30 times by 300 px;
  time from the pan to MapLibre's next ``idle`` (tiles loaded, labels placed, frame drawn);
  then 12 more pans under a Chrome trace: how long the page's main thread and the GPU process
  (where software WebGL rasterises) were busy per pan. ``--pan-only`` runs just this.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson
import osmium

from camroute.basemap.service import import_basemap
from camroute.basemap.store import read_features
from camroute.basemap.tiles import TileSource, tile_of
from camroute.demo.loader import BASEMAP_FILES, DATA_DIR
from camroute.store import make_engine, migrate

SHIPPED = [DATA_DIR / "hcmc" / name for name in BASEMAP_FILES["hcmc"]]
EXPORTS = SHIPPED[:2]
DISTRICT_1 = (106.690, 10.765, 106.712, 10.790)
COPIES = 10
SHIFT_DEG = 0.03  # each copy moved this far east (the exports are ~0.011 deg wide)
ID_STEP = 10**10


def _shifted(obj: object, block: int, k: int) -> object:
    """``obj`` in id block ``block`` (ids stay sorted block by block), moved ``k`` steps east."""
    step = block * ID_STEP
    if isinstance(obj, osmium.osm.Node):
        loc = obj.location
        return obj.replace(id=obj.id + step, location=(loc.lon + k * SHIFT_DEG, loc.lat))
    if isinstance(obj, osmium.osm.Way):
        return obj.replace(id=obj.id + step, nodes=[n.ref + step for n in obj.nodes])
    assert isinstance(obj, osmium.osm.Relation)
    members = [(m.type, m.ref + step, m.role) for m in obj.members]
    return obj.replace(id=obj.id + step, members=members)


def synthetic_pbf(target: Path, copies: int) -> Path:
    """``copies`` shifted copies of the two OSM exports, sorted by type, as one .osm.pbf."""
    writer = osmium.SimpleWriter(str(target))
    try:
        for kind in (osmium.osm.NODE, osmium.osm.WAY, osmium.osm.RELATION):
            for k in range(copies):
                for s, source in enumerate(EXPORTS):
                    for obj in osmium.FileProcessor(str(source), kind):
                        writer.add(_shifted(obj, k * len(EXPORTS) + s, k))
    finally:
        writer.close()
    return target


def _import_child(paths: list[Path], db: str, out: mp.Queue) -> None:  # type: ignore[type-arg]
    engine = make_engine(db)
    migrate(engine)
    start = time.perf_counter()
    summary = import_basemap(engine, paths)
    seconds = time.perf_counter() - start
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put((seconds, rss_mib, summary.stored, summary.read))


def bench_import(label: str, paths: list[Path], db: str) -> None:
    queue: mp.Queue = mp.get_context("spawn").Queue()  # type: ignore[type-arg]
    child = mp.get_context("spawn").Process(target=_import_child, args=(paths, db, queue))
    child.start()
    seconds, rss_mib, stored, read = queue.get()
    child.join()
    size_kib = sum(p.stat().st_size for p in paths) / 1024
    print(
        f"import {label}: {size_kib:,.0f} KiB in, {read:,} read, {stored:,} stored, "
        f"{seconds:.2f} s, peak RSS {rss_mib:,.0f} MiB"
    )


def _tiles(z: int) -> list[tuple[int, int, int]]:
    x0, y1 = tile_of(lon=DISTRICT_1[0], lat=DISTRICT_1[1], z=z)
    x1, y0 = tile_of(lon=DISTRICT_1[2], lat=DISTRICT_1[3], z=z)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def _pct(values: list[float]) -> str:
    ms = np.array(values) * 1000
    return f"p50 {np.percentile(ms, 50):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms"


def bench_tiles(db: str) -> None:
    from fastapi.testclient import TestClient

    from camroute.app import create_app
    from camroute.auth.models import Role
    from camroute.auth.service import add_user
    from camroute.settings import Settings

    engine = make_engine(db)
    source = TileSource(read_features(engine))
    app = create_app(Settings(_env_file=None, database_url=db))  # type: ignore[call-arg]
    with TestClient(app) as client:
        add_user(
            engine,
            app.state.settings,
            name="b",
            role=Role.dispatcher,
            password="benchmark password 123",
            actor="bench",
            actor_role="bench",
        )
        token = client.post(
            "/api/auth/login", data={"username": "b", "password": "benchmark password 123"}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        for z in (14, 15, 16, 17):
            tiles = _tiles(z)
            cold, warm, sizes = [], [], []
            for t in tiles:
                start = time.perf_counter()
                body = source.tile(*t)
                cold.append(time.perf_counter() - start)
                sizes.append(len(body))
            for t in tiles:
                client.get(f"/api/basemap/tiles/{t[0]}/{t[1]}/{t[2]}.mvt")  # fill the cache
            for _ in range(3):
                for t in tiles:
                    start = time.perf_counter()
                    r = client.get(f"/api/basemap/tiles/{t[0]}/{t[1]}/{t[2]}.mvt")
                    warm.append(time.perf_counter() - start)
                    assert r.status_code == 200
            print(
                f"z{z}: {len(tiles)} tiles, {statistics.mean(sizes) / 1024:.1f} KiB mean; "
                f"cut cold {_pct(cold)}; served warm over HTTP {_pct(warm)}"
            )


PAN_JS = """async (n) => {
  const map = window.camroute.state.map, gl = window.camroute.state.basemapGl;
  const idle = () => new Promise((resolve) => gl.once("idle", resolve));
  const times = [];
  for (let i = 0; i < n; i++) {
    const done = idle();
    const start = performance.now();
    map.panBy([i % 2 ? -300 : 300, i % 3 ? 120 : -120], { animate: false });
    await done;
    times.push(performance.now() - start);
  }
  return times;
}"""


def bench_pan(db: str, *, pans: int = 30) -> None:
    from playwright.sync_api import sync_playwright

    from camroute.app import create_app
    from camroute.auth.models import Role
    from camroute.auth.service import add_user
    from camroute.settings import Settings
    from camroute.sim.server import serve_in_thread

    app = create_app(Settings(_env_file=None, database_url=db))  # type: ignore[call-arg]
    password = "benchmark password 123"
    with serve_in_thread(app, lifespan="on") as base, sync_playwright() as pw:
        add_user(
            app.state.engine,
            app.state.settings,
            name="p",
            role=Role.dispatcher,
            password=password,
            actor="bench",
            actor_role="bench",
        )
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
        page = context.new_page()  # bypass_csp: playwright's wait_for_function evaluates
        page.goto(f"{base}/")
        page.wait_for_selector("body[data-ready='1']")
        page.fill("#login-form input[name=username]", "p")
        page.fill("#login-form input[name=password]", password)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#login", state="hidden")
        page.wait_for_function("window.camroute.state.basemapGl?.loaded()")
        page.evaluate(
            "window.camroute.state.map.setView([10.7762, 106.7020], 16, {animate: false})"
        )
        page.wait_for_timeout(1500)
        times = page.evaluate(PAN_JS, pans)
        trace = Path(tempfile.mkdtemp(prefix="bench-pan-")) / "trace.json"
        browser.start_tracing(page=page, path=str(trace), categories=["toplevel"])
        traced = page.evaluate(PAN_JS, 12)
        browser.stop_tracing()
        browser.close()
    spread = _pct([t / 1000 for t in times])
    print(f"pan at zoom 16 (Chromium, software GL), {pans} pans of 300 px: {spread}")
    busy = _busy_ms(trace)
    print(
        "busy per pan (Chrome trace, 12 pans): page main thread "
        f"{busy.get('CrRendererMain', 0) / len(traced):.0f} ms, "
        f"GPU process (software WebGL) {busy.get('CrGpuMain', 0) / len(traced):.0f} ms"
    )


def _busy_ms(trace: Path) -> dict[str, float]:
    """Milliseconds of top-level tasks per thread name in a Chrome trace."""
    events = orjson.loads(trace.read_bytes())
    events = events["traceEvents"] if isinstance(events, dict) else events
    names = {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name"
    }
    busy: dict[str, float] = {}
    for e in events:
        if e.get("ph") == "X" and e.get("cat") == "toplevel" and "dur" in e:
            thread = names.get((e["pid"], e["tid"]), "?")
            busy[thread] = busy.get(thread, 0.0) + e["dur"] / 1000
    return busy


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-basemap-") as tmp:
        folder = Path(tmp)
        shipped_db = f"sqlite:///{folder / 'shipped.db'}"
        if "--pan-only" in sys.argv:
            engine = make_engine(shipped_db)
            migrate(engine)
            import_basemap(engine, SHIPPED)
            bench_pan(shipped_db)
            return
        bench_import("shipped HCMC (5 files)", SHIPPED, shipped_db)
        one = synthetic_pbf(folder / "x1.osm.pbf", 1)
        big = synthetic_pbf(folder / "x10.osm.pbf", COPIES)
        bench_import("the two exports as PBF (1x)", [one], f"sqlite:///{folder / 'x1.db'}")
        bench_import(f"synthetic {COPIES}x PBF", [big], f"sqlite:///{folder / 'x10.db'}")
        bench_tiles(shipped_db)
        if "--browser" in sys.argv:
            bench_pan(shipped_db)


if __name__ == "__main__":
    main()
