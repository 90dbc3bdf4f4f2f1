"""The exact disc path (flat rings) against polygon overlay on the same viewsheds."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from tests.routing.conftest import X0, Y0, building_frame, camera_frame

from camroute.routing import CameraIndex
from camroute.routing.visibility import MetricRegion, assess


@pytest.fixture(scope="module")
def city() -> CameraIndex:
    rng = np.random.default_rng(21)
    cams = camera_frame(
        [
            {
                "x_m": float(x),
                "y_m": float(y),
                "heading_deg": float(h),
                "hfov_deg": float(f),
                "range_m": float(r),
                "kind": "ptz" if p else "fixed",
            }
            for x, y, h, f, r, p in zip(
                rng.uniform(-150, 150, 60),
                rng.uniform(-150, 150, 60),
                rng.uniform(0, 360, 60),
                rng.uniform(40, 120, 60),
                rng.uniform(30, 120, 60),
                rng.random(60) < 0.15,
                strict=True,
            )
        ]
    )
    corners = rng.uniform(-180, 180, (150, 2))
    sizes = rng.uniform(4, 20, (150, 2))
    heights = np.where(rng.random(150) < 0.5, rng.uniform(3, 20, 150), np.nan)
    boxes = [
        (float(a), float(b), float(a + w), float(b + h), float(z))
        for (a, b), (w, h), z in zip(corners, sizes, heights, strict=True)
    ]
    return CameraIndex.build(cams, building_frame(boxes)).with_viewsheds()


def test_disc_shares_equal_the_overlay(city: CameraIndex) -> None:
    rng = np.random.default_rng(22)
    compared = partial = 0
    for x, y, r in zip(
        rng.uniform(-120, 120, 40), rng.uniform(-120, 120, 40), rng.uniform(5, 100, 40), strict=True
    ):
        cx, cy = X0 + float(x), Y0 + float(y)
        idx = city.candidates(x_m=cx, y_m=cy, radius_m=float(r))
        disc = MetricRegion(x_m=cx, y_m=cy, radius_m=float(r), shape="circle")
        fine = shapely.Point(cx, cy).buffer(float(r), quad_segs=256)
        polygon = MetricRegion(x_m=cx, y_m=cy, radius_m=float(r), shape="area", given=fine)
        fast, slow = assess(city, idx, disc), assess(city, idx, polygon)
        assert fast.seen_polygons is None  # the ring path ran, no overlay
        assert slow.seen_polygons is not None
        assert fast.visible_fraction == pytest.approx(slow.visible_fraction, abs=2e-4)
        assert (fast.in_fov == slow.in_fov).all()
        f = fast.visible_fraction
        compared += int((f > 0).sum())
        partial += int(((f > 0.01) & (f < 0.99)).sum())
    assert compared > 30
    assert partial > 10  # the scene makes partial views, not only all or nothing
