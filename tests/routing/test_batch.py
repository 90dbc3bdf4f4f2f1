from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from tests.routing.conftest import NAN, building_frame, camera_frame

from camroute.routing import CameraIndex
from camroute.routing.batch import compute_viewsheds


def _city(n: int, seed: int = 2) -> CameraIndex:
    rng = np.random.default_rng(seed)
    cams: list[dict[str, Any]] = [
        {
            "id": f"C{i:04d}",
            "x_m": float(rng.uniform(0, 600)),
            "y_m": float(rng.uniform(0, 600)),
            "heading_deg": float(rng.uniform(0, 360)) if i % 7 else None,
            "kind": "ptz" if i % 11 == 0 else "fixed",
        }
        for i in range(n)
    ]
    corners = rng.uniform(0, 600, (150, 2))
    boxes = [(x, y, x + 12.0, y + 8.0, NAN if i % 2 else 9.0) for i, (x, y) in enumerate(corners)]
    return CameraIndex.build(camera_frame(cams), building_frame(boxes))


def test_workers_give_the_same_viewsheds_as_one_process() -> None:
    index = _city(300)
    which = np.arange(len(index))
    serial = dict(
        (int(i), v)
        for cams, views in compute_viewsheds(index, which, chunk=64)
        for i, v in zip(cams, views, strict=True)
    )
    parallel = dict(
        (int(i), v)
        for cams, views in compute_viewsheds(index, which, workers=2, chunk=64)
        for i, v in zip(cams, views, strict=True)
    )
    able = np.flatnonzero(index.can_have_viewshed()).tolist()
    assert sorted(serial) == sorted(parallel) == able  # every able camera once, no other
    assert 0 < len(able) < len(index)
    same = [shapely.equals_exact(serial[i], parallel[i], tolerance=1e-9) for i in able]
    assert all(same)


def test_batch_matches_with_viewsheds() -> None:
    index = _city(40, seed=3)
    done = index.with_viewsheds()
    for cams, views in compute_viewsheds(index, np.arange(len(index)), chunk=8):
        want = done.viewsheds[cams]
        assert shapely.equals_exact(views, want, tolerance=1e-9).all()


def test_nothing_to_do_yields_nothing() -> None:
    index = _city(10)
    assert list(compute_viewsheds(index, np.empty(0, np.intp), workers=2)) == []
