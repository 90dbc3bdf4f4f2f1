"""Coverage at city scale: union of N views, seen length of M ways, blind stretches, wards.

The views are plain 60-degree, 100 m sectors at random positions and headings over a square
city (the viewshed computation itself is ``camroute viewsheds``, measured in bench_routing);
the streets a grid of ways 100 m apart. Reports seconds per step and peak RSS.

Usage: ``python benchmarks/bench_coverage.py [--cameras 37000] [--side-km 20]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import UTC, datetime

import numpy as np
import shapely

from camroute.coverage.blind import blind_stretches
from camroute.coverage.streets import seen_area, street_coverage
from camroute.coverage.wards import ward_cells, ward_coverage
from camroute.geo.shapes import sector


def _views(n: int, side_m: float, rng: np.random.Generator) -> list[shapely.Geometry]:
    xs, ys = rng.uniform(0, side_m, n), rng.uniform(0, side_m, n)
    heading = rng.uniform(0, 360, n)
    # sector() builds in WGS84 around lon, lat; here shapes are made directly in metres
    template = sector(lon=0.0, lat=0.0, heading_deg=0.0, hfov_deg=60.0, range_m=100.0)
    ring = np.asarray(template.exterior.coords) * 111_320.0  # degrees at the equator -> metres
    out = []
    for x, y, h in zip(xs, ys, heading, strict=True):
        a = np.radians(h)
        rot = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
        out.append(shapely.Polygon(ring @ rot + (x, y)))
    return out


def _streets(side_m: float, step_m: float = 100.0) -> tuple[list[shapely.LineString], list[str]]:
    lines, names = [], []
    for i, v in enumerate(np.arange(0, side_m, step_m)):
        for j, u in enumerate(np.arange(0, side_m, step_m)):
            lines.append(shapely.LineString([(u, v), (u + step_m, v)]))
            lines.append(shapely.LineString([(v, u), (v, u + step_m)]))
            names += [f"E-{i}", f"N-{j}"]
    return lines, names


def main() -> None:
    """Time the union and the street intersection; print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cameras", type=int, default=37_000)
    parser.add_argument("--side-km", type=float, default=20.0)
    args = parser.parse_args()
    rng = np.random.default_rng(14)
    side_m = args.side_km * 1000.0
    views = _views(args.cameras, side_m, rng)
    lines, names = _streets(side_m)
    t0 = time.perf_counter()
    seen = seen_area(views)
    t1 = time.perf_counter()
    cov = street_coverage(seen, lines, names, cameras=len(views))
    t2 = time.perf_counter()
    # calls: 200,000 places at random; wards: a 13 x 13 grid of points (169, like HCMC's 168)
    cx, cy = rng.uniform(0, side_m, 200_000), rng.uniform(0, side_m, 200_000)
    blind = blind_stretches(seen, lines, names, cx, cy)
    t3 = time.perf_counter()
    grid = np.linspace(side_m / 26, side_m * 25 / 26, 13)
    points = [shapely.Point(x, y) for x in grid for y in grid]
    cells = ward_cells(points, shapely.box(0, 0, side_m, side_m))
    codes = [str(i) for i in range(len(points))]
    wards = ward_coverage(seen, cells, codes, codes, lines, cx, cy)
    t4 = time.perf_counter()
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).date().isoformat(),
                "cameras": len(views),
                "street_ways": len(lines),
                "union_s": round(t1 - t0, 2),
                "streets_s": round(t2 - t1, 2),
                "blind_s": round(t3 - t2, 2),
                "wards_s": round(t4 - t3, 2),
                "street_share": cov.street_share,
                "blind_stretches": len(blind),
                "wards": len(wards),
                "incidents": int(cx.size),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
