from __future__ import annotations

import pytest
import shapely

from camroute.areas.models import AreaFeature
from camroute.areas.services import ServiceIndex, code_key
from camroute.areas.spatial import QueryPoint


def _station(name: str, code: str, lon: float, lat: float, service: str = "113") -> AreaFeature:
    return AreaFeature(
        kind="stations",
        name=name,
        code=code,
        service=service,
        phone="069.123",
        geometry=shapely.Point(lon, lat),
    )


def _area(name: str, code: str, geom: shapely.Geometry, service: str = "113") -> AreaFeature:
    return AreaFeature(
        kind="service-areas", name=name, code=code, service=service, phone="113", geometry=geom
    )


WEST = shapely.box(106.60, 10.70, 106.70, 10.80)
EAST = shapely.box(106.70, 10.70, 106.80, 10.80)
STATIONS = [
    _station("Công an Tây", "W1", 106.65, 10.75),
    _station("Công an Đông", "E1", 106.75, 10.75),
    _station("PCCC Đông", "F1", 106.75, 10.76, service="114"),
]
AREAS = [
    _area("Khu Tây", "W1", WEST),  # same code as a station: that station is the unit
    _area("Khu Đông", "Z9", EAST),  # no code match: the station inside
    _area("Khu cứu thương", "A1", EAST, service="115"),  # no station at all: the area itself
]


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (106.66, 10.75, {"113": ("area", "Công an Tây"), "114": ("nearest", "PCCC Đông")}),
        (
            106.76,
            10.75,
            {
                "113": ("area", "Công an Đông"),
                "114": ("nearest", "PCCC Đông"),
                "115": ("area", "Khu cứu thương"),
            },
        ),
        # on the shared edge: the area with the smaller code (W1 < Z9) answers
        (
            106.70,
            10.75,
            {
                "113": ("area", "Công an Tây"),
                "114": ("nearest", "PCCC Đông"),
                "115": ("area", "Khu cứu thương"),
            },
        ),
        (106.90, 10.75, {"113": ("nearest", "Công an Đông"), "114": ("nearest", "PCCC Đông")}),
    ],
)
def test_resolve(lon: float, lat: float, expected: dict[str, tuple[str, str]]) -> None:
    found = ServiceIndex(AREAS, STATIONS).resolve(QueryPoint(lon, lat))
    assert {s: (u.basis, u.name) for s, u in found.items()} == expected


def test_distances_are_metres_to_the_unit() -> None:
    found = ServiceIndex(AREAS, STATIONS).resolve(QueryPoint(106.66, 10.75))
    # 0.01 degrees of longitude at 10.75 N is about 1093 m
    assert found["113"].distance_m == pytest.approx(1093.0, rel=0.01)
    assert found["113"].phone == "069.123"
    far = ServiceIndex(AREAS, STATIONS).resolve(QueryPoint(106.90, 10.75))
    assert far["113"].distance_m == pytest.approx(16_400.0, rel=0.01)


def test_nothing_loaded_answers_nothing() -> None:
    assert ServiceIndex([], []).resolve(QueryPoint(106.0, 10.0)) == {}


def test_code_key_orders_numbers_numerically() -> None:
    assert sorted(["10", "9", "B", None, "A"], key=lambda c: code_key(c, "")) == [
        "9",
        "10",
        "A",
        "B",
        None,
    ]
