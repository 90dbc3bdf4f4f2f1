from __future__ import annotations

import numpy as np
import pytest
from tests.routing.conftest import NAN, building_frame, camera_frame

from camroute.routing import CameraIndex
from camroute.routing.cover import greedy_cover_samples, union_share
from camroute.routing.disc_cover import _greedy, _numpy_sum, _union_share, disc_cover, seen_samples
from camroute.routing.visibility import BOUNDARY_TOLERANCE_M, in_sector_samples

TOL = BOUNDARY_TOLERANCE_M


@pytest.fixture(scope="module")
def walled() -> CameraIndex:
    rng = np.random.default_rng(11)
    cams = [
        {
            "id": f"C{i}",
            "x_m": float(rng.uniform(-50, 50)),
            "y_m": float(rng.uniform(-50, 50)),
            "heading_deg": float(rng.uniform(0, 360)),
            "hfov_deg": float(rng.choice([70.0, 120.0, 360.0])),
            "kind": "fixed",
            "range_m": 90.0,
        }
        for i in range(30)
    ]
    walls = [(-20.0, 5.0, -5.0, 25.0, NAN), (8.0, -30.0, 30.0, -18.0, 3.0), (0, 0, 4, 4, NAN)]
    return CameraIndex.build(camera_frame(cams), building_frame(walls)).with_viewsheds()


def _numpy_path(index: CameraIndex, cams: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """The matrix the cover was built from before: sector matrix, then ring containment."""
    seen: np.ndarray = index.view_rings.covers_points(
        cams,
        points_dx_m=pts[None, :, 0] - index.x[cams][:, None],
        points_dy_m=pts[None, :, 1] - index.y[cams][:, None],
        mask=in_sector_samples(index, cams, pts),
        tolerance_m=TOL,
    )
    return seen


def test_seen_samples_are_the_numpy_paths(walled: CameraIndex) -> None:
    rng = np.random.default_rng(3)
    cams = np.arange(len(walled))
    pts = np.column_stack([walled.x[0], walled.y[0]]) + rng.uniform(-60, 60, (400, 2))
    got = seen_samples(walled, cams, pts, tolerance_m=TOL)
    assert got.any()
    assert not got.all()
    assert np.array_equal(got, _numpy_path(walled, cams, pts))


def test_a_sample_on_a_viewshed_edge_counts_as_seen(walled: CameraIndex) -> None:
    ring = walled.view_rings
    cam = 0
    start = ring.offsets[cam]
    a = np.array([ring.dx_m[start], ring.dy_m[start]], float)
    b = np.array([ring.dx_m[start + 1], ring.dy_m[start + 1]], float)
    on_edge = a + 0.5 * (b - a) + np.array([walled.x[cam], walled.y[cam]])
    pts = np.vstack([on_edge, on_edge + 50.0 * (b - a) / np.hypot(*(b - a))])
    got = seen_samples(walled, np.array([cam]), pts, tolerance_m=TOL)
    assert np.array_equal(got, _numpy_path(walled, np.array([cam]), pts))
    assert bool(got[0, 0])


@pytest.mark.parametrize("given_order", [True, False], ids=["order given", "sorted here"])
def test_samples_on_vertices_and_edges_are_the_numpy_paths(
    walled: CameraIndex, given_order: bool
) -> None:
    """Samples at every ring vertex and edge middle, and a tolerance away: the band of levels
    each edge is tested against must not leave out one the edge could flip or come near."""
    ring = walled.view_rings
    cams = np.arange(4)
    corners = []
    for cam in cams.tolist():
        part = slice(ring.offsets[cam], ring.offsets[cam + 1])
        xy = np.column_stack([ring.dx_m[part], ring.dy_m[part]]).astype(float)
        xy += (walled.x[cam], walled.y[cam])
        corners += [xy, (xy[:-1] + xy[1:]) / 2]
    base = np.vstack(corners)
    shifts = [np.array([dx, dy]) for dx in (0.0, TOL, -TOL) for dy in (0.0, TOL, -TOL)]
    pts = np.vstack([base + shift for shift in shifts])
    order = np.argsort(pts[:, 1], kind="stable") if given_order else None
    got = seen_samples(walled, cams, pts, tolerance_m=TOL, y_order=order)
    assert got.any()
    assert np.array_equal(got, _numpy_path(walled, cams, pts))


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_greedy_chooses_as_the_numpy_greedy(k: int) -> None:
    rng = np.random.default_rng(k)
    for _ in range(50):
        seen = rng.random((int(rng.integers(1, 9)), 64)) < rng.uniform(0.05, 0.6)
        seen[rng.integers(0, seen.shape[0])] = seen[0]  # ties: the better ranked row wins
        assert _greedy(seen, k).tolist() == greedy_cover_samples(seen, k=k)[0]


@pytest.mark.parametrize("k", [1, 2, 3, 10])
def test_union_share_is_the_numpy_one_to_the_bit(k: int) -> None:
    rng = np.random.default_rng(40 + k)
    for _ in range(300):
        seen = rng.random((int(rng.integers(2, 11)), 256)) < rng.uniform(0.02, 0.9)
        shares = np.clip(seen.mean(axis=1) + rng.normal(0.0, 0.05, seen.shape[0]), 1e-6, 1.0)
        chosen = _greedy(seen, k)
        want = union_share(seen[chosen], shares[chosen])
        assert _union_share(seen, chosen, shares).hex() == want.hex()


def test_union_share_of_no_choice_is_nothing() -> None:
    seen = np.zeros((3, 256), bool)  # thin views between the samples: the greedy picks none
    chosen = _greedy(seen, 3)
    assert chosen.size == 0
    assert _union_share(seen, chosen, np.array([0.01, 0.02, 0.01])) == 0.0


@pytest.mark.parametrize("n", [1, 3, 7, 8, 9, 16, 23, 127])
def test_sum_adds_as_numpy_does(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(200):
        values = rng.uniform(-1.0, 1.0, n) * 10.0 ** rng.integers(-4, 4, n)
        assert _numpy_sum(values).hex() == float(values.sum()).hex()


def test_nothing_to_add_to_a_camera_that_sees_all(walled: CameraIndex) -> None:
    pts = np.zeros((4, 2))
    assert disc_cover(
        walled, np.array([2, 5]), np.array([1.0, 0.4]), pts, k=3, tolerance_m=TOL
    ) == (
        [0],
        1.0,
    )
    assert disc_cover(
        walled, np.array([2, 5]), np.array([0.5, 0.4]), pts, k=0, tolerance_m=TOL
    ) == (
        [],
        0.0,
    )
