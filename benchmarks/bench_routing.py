"""Routing benchmark: CameraIndex + rank_cameras vs one PostGIS statement vs a numpy scan.

Synthetic cities at Ho Chi Minh City density (seeded): cameras 70 % along a jittered 150 m
street grid and 30 % uniform, heading 0-360, FOV 60-120 degrees, range 30-150 m, 10 % PTZ;
building footprints are 6-20 m boxes kept out of the +-10 m street corridors.

* ``37k``: 37,000 cameras and 500,000 buildings in the HCMC box (21.9 km x 16.6 km).
* ``1M``: 1,000,000 cameras spread nationally (27 city boxes at HCMC density across
  Vietnam) and 2,000,000 buildings (500k in HCMC, 1.5M in the other boxes).

Queries are uniform in a 3 km x 3 km HCMC district: points (no uncertainty) and discs of
10-100 m. Viewsheds are computed in the batch step for the cameras that can reach the query
district (the rest of the country would be the same batch, run once, off the request path).

Run: ``.venv/bin/python benchmarks/bench_routing.py [--sizes 37k 1M] [--queries 5000]``.
PostGIS: a throw-away database on the running server (CAMROUTE_BENCH_PG, default
postgresql://postgres@127.0.0.1:5432/postgres), dropped afterwards.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import resource
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from camroute.geo import local_projection
from camroute.location import CallerLocation
from camroute.routing import CameraIndex, rank_cameras
from camroute.routing.batch import compute_viewsheds
from camroute.routing.rank import rank_arrays
from camroute.routing.rows import prime_listed
from camroute.routing.sector import grid_bearing_deg, in_sector, offset_deg

PROJ = local_projection(lon=106.70, lat=10.77)  # UTM 48N, the index CRS for every size
HCMC = (106.60, 10.70, 106.80, 10.85)
STREET_M = 150.0
CORRIDOR_M = 10.0
NULL = "\\N"
PG_ADMIN = os.environ.get("CAMROUTE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def city_boxes(n_cities: int) -> list[tuple[float, float, float, float]]:
    """HCMC first, then boxes of the same size spread over Vietnam (metres, UTM 48)."""
    x0, y0 = PROJ.to_metric(HCMC[0], HCMC[1])
    x1, y1 = PROJ.to_metric(HCMC[2], HCMC[3])
    w, h = float(x1 - x0), float(y1 - y0)
    boxes = [(float(x0), float(y0), float(x0) + w, float(y0) + h)]
    lons = np.linspace(103.8, 108.6, 4)
    lats = np.linspace(9.4, 22.0, 8)
    for lon, lat in [(a, b) for b in lats for a in lons][: n_cities - 1]:
        cx, cy = PROJ.to_metric(lon, lat)
        boxes.append((float(cx), float(cy), float(cx) + w, float(cy) + h))
    return boxes


def gen_cameras(rng: np.random.Generator, box: tuple[float, ...], n: int) -> dict[str, np.ndarray]:
    minx, miny, maxx, maxy = box
    on_street = rng.random(n) < 0.7
    x = rng.uniform(minx, maxx, n)
    y = rng.uniform(miny, maxy, n)
    along_x = rng.random(n) < 0.5
    snap_x = np.round((x - minx) / STREET_M) * STREET_M + minx + rng.uniform(-8, 8, n)
    snap_y = np.round((y - miny) / STREET_M) * STREET_M + miny + rng.uniform(-8, 8, n)
    x = np.where(on_street & ~along_x, snap_x, x)
    y = np.where(on_street & along_x, snap_y, y)
    ptz = rng.random(n) < 0.1
    return {
        "x": x,
        "y": y,
        "heading_deg": rng.uniform(0, 360, n).round(1),
        "hfov_deg": np.where(ptz, 360.0, rng.uniform(60, 120, n).round(1)),
        "range_m": rng.uniform(30, 150, n).round(1),
        "kind": np.where(ptz, "ptz", "fixed"),
        "mount_height_m": rng.uniform(4, 10, n).round(1),
    }


def gen_buildings(
    rng: np.random.Generator, box: tuple[float, ...], n: int
) -> tuple[np.ndarray, np.ndarray]:
    minx, miny, maxx, maxy = box
    out = np.empty((0, 4))
    while len(out) < n:
        m = int((n - len(out)) * 1.6) + 100
        cx, cy = rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)
        w, h = rng.uniform(6, 20, m), rng.uniform(6, 20, m)
        b = np.column_stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
        gx = np.round((cx - minx) / STREET_M) * STREET_M + minx
        gy = np.round((cy - miny) / STREET_M) * STREET_M + miny
        clear_x = (b[:, 0] > gx + CORRIDOR_M) | (b[:, 2] < gx - CORRIDOR_M)
        clear_y = (b[:, 1] > gy + CORRIDOR_M) | (b[:, 3] < gy - CORRIDOR_M)
        out = np.vstack([out, b[clear_x & clear_y]])
    out = out[:n]
    heights = np.where(rng.random(n) < 0.5, rng.uniform(3, 30, n).round(1), np.nan)
    return out, heights


@dataclass
class Scene:
    name: str
    cameras: gpd.GeoDataFrame
    cam_xy: np.ndarray
    boxes: np.ndarray
    heights: np.ndarray
    buildings: gpd.GeoDataFrame


def make_scene(name: str, n_cams: int, n_blds: int, n_cities: int, seed: int = 1) -> Scene:
    rng = np.random.default_rng(seed)
    boxes = city_boxes(n_cities)
    per_city = np.full(n_cities, n_cams // n_cities)
    per_city[0] += n_cams - per_city.sum()
    parts = [gen_cameras(rng, b, int(k)) for b, k in zip(boxes, per_city, strict=True)]
    cams = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    lon, lat = PROJ.to_wgs84(cams["x"], cams["y"])
    n_hcmc = min(n_blds, 500_000)
    rest = n_blds - n_hcmc
    bparts = [gen_buildings(rng, boxes[0], n_hcmc)]
    if rest and n_cities > 1:
        each = rest // (n_cities - 1)
        bparts += [
            gen_buildings(rng, b, each + (rest - each * (n_cities - 1) if i == 0 else 0))
            for i, b in enumerate(boxes[1:])
        ]
    bbox = np.vstack([p[0] for p in bparts])
    bh = np.concatenate([p[1] for p in bparts])
    frame = gpd.GeoDataFrame(
        {
            "id": np.char.add("CAM-", np.arange(n_cams).astype(str)).astype(object),
            "name": "",
            "lon": lon,
            "lat": lat,
            "heading_deg": cams["heading_deg"],
            "hfov_deg": cams["hfov_deg"],
            "range_m": cams["range_m"],
            "kind": cams["kind"],
            "mount_height_m": cams["mount_height_m"],
            "status": "online",
            "access_class": "public_space",
            "fov_assumed": False,
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=4326,
    )
    blds = gpd.GeoDataFrame(
        {"height_m": bh},
        geometry=shapely.box(bbox[:, 0], bbox[:, 1], bbox[:, 2], bbox[:, 3]),
        crs=PROJ.epsg,
    )
    return Scene(name, frame, np.column_stack([cams["x"], cams["y"]]), bbox, bh, blds)


def district(scene: Scene) -> tuple[float, float, float, float]:
    x0, y0 = PROJ.to_metric(106.68, 10.76)
    return float(x0), float(y0), float(x0) + 3000.0, float(y0) + 3000.0


def make_queries(box: tuple[float, ...], n: int, seed: int = 9) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(box[:2], box[2:], (n, 2))
    return xy, rng.uniform(10.0, 100.0, n)


def to_locations(xy: np.ndarray, radius: np.ndarray | None) -> list[CallerLocation]:
    lon, lat = PROJ.to_wgs84(xy[:, 0], xy[:, 1])
    out = []
    for i in range(len(xy)):
        if radius is None:
            region: dict[str, Any] = {
                "type": "Point",
                "coordinates": [float(lon[i]), float(lat[i])],
            }
            shape, r = "point", 0.0
        else:
            disc = PROJ.geometry_to_wgs84(shapely.Point(xy[i]).buffer(float(radius[i]), 16))
            region, shape, r = shapely.geometry.mapping(disc), "circle", float(radius[i])
        out.append(
            CallerLocation(
                format="json",
                shape=shape,
                lon=float(lon[i]),
                lat=float(lat[i]),
                region=region,
                uncertainty_m=r,
            )
        )
    return out


# ``--cpu``: in-process rows timed by this process's CPU clock, which leaves out the time other
# processes hold the cores (a shared machine); PostGIS rows stay wall-clock (its work is done
# in the server process).
CLOCK = time.perf_counter_ns


def timed(
    fn: Callable[[Any], Any], items: list[Any], warmup: int = 100, *, wall: bool = False
) -> np.ndarray:
    clock = time.perf_counter_ns if wall else CLOCK
    for it in items[:warmup]:
        fn(it)
    out = np.empty(len(items))
    gc.disable()
    for i, it in enumerate(items):
        t0 = clock()
        fn(it)
        out[i] = (clock() - t0) / 1000.0
    gc.enable()
    return out


def report(
    rows: list[tuple[str, str, np.ndarray | None, str]],
    name: str,
    label: str,
    us: np.ndarray | None,
    note: str = "",
) -> None:
    rows.append((name, label, us, note))
    if us is None:
        print(f"{name:6} {label:58} {note}", flush=True)
    else:
        print(
            f"{name:6} {label:58} p50 {np.percentile(us, 50):9.1f} us  "
            f"p99 {np.percentile(us, 99):9.1f} us  {note}",
            flush=True,
        )


def brute_force(scene: Scene, index: CameraIndex) -> Callable[[tuple[float, float]], np.ndarray]:
    """Numpy over every camera (sector test), then line of sight for the hits."""
    from camroute.routing.los import blocked

    x, y = scene.cam_xy[:, 0], scene.cam_xy[:, 1]
    head = index.heading_grid_deg
    half, rng_m, hgt = index.half_fov_deg, index.range_m, index.height_m

    def run(q: tuple[float, float]) -> np.ndarray:
        dx, dy = q[0] - x, q[1] - y
        d = np.hypot(dx, dy)
        near = np.flatnonzero(d <= rng_m)
        off = offset_deg(grid_bearing_deg(dx[near], dy[near]), head[near])
        fov, _ = in_sector(
            distance_m=d[near], offset_deg=off, half_fov_deg=half[near], range_m=rng_m[near]
        )
        c = near[fov]
        clear = ~blocked(
            cam_x_m=x[c],
            cam_y_m=y[c],
            cam_height_m=hgt[c],
            target_x_m=np.full(c.size, q[0]),
            target_y_m=np.full(c.size, q[1]),
            footprints=index.buildings,
        )
        seen = c[clear]
        return seen[np.argsort(d[seen])[:10]]

    return run


PG_POINT_LOS = """
WITH q AS (SELECT ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 32648) AS p)
SELECT c.id, ST_Distance(c.geom, q.p) AS d FROM cams c, q
WHERE ST_DWithin(c.geom, q.p, 150)
  AND ST_Distance(c.geom, q.p) <= c.range_m
  AND (c.half >= 180
       OR abs(mod((degrees(ST_Azimuth(c.geom, q.p)) - c.heading + 540.0)::numeric, 360) - 180)
          <= c.half)
  AND NOT EXISTS (
    SELECT 1 FROM blds b
    WHERE ST_Intersects(b.geom, ST_MakeLine(c.geom, q.p)) AND NOT ST_DWithin(b.geom, c.geom, 1.5)
      AND (b.h IS NULL OR b.h >= c.h
           OR ST_MaxDistance(c.geom, ST_Intersection(b.geom, ST_MakeLine(c.geom, q.p)))
              > ST_Distance(c.geom, q.p) * (1 - b.h / c.h)))
ORDER BY d LIMIT 10
"""

PG_VIEWSHED = """
WITH q AS (SELECT ST_Buffer(ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 32648), %(r)s, 16) AS g)
SELECT v.id, ST_Area(ST_Intersection(v.geom, q.g)) / ST_Area(q.g) AS f FROM views v, q
WHERE ST_Intersects(v.geom, q.g)
ORDER BY f DESC LIMIT 10
"""

PG_VIEWSHED_POINT = """
SELECT v.id FROM views v
WHERE ST_Intersects(v.geom, ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 32648))
ORDER BY ST_Distance(v.cam, ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 32648)) LIMIT 10
"""


# The whole answer as PostGIS would give it from the same stored viewsheds: ids, shares,
# distances, bearings and each camera's cone as GeoJSON (WGS84, full precision as ours). The
# cones are stored in WGS84 beside the metric geometry (no transform per query), which
# favours PostGIS; it lists only the seeing cameras, while ours adds context and offline
# cameras, reasons, PTZ angles and the cover.
PG_WHOLE_POINT = """
WITH q AS (SELECT ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 32648) AS p)
SELECT v.id, 1.0 AS f, ST_Distance(v.cam, q.p) AS d, degrees(ST_Azimuth(v.cam, q.p)) AS b,
       ST_AsGeoJSON(v.geom4326, 15) AS cone
FROM views v, q WHERE ST_Intersects(v.geom, q.p)
ORDER BY d LIMIT 10
"""

PG_WHOLE_DISC = """
WITH q AS (SELECT ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 32648) AS p),
g AS (SELECT q.p, ST_Buffer(q.p, %(r)s, 16) AS g FROM q),
s AS (
  SELECT v.id, ST_Area(ST_Intersection(v.geom, g.g)) / ST_Area(g.g) AS f,
         ST_Distance(v.cam, g.p) AS d, degrees(ST_Azimuth(v.cam, g.p)) AS b, v.geom4326
  FROM views v, g WHERE ST_Intersects(v.geom, g.g)
)
SELECT id, f, d, b, ST_AsGeoJSON(geom4326, 15) AS cone FROM s
ORDER BY f DESC, d LIMIT 10
"""


def _copy(cur: Any, sql: str, lines: list[str]) -> None:
    with cur.copy(sql) as cp:
        for start in range(0, len(lines), 50_000):
            cp.write("".join(lines[start : start + 50_000]))


def pg_load(conn: Any, scene: Scene, index: CameraIndex, ready: np.ndarray) -> float:
    t0 = time.perf_counter()
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    cur.execute(
        "CREATE TABLE cams (id int, geom geometry(Point, 32648), heading float8, half float8,"
        " range_m float8, h float8)"
    )
    cur.execute("CREATE TABLE blds (id int, geom geometry(Polygon, 32648), h float8)")
    cur.execute(
        "CREATE TABLE views (id int, cam geometry(Point, 32648), geom geometry(Geometry, 32648))"
    )
    x, y = scene.cam_xy[:, 0], scene.cam_xy[:, 1]
    h = np.where(np.isfinite(index.height_m), index.height_m, 5.0)
    lines = [
        f"{i}\tSRID=32648;POINT({a:.3f} {b:.3f})\t{hd:.3f}\t{hf:.3f}\t{r:.3f}\t{hh:.2f}\n"
        for i, (a, b, hd, hf, r, hh) in enumerate(
            zip(x, y, index.heading_grid_deg, index.half_fov_deg, index.range_m, h, strict=True)
        )
    ]
    _copy(cur, "COPY cams FROM STDIN", lines)
    b = scene.boxes
    lines = [
        f"{i}\tSRID=32648;POLYGON(({a:.2f} {c:.2f},{a:.2f} {d:.2f},{e:.2f} {d:.2f},"
        f"{e:.2f} {c:.2f},{a:.2f} {c:.2f}))\t{NULL if np.isnan(hh) else f'{hh:.1f}'}\n"
        for i, (a, c, e, d, hh) in enumerate(
            zip(b[:, 0], b[:, 1], b[:, 2], b[:, 3], scene.heights, strict=True)
        )
    ]
    _copy(cur, "COPY blds FROM STDIN", lines)
    wkb = shapely.to_wkb(index.viewsheds[ready], hex=True)
    lines = [
        f"{i}\tSRID=32648;POINT({x[i]:.3f} {y[i]:.3f})\t{w}\n"
        for i, w in zip(ready.tolist(), wkb, strict=True)
    ]
    _copy(cur, "COPY views (id, cam, geom) FROM STDIN", lines)
    cur.execute("UPDATE views SET geom = ST_SetSRID(geom, 32648)")
    cur.execute("ALTER TABLE views ADD COLUMN geom4326 geometry(Geometry, 4326)")
    cur.execute("UPDATE views SET geom4326 = ST_Transform(geom, 4326)")
    for t in ("cams", "blds", "views"):
        cur.execute(f"CREATE INDEX ON {t} USING GIST (geom)")
        cur.execute(f"ANALYZE {t}")
    conn.commit()
    return time.perf_counter() - t0


def pg_section(
    rows: list[Any],
    scene: Scene,
    index: CameraIndex,
    ready: np.ndarray,
    pts: np.ndarray,
    discs: np.ndarray,
    radii: np.ndarray,
) -> None:
    import psycopg

    name = f"bench_routing_{uuid.uuid4().hex[:8]}"
    base = PG_ADMIN.rsplit("/", 1)[0]
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(f"{base}/{name}", prepare_threshold=0) as conn:
            conn.execute("SET jit = off")
            conn.execute("SET max_parallel_workers_per_gather = 0")
            took = pg_load(conn, scene, index, ready)
            report(rows, scene.name, "PostGIS load (COPY + GiST + ANALYZE)", None, f"{took:.1f} s")
            cur = conn.cursor()

            def one(sql: str) -> Callable[[dict[str, float]], Any]:
                return lambda p: cur.execute(sql, p).fetchall()

            def wall(fn: Callable[[Any], Any], items: list[Any]) -> np.ndarray:
                return timed(fn, items, wall=True)

            report(
                rows,
                scene.name,
                "PostGIS SELECT 1 round trip",
                wall(one("SELECT 1"), [{}] * 1000),
                "floor",
            )
            pp = [{"x": float(a), "y": float(b)} for a, b in pts[:1000]]
            report(
                rows,
                scene.name,
                "PostGIS point: FOV + LOS + top10 (1 SQL)",
                wall(one(PG_POINT_LOS), pp),
                "on-the-fly LOS",
            )
            report(
                rows,
                scene.name,
                "PostGIS point: stored viewsheds (1 SQL)",
                wall(one(PG_VIEWSHED_POINT), pp),
                "",
            )
            dd = [
                {"x": float(a), "y": float(b), "r": float(r)}
                for (a, b), r in zip(discs[:1000], radii[:1000], strict=True)
            ]
            report(
                rows,
                scene.name,
                "PostGIS disc 10-100 m: stored viewsheds (1 SQL)",
                wall(one(PG_VIEWSHED), dd),
                "exact areas",
            )
            report(
                rows,
                scene.name,
                "PostGIS point: whole answer, stored viewsheds + GeoJSON",
                wall(one(PG_WHOLE_POINT), pp),
                "ids, distances, bearings, cones",
            )
            report(
                rows,
                scene.name,
                "PostGIS disc 10-100 m: whole answer + GeoJSON",
                wall(one(PG_WHOLE_DISC), dd),
                "ids, shares, distances, bearings, cones",
            )
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_size(
    name: str, n_cams: int, n_blds: int, n_cities: int, n_queries: int, rows: list[Any], *, pg: bool
) -> None:
    base_rss = rss_mb()
    t0 = time.perf_counter()
    scene = make_scene(name, n_cams, n_blds, n_cities)
    report(
        rows,
        name,
        "generate scene",
        None,
        f"{time.perf_counter() - t0:.1f} s, {n_cams:,} cameras, {len(scene.boxes):,} buildings",
    )
    t0 = time.perf_counter()
    cams_only = CameraIndex.build(scene.cameras)
    report(
        rows, name, "CameraIndex.build (cameras only)", None, f"{time.perf_counter() - t0:.2f} s"
    )
    del cams_only
    gc.collect()
    t0 = time.perf_counter()
    index = CameraIndex.build(scene.cameras, scene.buildings)
    report(
        rows,
        name,
        "CameraIndex.build (cameras + buildings)",
        None,
        f"{time.perf_counter() - t0:.2f} s",
    )
    box = district(scene)
    reach = index.max_range_m + 100.0
    near = np.flatnonzero(
        (index.x >= box[0] - reach)
        & (index.x <= box[2] + reach)
        & (index.y >= box[1] - reach)
        & (index.y <= box[3] + reach)
    )
    t0 = time.perf_counter()
    ready_index = index.with_viewsheds(near)
    took = time.perf_counter() - t0
    report(
        rows,
        name,
        "viewshed batch (district cameras)",
        None,
        f"{near.size:,} cameras in {took:.1f} s = {1000 * took / max(near.size, 1):.2f} ms/camera",
    )
    t0 = time.perf_counter()
    primed = prime_listed(ready_index)  # as the app's IndexHolder does before each swap
    report(
        rows,
        name,
        "prime the listed values and cones",
        None,
        f"{primed:,} cameras in {1000 * (time.perf_counter() - t0):.1f} ms",
    )
    # A rebuild's next snapshot (50 viewsheds replaced): primed alone, then sharing the cones.
    changed = near[:50]
    took_ms = []
    for previous in (None, ready_index):
        following = ready_index.with_given_viewsheds(changed, ready_index.viewsheds[changed])
        t0 = time.perf_counter()
        prime_listed(following, previous=previous)
        took_ms.append(1000 * (time.perf_counter() - t0))
    report(
        rows,
        name,
        "prime the next snapshot: alone / sharing previous cones",
        None,
        f"{took_ms[0]:.1f} ms / {took_ms[1]:.1f} ms",
    )
    workers = os.cpu_count() or 1
    t0 = time.perf_counter()
    for _cams, _views in compute_viewsheds(index, near, workers=workers, chunk=100):
        pass
    par = time.perf_counter() - t0
    report(
        rows,
        name,
        f"viewshed batch, {workers} worker processes",
        None,
        f"{near.size:,} cameras in {par:.1f} s = {1000 * par / max(near.size, 1):.2f} ms/camera"
        f" (ratio to one process {took / par:.2f}x)",
    )
    del scene.cameras, scene.buildings
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand freed scene memory back before measuring
    report(
        rows,
        name,
        "RSS with index (scene frames dropped)",
        None,
        f"{rss_mb():.0f} MB (process before scene {base_rss:.0f} MB), peak {peak_mb():.0f} MB",
    )
    pts, radii = make_queries(box, n_queries)
    discs, _ = make_queries(box, n_queries, seed=10)
    point_locs = to_locations(pts, None)
    disc_locs = to_locations(discs, radii)
    for label, idx in (("viewsheds", ready_index), ("line-of-sight fallback", index)):
        us = timed(lambda loc, i=idx: rank_arrays(loc, i), point_locs)
        report(rows, name, f"core rank_arrays point, {label}", us, "ids + fractions, no objects")
        us = timed(lambda loc, i=idx: rank_arrays(loc, i), disc_locs)
        report(rows, name, f"core rank_arrays disc 10-100 m, {label}", us, "exact areas")
        us = timed(lambda loc, i=idx: rank_cameras(loc, i, include_views=False), point_locs)
        report(rows, name, f"rank_cameras point, {label}", us, "")
        us = timed(lambda loc, i=idx: rank_cameras(loc, i, include_views=False), disc_locs)
        report(rows, name, f"rank_cameras disc 10-100 m, {label}", us, "")
    us = timed(lambda loc: rank_cameras(loc, ready_index), point_locs)
    report(rows, name, "rank_cameras point, viewsheds, with view_geojson", us, "whole answer")
    us = timed(lambda loc: rank_cameras(loc, ready_index), disc_locs)
    report(rows, name, "rank_cameras disc 10-100 m, viewsheds, with view_geojson", us, "whole")
    bf = brute_force(scene, index)
    q = [tuple(p) for p in pts[: min(1000, n_queries)]]
    report(rows, name, "brute-force numpy scan point (+LOS on hits)", timed(bf, q, warmup=10), "")
    if pg:
        pg_section(
            rows, scene, ready_index, np.flatnonzero(ready_index.has_viewshed), pts, discs, radii
        )


def ratios(rows: list[Any], name: str) -> None:
    """Print speed-ups of the in-process paths against PostGIS and the numpy scan."""
    got = {label: us for n, label, us, _ in rows if n == name and us is not None}
    pairs = [
        ("core rank_arrays point, viewsheds", "PostGIS point: stored viewsheds (1 SQL)"),
        ("core rank_arrays point, viewsheds", "PostGIS point: FOV + LOS + top10 (1 SQL)"),
        (
            "core rank_arrays point, line-of-sight fallback",
            "PostGIS point: FOV + LOS + top10 (1 SQL)",
        ),
        ("rank_cameras point, viewsheds", "PostGIS point: FOV + LOS + top10 (1 SQL)"),
        (
            "core rank_arrays disc 10-100 m, viewsheds",
            "PostGIS disc 10-100 m: stored viewsheds (1 SQL)",
        ),
        (
            "core rank_arrays point, line-of-sight fallback",
            "brute-force numpy scan point (+LOS on hits)",
        ),
        (
            "rank_cameras point, viewsheds, with view_geojson",
            "PostGIS point: whole answer, stored viewsheds + GeoJSON",
        ),
        (
            "rank_cameras disc 10-100 m, viewsheds, with view_geojson",
            "PostGIS disc 10-100 m: whole answer + GeoJSON",
        ),
    ]
    for ours, theirs in pairs:
        if ours in got and theirs in got:
            p50 = np.percentile(got[theirs], 50) / np.percentile(got[ours], 50)
            p99 = np.percentile(got[theirs], 99) / np.percentile(got[ours], 99)
            print(f"{name:6} ratio {theirs} / {ours}: p50 {p50:.1f}x  p99 {p99:.1f}x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", default=["37k", "1M"])
    parser.add_argument("--queries", type=int, default=5000)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--cpu", action="store_true", help="in-process rows on the CPU clock")
    args = parser.parse_args()
    if args.cpu:
        global CLOCK  # a run-wide setting, read by ``timed``
        CLOCK = time.process_time_ns
    rows: list[Any] = []
    specs = {"37k": (37_000, 500_000, 1), "1M": (1_000_000, 2_000_000, 27)}
    for size in args.sizes:
        n_cams, n_blds, n_cities = specs[size]
        run_size(size, n_cams, n_blds, n_cities, args.queries, rows, pg=not args.no_pg)
        ratios(rows, size)
        gc.collect()


if __name__ == "__main__":
    main()
