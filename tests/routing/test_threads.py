"""Request threads share one snapshot: concurrent queries must neither crash nor disagree.

Run in a child process, because the failure this guards against (GEOS prepared geometries
shared between threads) kills the process rather than raising.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import threading
    import numpy as np
    import shapely
    from tests.routing.conftest import X0, Y0, building_frame, camera_frame, to_lonlat
    from camroute.location import CallerLocation
    from camroute.routing import CameraIndex, rank_cameras

    rng = np.random.default_rng(7)
    cams = [dict(id=f"C{i}", x_m=float(rng.uniform(-60, 60)), y_m=float(rng.uniform(-60, 60)),
                 heading_deg=float(rng.uniform(0, 360)), hfov_deg=float(rng.choice([90.0, 360.0])),
                 range_m=100.0) for i in range(80)]
    boxes = []
    for _ in range(300):
        x, y = rng.uniform(-150, 150, 2)
        w, h = rng.uniform(3, 15, 2)
        boxes.append((x, y, x + w, y + h, float(rng.choice([np.nan, 4.0]))))
    base = CameraIndex.build(camera_frame(cams), building_frame(boxes))

    def area(i):  # an ellipse-like polygon (the overlay path) or a circle (the rings path)
        cx, cy = rng.uniform(-40, 40, 2)
        r = float(rng.uniform(5, 30))
        lon, lat = to_lonlat(cx, cy)
        poly = shapely.affinity.scale(shapely.Point(X0 + cx, Y0 + cy).buffer(r, 8), 1.0, 0.6)
        from camroute.geo import local_projection
        wgs = local_projection(lon=105.0, lat=10.77).geometry_to_wgs84(poly)
        shape = "polygon" if i % 2 else "circle"
        region = shapely.geometry.mapping(wgs if shape == "polygon" else wgs.envelope)
        return CallerLocation(format="json", shape=shape, lon=lon, lat=lat, region=region,
                              uncertainty_m=r)

    queries = [area(i) for i in range(40)]
    for _ in range(6):
        index = base.with_viewsheds()  # a fresh snapshot, first used by two threads at once
        want = [rank_cameras(q, index).model_dump() for q in queries]
        got = [None] * len(queries)

        def work(order):
            for k in order:
                got[k] = rank_cameras(queries[k], index).model_dump()

        threads = [threading.Thread(target=work, args=(list(range(40))[::s],)) for s in (1, -1)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert got == want
    print("ok")
    """
)


def test_concurrent_queries_on_one_snapshot() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")
