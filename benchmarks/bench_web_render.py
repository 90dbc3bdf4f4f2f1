"""First render of the dispatcher map in headless Chromium with 1,500 cameras in view.

The real app (uvicorn, temp SQLite) holds the Hai Phong camera inventory (4,283 real positions,
test-only data: nothing of it is printed). A signed-in page is opened at a view holding the
1,500 cameras nearest the inventory's median point (and, as the baseline measured in the same
run, one holding 150), and timed from navigation start to the frame after the camera layer is
drawn: page, Leaflet, session check, camera pages fetched by bbox, clustering, drawing. A pan
away and back is timed too (fetch + draw only).

    .venv/bin/python benchmarks/bench_web_render.py [--runs 15]

Goal (issue 7): first render at most 1.5 s on this machine (reported, not asserted).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import add_user
from camroute.cameras.service import import_file
from camroute.cameras.store import load_cameras
from camroute.settings import Settings
from camroute.sim.server import serve_in_thread
from camroute.store import make_engine, migrate

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "haiphong"
CAMERAS = DATA / "cameras_with_heading.geojson"
PASSWORD = "benchmark password 2026"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def nearest_bbox(lon: np.ndarray[Any, Any], lat: np.ndarray[Any, Any], n: int) -> list[float]:
    """Bbox of the ``n`` cameras nearest the median point (metres via a local scale)."""
    lon0, lat0 = float(np.median(lon)), float(np.median(lat))
    dx = (lon - lon0) * 111_320.0 * np.cos(np.radians(lat0))
    dy = (lat - lat0) * 110_574.0
    near = np.argsort(np.hypot(dx, dy))[:n]
    return [
        float(lon[near].min()),
        float(lat[near].min()),
        float(lon[near].max()),
        float(lat[near].max()),
    ]


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def view_for(page: Any, bbox: list[float]) -> dict[str, Any]:
    """Centre and zoom that hold ``bbox`` in the page's map (as Leaflet fits it)."""
    view: dict[str, Any] = page.evaluate(
        f"""() => {{ const m = window.camroute.state.map;
        const b = L.latLngBounds([[{bbox[1]}, {bbox[0]}], [{bbox[3]}, {bbox[2]}]]);
        const z = m.getBoundsZoom(b); const c = b.getCenter();
        return {{center: [c.lat, c.lng], zoom: z}}; }}"""
    )
    return view


def first_renders(page: Any, base: str, view: dict[str, Any], runs: int) -> dict[str, Any]:
    times, drawn, clusters = [], 0, 0
    for _ in range(runs):
        page.evaluate(f"localStorage.setItem('camroute.view', {json.dumps(json.dumps(view))})")
        page.goto(f"{base}/")
        page.wait_for_function("window.camrouteMetrics && window.camrouteMetrics.firstRenderMs")
        m = page.evaluate("window.camrouteMetrics")
        times.append(m["firstRenderMs"])
        drawn, clusters = m["camerasDrawn"], m["clusters"]
    return {"ms": times, "cameras": drawn, "clusters": clusters}


def pans(page: Any, runs: int) -> list[float]:
    out = []
    for i in range(runs):
        before = page.evaluate("window.camrouteMetrics.cameraRenders")
        page.evaluate(f"void window.camroute.state.map.panBy([{300 if i % 2 else -300}, 0])")
        page.wait_for_function(f"window.camrouteMetrics.cameraRenders > {before}")
        out.append(page.evaluate("window.camrouteMetrics.lastCameraRenderMs"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="camroute-bench-web-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'camroute.db'}"
        engine = make_engine(url)
        migrate(engine)
        imported = import_file(engine, CAMERAS).imported
        cams = load_cameras(engine)
        lon, lat = cams.geometry.x.to_numpy(), cams.geometry.y.to_numpy()
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        app = create_app(settings)
        with serve_in_thread(app, lifespan="on") as base, sync_playwright() as pw:
            add_user(
                engine,
                settings,
                name="bench",
                role=Role.dispatcher,
                password=PASSWORD,
                actor="bench",
                actor_role="bench",
            )
            app.state.camera_index.wait()  # viewsheds built: no background work while timing
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_context(
                viewport={"width": 1920, "height": 1080}, bypass_csp=True
            ).new_page()
            page.goto(f"{base}/")
            page.wait_for_selector("body[data-ready='1']")
            page.fill("#login-form input[name=username]", "bench")
            page.fill("#login-form input[name=password]", PASSWORD)
            page.click("#login-form button[type=submit]")
            page.wait_for_selector("#login", state="hidden")
            print(f"cameras imported: {imported}; viewport 1920x1080; runs: {args.runs}")
            results = {}
            for n in (150, 1500):
                view = view_for(page, nearest_bbox(lon, lat, n))
                first = first_renders(page, base, view, args.runs)
                pan = pans(page, args.runs)
                results[n] = first
                print(
                    f"{n:>5} target: {first['cameras']:>5} cameras in view at zoom {view['zoom']}"
                    f" ({first['clusters']} clusters) | first render p50 "
                    f"{statistics.median(first['ms']):7.1f} ms p99 {pct(first['ms'], 99):7.1f} ms"
                    f" | pan re-render p50 {statistics.median(pan):6.1f} ms"
                    f" p99 {pct(pan, 99):6.1f} ms"
                )
            ratio = statistics.median(results[1500]["ms"]) / statistics.median(results[150]["ms"])
            print(f"ratio first render 1500 / 150 (p50): {ratio:.2f}")
            browser.close()
        engine.dispose()


if __name__ == "__main__":
    main()
