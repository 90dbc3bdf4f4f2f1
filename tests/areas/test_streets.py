from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from camroute.areas.importers import ImportOptions, read_layer
from camroute.areas.models import AreaFeature
from camroute.areas.spatial import QueryPoint
from camroute.areas.streets import StreetIndex, named_point_intersections, street_intersections
from camroute.areas.textnorm import normalise


@pytest.fixture(scope="module")
def helsinki(shared_data: Path) -> list[AreaFeature]:
    streets, _ = read_layer(
        shared_data / "helsinki_osm" / "highways.geojson", ImportOptions(kind="streets")
    )
    return streets


def test_helsinki_intersections_lie_on_both_streets(helsinki: list[AreaFeature]) -> None:
    found = street_intersections([s.geometry for s in helsinki], [s.name for s in helsinki])
    assert len(found) > 150
    assert all(
        normalise(a) != normalise(b) for a, b in zip(found.name_a, found.name_b, strict=True)
    )
    by_name: dict[str, list[shapely.Geometry]] = {}
    for street in helsinki:
        by_name.setdefault(street.name, []).append(street.geometry)
    sample = range(0, len(found), 25)
    for i in sample:
        point = shapely.Point(found.lon[i], found.lat[i])
        for name in (found.name_a[i], found.name_b[i]):
            assert min(shapely.distance(point, g) for g in by_name[name]) < 1e-9


def test_intersections_are_deduplicated(helsinki: list[AreaFeature]) -> None:
    found = street_intersections([s.geometry for s in helsinki], [s.name for s in helsinki])
    keys = {
        (a, b, round(x, 5), round(y, 5))
        for a, b, x, y in zip(found.name_a, found.name_b, found.lon, found.lat, strict=True)
    }
    assert len(keys) == len(found)


@pytest.mark.parametrize(
    ("lines", "names", "count"),
    [
        ([[(0, 0), (0.002, 0)], [(0.001, -0.001), (0.001, 0.001)]], ["A", "B"], 1),  # crossing
        ([[(0, 0), (0.001, 0)], [(0.001, 0), (0.001, 0.001)]], ["A", "B"], 1),  # shared node
        ([[(0, 0), (0.001, 0)], [(0.001, 0), (0.002, 0)]], ["A", "a"], 0),  # same street
        ([[(0, 0), (0.001, 0)], [(0, 0.001), (0.001, 0.001)]], ["A", "B"], 0),  # parallel
        (
            [
                [(0, 0), (0.002, 0)],
                [(0.001, -0.001), (0.001, 0.001)],
                [(0.001, -0.001), (0.001, 0.001)],
            ],
            ["A", "B", "B"],
            1,
        ),  # duplicate ways
        ([[(0, 0), (0.001, 0)]], ["A"], 0),
    ],
)
def test_street_intersections_table(
    lines: list[list[tuple[float, float]]], names: list[str], count: int
) -> None:
    geoms = [shapely.LineString(coords) for coords in lines]
    assert len(street_intersections(geoms, names)) == count


def test_named_points_split_on_the_dash() -> None:
    pois = [
        AreaFeature(kind="pois", name="Lê Duẩn - Tôn Đức Thắng", geometry=shapely.Point(1, 2)),
        AreaFeature(kind="pois", name="Chợ Bến Thành", geometry=shapely.Point(1, 2)),
        AreaFeature(kind="pois", name="A - A", geometry=shapely.Point(1, 2)),
    ]
    found = named_point_intersections(pois)
    assert len(found) == 1
    assert found.source[0] == "named-point"


def test_reverse_lookup_on_zurich(shared_data: Path) -> None:
    streets, _ = read_layer(
        shared_data / "zurich_osm" / "zurich_highways_overpass_2025-05-18.osm",
        ImportOptions(kind="streets"),
    )
    index = StreetIndex(streets, [])
    point = QueryPoint(8.5482608, 47.3773902)
    street = index.street(point)
    assert street is not None
    assert street.name in {"Rämistrasse", "Universitätstrasse"}
    assert street.distance_m == pytest.approx(0.0, abs=0.05)
    assert index.poi(point) is None
    lons = np.asarray(index.intersections.lon)
    assert ((lons > 8.39) & (lons < 8.67)).all()
