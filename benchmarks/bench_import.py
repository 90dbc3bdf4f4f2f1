"""Import 1M synthetic cameras from a GeoPackage into SQLite and into PostGIS.

Each import runs in a fresh subprocess (so its peak RSS is its own) and is timed end to end
(wall clock, and the process's CPU time, which concurrent load on the machine inflates less):
read (pyogrio) + normalise + one-transaction bulk upsert (executemany / COPY) + commit.
Baseline measured in the same run: reading the same GeoPackage with pyogrio alone.
A second import of the same file (every row unchanged) is timed too.

    .venv/bin/python benchmarks/bench_import.py [--rows 1000000] [--keep DIR]

Goal (issue 3): at most 30 s and 1.5 GB per import.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import geopandas as gpd
import numpy as np
import psycopg

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
t0, cpu0 = time.perf_counter(), cpu()
if sys.argv[1] == "baseline":
    import pyogrio
    frame = pyogrio.read_dataframe(sys.argv[2])
    out = {"rows": len(frame)}
else:
    from camroute.store import make_engine, migrate
    from camroute.cameras.service import import_file
    engine = make_engine(sys.argv[1])
    migrate(engine)
    t0, cpu0 = time.perf_counter(), cpu()
    out = import_file(engine, Path(sys.argv[2])).summary()
out["seconds"] = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_SELF)
out["cpu_seconds"] = usage.ru_utime + usage.ru_stime - cpu0
out["peak_rss_mb"] = usage.ru_maxrss / 1024
print(json.dumps(out))
"""


def make_gpkg(path: Path, rows: int) -> None:
    """Cameras spread over Vietnam's bounding box, with the columns a real inventory has."""
    rng = np.random.default_rng(7)
    kinds = np.array(["fixed", "ptz", "dome_360"])
    frame = gpd.GeoDataFrame(
        {
            "id": [f"VN-{i:07d}" for i in range(rows)],
            "name": [f"Camera {i}" for i in range(rows)],
            "heading_deg": np.where(rng.random(rows) < 0.7, rng.uniform(0, 360, rows), np.nan),
            "hfov_deg": np.where(rng.random(rows) < 0.3, rng.uniform(30, 110, rows), np.nan),
            "mount_height_m": rng.uniform(3, 12, rows).round(1),
            "kind": kinds[rng.integers(0, 3, rows)],
            "status": "online",
        },
        geometry=gpd.points_from_xy(rng.uniform(102.2, 109.4, rows), rng.uniform(8.6, 23.3, rows)),
        crs=4326,
    )
    frame.to_file(path, driver="GPKG", layer="cameras", engine="pyogrio")


def run(target: str, gpkg: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, target, str(gpkg)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def pg_database() -> tuple[str, str]:
    name = f"camroute_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_pg(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="reuse/keep the GeoPackage here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_import_"))
    work.mkdir(parents=True, exist_ok=True)
    gpkg = work / f"cameras_{args.rows}.gpkg"
    if not gpkg.exists():
        t = time.perf_counter()
        make_gpkg(gpkg, args.rows)
        print(f"wrote {gpkg} ({args.rows} rows) in {time.perf_counter() - t:.1f} s")
    base = run("baseline", gpkg)
    print(
        f"baseline pyogrio read: {base['seconds']:.2f} s wall, {base['cpu_seconds']:.2f} s CPU, "
        f"peak {base['peak_rss_mb']:.0f} MB"
    )
    name, pg_url = pg_database()
    targets = {"sqlite": f"sqlite:///{work / 'bench.db'}", "postgis": pg_url}
    (work / "bench.db").unlink(missing_ok=True)
    try:
        for label, url in targets.items():
            for attempt in ("first import", "re-import (unchanged)"):
                r = run(url, gpkg)
                print(
                    f"{label:8s} {attempt:22s} {r['seconds']:6.2f} s wall "
                    f"{r['cpu_seconds']:6.2f} s CPU (python process; PostgreSQL not counted)  "
                    f"x{r['seconds'] / base['seconds']:.1f} of read  "
                    f"peak {r['peak_rss_mb']:5.0f} MB  "
                    f"imported={r['imported']} rejected={r['rejected']}"
                )
    finally:
        drop_pg(name)
        (work / "bench.db").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
