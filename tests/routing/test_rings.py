"""Flat rings against GEOS: exact disc areas and point tests on awkward polygons."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from camroute.routing.rings import RingStore

FAR_M = 500_000.0  # anchors far from the origin, as UTM coordinates are


def _blobs(seed: int, n: int) -> np.ndarray:
    """Unions of discs with a hole punched in: several parts, holes, many vertices."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        centres = rng.uniform(-60, 60, (5, 2))
        blob = shapely.union_all([shapely.Point(c).buffer(rng.uniform(5, 25)) for c in centres])
        out.append(blob.difference(shapely.Point(rng.uniform(-15, 15, 2)).buffer(7)))
    return np.array(out, dtype=object)


def _store(local: np.ndarray, ax: np.ndarray, ay: np.ndarray) -> RingStore:
    moved = np.array(
        [shapely.affinity.translate(g, x, y) for g, x, y in zip(local, ax, ay, strict=True)],
        dtype=object,
    )
    return RingStore.from_polygons(moved, anchor_x_m=ax, anchor_y_m=ay)


def test_disc_areas_match_geos_on_holes_and_parts() -> None:
    local = _blobs(3, 60)
    assert any(shapely.get_num_interior_rings(shapely.get_parts(g)).sum() for g in local)
    assert any(shapely.get_num_geometries(g) > 1 for g in local)
    rng = np.random.default_rng(4)
    ax, ay = FAR_M + rng.uniform(0, 1e4, 60), FAR_M + rng.uniform(0, 1e4, 60)
    store = _store(local, ax, ay)
    cx, cy = rng.uniform(-80, 80, 60), rng.uniform(-80, 80, 60)
    for r in (1.0, 12.5, 60.0, 400.0):
        got = store.disc_overlap_m2(np.arange(60), centre_dx_m=cx, centre_dy_m=cy, radius_m=r)
        disc = shapely.buffer(shapely.points(cx, cy), r, quad_segs=512)
        want = shapely.area(shapely.intersection(local, disc))
        # the reference disc is a 2048-gon: its own area is short by about 1.6e-6
        assert got == pytest.approx(want, abs=3e-6 * np.pi * r * r + 1e-6)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-30, 30),
    st.floats(-30, 30),
    st.floats(0.5, 80),
    st.floats(0, 360),
    st.floats(10, 170),
)
def test_disc_area_of_a_sector(cx: float, cy: float, r: float, head: float, fov: float) -> None:
    az = np.radians(head - fov / 2 + fov * np.linspace(0, 1, 40))
    ring = np.vstack([[0, 0], np.column_stack([50 * np.sin(az), 50 * np.cos(az)]), [0, 0]])
    sector = shapely.Polygon(ring)
    store = RingStore.from_polygons(
        np.array([sector]), anchor_x_m=np.zeros(1), anchor_y_m=np.zeros(1)
    )
    got = store.disc_overlap_m2(
        np.array([0]), centre_dx_m=np.array([cx]), centre_dy_m=np.array([cy]), radius_m=r
    )[0]
    want = sector.intersection(shapely.Point(cx, cy).buffer(r, quad_segs=512)).area
    assert got == pytest.approx(want, abs=3e-6 * np.pi * r * r + 1e-6)


def test_points_match_geos_and_edges_count() -> None:
    local = _blobs(5, 40)
    ax, ay = np.full(40, FAR_M), np.full(40, FAR_M)
    store = _store(local, ax, ay)
    rng = np.random.default_rng(6)
    px, py = rng.uniform(-90, 90, (40, 50)), rng.uniform(-90, 90, (40, 50))
    mask = rng.random((40, 50)) < 0.8
    got = store.covers_points(
        np.arange(40), points_dx_m=px, points_dy_m=py, mask=mask, tolerance_m=1e-3
    )
    want = shapely.intersects_xy(local[:, None], px, py)
    assert got.tolist() == (want & mask).tolist()
    assert (want & mask).any()
    assert (want & ~mask).any()  # masked points are not asked, whatever they are
    corner = shapely.get_coordinates(local[0])[0]
    on_vertex = store.covers_points(
        np.array([0]),
        points_dx_m=corner[None, :1],
        points_dy_m=corner[None, 1:],
        mask=np.ones((1, 1), bool),
        tolerance_m=1e-3,
    )
    assert on_vertex.tolist() == [[True]]


def test_replaced_swaps_only_the_named_polygons() -> None:
    local = _blobs(7, 6)
    ax, ay = np.arange(6) * 1000.0, np.zeros(6)
    store = _store(local, ax, ay)
    empty = RingStore.empty(6)
    mixed = empty.replaced(np.array([4, 1]), _store(local[[4, 1]], ax[[4, 1]], ay[[4, 1]]))
    centre = np.zeros(6)
    full = store.disc_overlap_m2(np.arange(6), centre_dx_m=centre, centre_dy_m=centre, radius_m=40)
    part = mixed.disc_overlap_m2(np.arange(6), centre_dx_m=centre, centre_dy_m=centre, radius_m=40)
    assert part[[1, 4]] == pytest.approx(full[[1, 4]])
    assert part[[0, 2, 3, 5]].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert full[[0, 2, 3, 5]].min() > 0.0
