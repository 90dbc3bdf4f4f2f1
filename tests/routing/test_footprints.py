"""Compact footprints: every building within reach is found, and polygons come back whole."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from camroute.routing.footprints import LARGE_RADIUS_M, Footprints

E0, N0 = 500_000.0, 1_190_000.0  # UTM-sized coordinates, as in the index


@pytest.fixture(scope="module")
def town() -> tuple[np.ndarray, Footprints]:
    rng = np.random.default_rng(41)
    x, y = E0 + rng.uniform(0, 2000, 3000), N0 + rng.uniform(0, 2000, 3000)
    w, h = rng.uniform(4, 30, 3000), rng.uniform(4, 30, 3000)
    geoms = shapely.box(x, y, x + w, y + h)
    geoms[:5] = shapely.box(x[:5], y[:5], x[:5] + 300, y[:5] + 120)  # a few large ones
    geoms[5] = shapely.union_all(
        [shapely.box(E0, N0, E0 + 5, N0 + 5), shapely.box(E0 + 9, N0, E0 + 14, N0 + 5)]
    )
    geoms[6] = shapely.box(E0 + 50, N0 + 50, E0 + 80, N0 + 80).difference(
        shapely.box(E0 + 60, N0 + 60, E0 + 70, N0 + 70)
    )
    return geoms, Footprints.from_polygons(geoms, rng.uniform(3, 30, 3000))


def test_large_and_multipart_footprints(town: tuple[np.ndarray, Footprints]) -> None:
    _geoms, fp = town
    assert len(fp) == 3001  # the two-part building gives two footprints
    assert fp.large.size >= 5
    assert (fp.radius_m[fp.large] > LARGE_RADIUS_M).all()


def test_polygons_come_back_exactly(town: tuple[np.ndarray, Footprints]) -> None:
    geoms, fp = town
    polys = fp.polygons(np.arange(len(fp)))
    shells = shapely.polygons(shapely.get_exterior_ring(shapely.get_parts(geoms)))
    assert shapely.area(polys).sum() == pytest.approx(shapely.area(shells).sum(), rel=1e-6)
    pi, si = shapely.STRtree(shells).query(polys, predicate="intersects")
    drift = np.full(polys.size, np.inf)
    np.minimum.at(drift, pi, shapely.hausdorff_distance(polys[pi], shells[si]))
    assert drift.max() < 1e-4  # each is its original to float32 offsets: sub-millimetre
    yard = fp.around(np.array([E0 + 65.0]), np.array([N0 + 65.0]), np.array([0.0]))
    assert shapely.area(fp.polygons(yard)).tolist() == pytest.approx([900.0])  # filled


def test_near_finds_everything_within_reach(town: tuple[np.ndarray, Footprints]) -> None:
    _geoms, fp = town
    polys = fp.polygons(np.arange(len(fp)))
    rng = np.random.default_rng(42)
    qx, qy = E0 + rng.uniform(-100, 2100, 300), N0 + rng.uniform(-100, 2100, 300)
    reach = rng.uniform(0, 160, 300)
    q, f = fp.near(qx, qy, reach)
    got = set(zip(q.tolist(), f.tolist(), strict=True))
    points = shapely.points(qx, qy)
    want_q, want_f = shapely.STRtree(polys).query(points, predicate="dwithin", distance=reach)
    want = set(zip(want_q.tolist(), want_f.tolist(), strict=True))
    assert want <= got  # never misses one
    assert len(got) < 3 * len(want) + 50  # and does not return the town
    assert len(want) > 500


def test_a_repaired_bow_tie_with_a_spike_still_blocks() -> None:
    from camroute.routing.los import blocked

    bad = shapely.Polygon([(10, -5), (20, 5), (20, -5), (10, 5), (10, -5), (5, -5), (10, -5)])
    fixed = shapely.make_valid(bad)
    assert fixed.geom_type == "GeometryCollection"  # a multi-polygon and a line
    footprints = Footprints.from_polygons(np.array([fixed], dtype=object), np.array([np.nan]))
    assert len(footprints) == 2  # both triangles
    clear = ~blocked(
        cam_x_m=[0.0],
        cam_y_m=[0.0],
        cam_height_m=[5.0],
        target_x_m=[30.0],
        target_y_m=[1.0],
        footprints=footprints,
    )
    assert clear.tolist() == [False]
