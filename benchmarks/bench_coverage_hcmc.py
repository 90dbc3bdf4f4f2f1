"""Coverage and plan on the shipped HCMC data: the demo's cameras, OSM streets and buildings.

Loads the HCMC demo (721 cameras, headings as the demo assumes them), the shipped OSM street
layer (4,855 ways) and building footprints (1,032) into a fresh SQLite file, adds synthetic
incidents (seeded, at random points along the streets: there is no real call record to ship),
then times ``registry_coverage`` (viewsheds computed, union, streets, wards, blind stretches)
and ``plan_cameras``. Optionally writes the report as HTML/PDF.

Usage: ``python benchmarks/bench_coverage_hcmc.py [--incidents 2000] [--budget 10] [--pdf OUT]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import shapely
import sqlalchemy as sa

from camroute.areas.importers import ImportOptions
from camroute.areas.service import import_layer, stored_streets
from camroute.demo import adapters
from camroute.demo.loader import city_dir, load_city
from camroute.incidents.tables import incidents
from camroute.store import make_engine, migrate

BASEMAP = city_dir("hcmc") / "basemap"


def _gunzip(name: str, folder: Path) -> Path:
    out = folder / name.removesuffix(".gz")
    with gzip.open(BASEMAP / name) as src, out.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return out


def _incidents(engine: sa.Engine, n: int, rng: np.random.Generator) -> None:
    """``n`` incidents at random points along the named streets, within the last year."""
    lines = np.asarray([s.geometry for s in stored_streets(engine)], dtype=object)
    weights = shapely.length(lines) / shapely.length(lines).sum()
    picks = rng.choice(lines.size, size=n, p=weights)
    points = shapely.line_interpolate_point(lines[picks], rng.uniform(0, 1, n), normalized=True)
    now = datetime.now(UTC)
    rows = [
        {
            "id": f"syn-{i}",
            "call_id": f"syn-{i}",
            "hotline": "113",
            "status": "closed",
            "created_at": now - timedelta(days=int(d)),
            "updated_at": now,
            "lon": p.x,
            "lat": p.y,
            "location_count": 1,
        }
        for i, (p, d) in enumerate(zip(points, rng.integers(1, 360, n), strict=True))
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(incidents), rows)


def _load(folder: Path, n_incidents: int) -> sa.Engine:
    engine = make_engine(f"sqlite:///{folder / 'hcmc.db'}")
    migrate(engine)
    load_city(engine, "hcmc", sim_base_url="http://127.0.0.1:9")
    import_layer(engine, _gunzip("hcmc_streets.geojson.gz", folder), ImportOptions(kind="streets"))
    adapters.import_buildings(engine, _gunzip("hcmc_buildings.geojson.gz", folder))
    _incidents(engine, n_incidents, np.random.default_rng(14))
    return engine


def main() -> None:
    """Load, time coverage and plan, print JSON (and write the report when asked)."""
    from camroute.coverage.render import to_html
    from camroute.coverage.service import plan_cameras, registry_coverage
    from camroute.reports.pdf import html_to_pdf

    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--budget", type=int, default=10)
    parser.add_argument("--pdf", type=Path)
    parser.add_argument("--html", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cov-") as tmp:
        engine = _load(Path(tmp), args.incidents)
        since = datetime.now(UTC) - timedelta(days=360)
        t0 = time.perf_counter()
        result = registry_coverage(engine, since=since)
        t1 = time.perf_counter()
        planned = plan_cameras(engine, budget=args.budget, since=since)
        t2 = time.perf_counter()
        html = to_html(result, months=12, made_at=datetime.now(UTC))
        if args.html:
            args.html.write_text(html, encoding="utf-8")
        if args.pdf:
            html_to_pdf(html, args.pdf)
        engine.dispose()
    c = result.coverage
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).date().isoformat(),
                "cameras_seeing": c.cameras,
                "street_km": round(c.street_length_m / 1000, 1),
                "street_share": c.street_share,
                "incidents": result.incidents.incidents,
                "incident_share": result.incidents.share,
                "wards": len(result.wards),
                "blind_stretches": len(result.blind),
                "coverage_s": round(t1 - t0, 2),
                "plan_s": round(t2 - t1, 2),
                "planned": len(planned),
                "plan_gain_m": round(sum(p.gain_m for p in planned), 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
