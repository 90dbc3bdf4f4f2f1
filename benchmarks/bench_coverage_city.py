"""One city-wide coverage refresh, timed as one run: viewsheds of every camera, then the figures.

The scene is bench_routing's 37k city (37,000 cameras, 500,000 buildings over central Ho Chi
Minh City's extent, same generator and seed); the streets a 100 m grid over the cameras'
extent; 200,000 incident places at random; 169 wards (Voronoi cells of a 13 x 13 grid). Each
step is wall clock; peak RSS is this process's and, separately, its largest worker's.

Usage: ``python benchmarks/bench_coverage_city.py [--workers 2]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_routing import make_scene

from camroute.coverage.blind import blind_stretches
from camroute.coverage.streets import seen_area, street_coverage
from camroute.coverage.wards import ward_cells, ward_coverage
from camroute.routing import CameraIndex
from camroute.routing.batch import compute_viewsheds

STREET_STEP_M = 100.0


def _grid(box: tuple[float, float, float, float]) -> tuple[list[shapely.LineString], list[str]]:
    x0, y0, x1, y1 = box
    lines, names = [], []
    for i, y in enumerate(np.arange(y0, y1, STREET_STEP_M)):
        for x in np.arange(x0, x1, STREET_STEP_M):
            lines.append(shapely.LineString([(x, y), (x + STREET_STEP_M, y)]))
            names.append(f"E-{i}")
    for j, x in enumerate(np.arange(x0, x1, STREET_STEP_M)):
        for y in np.arange(y0, y1, STREET_STEP_M):
            lines.append(shapely.LineString([(x, y), (x, y + STREET_STEP_M)]))
            names.append(f"N-{j}")
    return lines, names


def main() -> None:
    """Build the city, refresh its coverage once, print one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    t_scene = time.perf_counter()
    scene = make_scene("37k", 37_000, 500_000, 1)
    scene_s = time.perf_counter() - t_scene
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    index = CameraIndex.build(scene.cameras, scene.buildings)
    t1 = time.perf_counter()
    views: list[shapely.Geometry] = []
    for _cams, chunk in compute_viewsheds(index, np.arange(len(index.ids)), workers=args.workers):
        views.extend(g for g in chunk if g is not None and not g.is_empty)
    t2 = time.perf_counter()
    seen = seen_area(views)
    t3 = time.perf_counter()
    box = (float(index.x.min()), float(index.y.min()), float(index.x.max()), float(index.y.max()))
    lines, names = _grid(box)
    cov = street_coverage(seen, lines, names, cameras=len(views))
    t4 = time.perf_counter()
    rng = np.random.default_rng(14)
    cx, cy = rng.uniform(box[0], box[2], 200_000), rng.uniform(box[1], box[3], 200_000)
    blind = blind_stretches(seen, lines, names, cx, cy)
    t5 = time.perf_counter()
    gx = np.linspace(box[0], box[2], 15)[1:-1]
    gy = np.linspace(box[1], box[3], 15)[1:-1]
    points = [shapely.Point(x, y) for x in gx for y in gy]
    cells = ward_cells(points, shapely.box(*box))
    codes = [str(i) for i in range(len(points))]
    wards = ward_coverage(seen, cells, codes, codes, lines, cx, cy)
    t6 = time.perf_counter()
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="minutes"),
                "load_before": round(load_before, 1),
                "load_after": round(os.getloadavg()[0], 1),
                "workers": args.workers,
                "cameras": len(index.ids),
                "buildings": len(scene.boxes),
                "viewsheds": len(views),
                "street_ways": len(lines),
                "scene_s": round(scene_s, 1),
                "index_s": round(t1 - t0, 1),
                "viewsheds_s": round(t2 - t1, 1),
                "union_s": round(t3 - t2, 1),
                "streets_s": round(t4 - t3, 1),
                "blind_s": round(t5 - t4, 1),
                "wards_s": round(t6 - t5, 1),
                "refresh_s": round(t6 - t0, 1),
                "street_share": round(cov.street_share, 3),
                "blind_stretches": len(blind),
                "wards": len(wards),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "worker_peak_rss_mb": round(
                    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
