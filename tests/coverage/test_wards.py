"""Coverage per ward: exact on hand-built wards, consistent with a sample on real HCMC data."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from camroute.coverage.blind import blind_stretches
from camroute.coverage.streets import seen_area, seen_lengths_m
from camroute.coverage.wards import ward_cells, ward_coverage
from camroute.geo import local_projection
from camroute.routing import CameraIndex

STREET = [shapely.LineString([(0, 0), (100, 0)])]
TWO_WARDS = [shapely.box(0, -50, 50, 50), shapely.box(50, -50, 100, 50)]


def test_a_street_across_two_wards_counts_in_each_for_its_part() -> None:
    seen = shapely.box(30, -1, 60, 1)
    rows = {
        w.code: w for w in ward_coverage(seen, TWO_WARDS, ["1", "2"], ["A", "B"], STREET, [], [])
    }
    assert (rows["1"].street_length_m, rows["1"].street_seen_m) == (50.0, 20.0)
    assert (rows["2"].street_length_m, rows["2"].street_seen_m) == (50.0, 10.0)
    assert (rows["1"].street_share, rows["2"].street_share) == (0.4, 0.2)


def test_incidents_seen_per_ward_by_polygon() -> None:
    seen = shapely.box(0, -10, 40, 10)
    x, y = [10, 45, 60, 70], [0, 30, 0, 0]  # seen, in ward 1 unseen, two in ward 2 unseen
    rows = {w.code: w for w in ward_coverage(seen, TWO_WARDS, ["1", "2"], ["A", "B"], STREET, x, y)}
    assert (rows["1"].incidents, rows["1"].incidents_seen, rows["1"].incident_share) == (2, 1, 0.5)
    assert (rows["2"].incidents, rows["2"].incidents_seen, rows["2"].incident_share) == (2, 0, 0.0)


def test_a_ward_without_streets_or_calls_has_zero_shares() -> None:
    rows = ward_coverage(
        shapely.Polygon(), [shapely.box(500, 500, 600, 600)], ["9"], ["Z"], STREET, [], []
    )
    assert [(w.street_length_m, w.street_share, w.incidents, w.incident_share) for w in rows] == [
        (0.0, 0.0, 0, 0.0)
    ]


def test_wards_with_most_unseen_street_first() -> None:
    seen = shapely.box(0, -1, 45, 1)
    rows = ward_coverage(seen, TWO_WARDS, ["1", "2"], ["A", "B"], STREET, [], [])
    assert [w.code for w in rows] == ["2", "1"]


def test_cells_follow_the_points_order() -> None:
    points = [shapely.Point(90, 0), shapely.Point(10, 0), shapely.Point(50, 80)]
    cells = ward_cells(points, shapely.box(-100, -100, 200, 200))
    assert [bool(c.contains(p)) for c, p in zip(cells, points, strict=True)] == [True] * 3
    assert sum(c.area for c in cells) == pytest.approx(300.0 * 300.0)


# --- real data: HCMC traffic cameras with their 2017 headings, OSM streets, 2025 ward points


def _hcmc(data: Path) -> tuple[np.ndarray, list[shapely.Geometry], list[shapely.Point], list[str]]:
    cams = gpd.read_file(data / "hcmc_traffic_cameras" / "hcmc_traffic_cameras.geojson")
    cams = cams[cams["heading_deg_2017"].notna()].reset_index(drop=True)
    frame = gpd.GeoDataFrame(
        {
            "id": cams["id"].astype(str),
            "name": cams["name"],
            "lon": cams.geometry.x,
            "lat": cams.geometry.y,
            "heading_deg": cams["heading_deg_2017"].astype(float),
            "hfov_deg": 60.0,
            "range_m": 80.0,
            "mount_height_m": 6.0,
            "kind": "fixed",
            "status": "online",
        },
        geometry=cams.geometry,
        crs=4326,
    )
    index = CameraIndex.build(frame, projection=local_projection(lon=106.70, lat=10.78))
    views = index.views(np.arange(len(frame)))
    streets = gpd.read_file(data / "hcmc_osm" / "streets_near_cameras.geojson")
    lines = [index.projection.geometry_to_metric(g) for g in streets.geometry]
    with (data / "vn_admin" / "wards_2025_hcmc_danang_haiphong.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["provinceCode"] == "79"]
    x, y = index.projection.to_metric(
        [float(r["wardLon"]) for r in rows], [float(r["wardLat"]) for r in rows]
    )
    points = list(shapely.points(x, y))
    return views, lines, points, [r["wardCode"] for r in rows]


def test_real_hcmc_ward_figures_add_up_and_match_a_sample(shared_data: Path) -> None:
    views, lines, points, codes = _hcmc(shared_data)
    seen = seen_area(views)
    extent = shapely.buffer(shapely.envelope(shapely.union_all(lines)), 500.0)
    cells = ward_cells(points, extent)
    rows = ward_coverage(seen, cells, codes, codes, lines, [], [], approximate=True)
    total = float(shapely.length(np.asarray(lines, dtype=object)).sum())
    total_seen = float(seen_lengths_m(seen, lines).sum())
    assert sum(w.street_length_m for w in rows) == pytest.approx(total, rel=1e-4)
    assert sum(w.street_seen_m for w in rows) == pytest.approx(total_seen, rel=1e-4)
    assert 0.0 < total_seen < total
    # brute force: points every 2 m along the streets, inside a ward's cell and the seen area
    by_code = dict(zip(codes, cells, strict=True))
    busiest = sorted(rows, key=lambda w: -w.street_length_m)[:5]
    for ward in busiest:
        pieces = shapely.get_parts(
            shapely.intersection(shapely.union_all(lines), by_code[ward.code])
        )
        samples = [
            p
            for piece in pieces
            for p in shapely.line_interpolate_point(piece, np.arange(1.0, piece.length, 2.0))
        ]
        inside = shapely.contains_xy(seen, [p.x for p in samples], [p.y for p in samples])
        assert ward.street_share == pytest.approx(float(inside.mean()), abs=0.02), ward.code


def test_real_hcmc_blind_and_seen_lengths_make_the_whole(shared_data: Path) -> None:
    views, lines, _points, _codes = _hcmc(shared_data)
    seen = seen_area(views)
    blind = blind_stretches(seen, lines, ["s"] * len(lines), [], [], min_length_m=0)
    total = float(shapely.length(np.asarray(lines, dtype=object)).sum())
    seen_m = float(seen_lengths_m(seen, lines).sum())
    assert sum(b.length_m for b in blind) + seen_m == pytest.approx(total, rel=1e-3)
    assert all(not b.geometry.intersects(shapely.buffer(seen, -0.01)) for b in blind[:200])
