from __future__ import annotations

from datetime import UTC, datetime

import pytest
import shapely

from camroute.areas.admin import REFORM, AdminIndex
from camroute.areas.models import AdminLink, AreaFeature
from camroute.areas.spatial import QueryPoint
from camroute.areas.vnref import vn_reference

OLD = datetime(2020, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _unit(name: str, code: str, geom: shapely.Geometry, **kw: object) -> AreaFeature:
    return AreaFeature(kind="admin", name=name, code=code, geometry=geom, **kw)  # type: ignore[arg-type]


WEST = shapely.box(106.60, 10.70, 106.70, 10.80)
EAST = shapely.box(106.70, 10.70, 106.80, 10.80)
UNITS = [
    _unit("Quận Tây", "770", WEST, level="district", valid_to=REFORM),
    _unit("Quận Đông", "769", EAST, level="district", valid_to=REFORM),
    _unit("Phường Tây", "200", WEST, level="ward", valid_from=REFORM),
    _unit("Phường Đông", "100", EAST, level="ward", valid_from=REFORM),
    _unit(
        "Xã Xa",
        "300",
        shapely.Point(106.90, 10.75),
        level="ward",
        valid_from=REFORM,
        props={"wardAreaKm2": 10.0},
    ),
]


@pytest.mark.parametrize(
    ("lon", "lat", "at", "expected"),
    [
        (106.65, 10.75, NOW, {"ward": "Phường Tây", "legacy_district": "Quận Tây"}),
        (106.65, 10.75, OLD, {"district": "Quận Tây"}),
        (106.65, 10.75, REFORM, {"ward": "Phường Tây", "legacy_district": "Quận Tây"}),
        # the shared edge: the smaller code wins at each level (100 < 200, 769 < 770)
        (106.70, 10.75, NOW, {"ward": "Phường Đông", "legacy_district": "Quận Đông"}),
        (106.70, 10.75, OLD, {"district": "Quận Đông"}),
        # only a centroid: approximate, within its reach (2 * radius of 10 km2 = 3.6 km)
        (106.92, 10.75, NOW, {"ward": "Xã Xa"}),
        (106.99, 10.75, NOW, {}),
        (106.92, 10.75, OLD, {}),
    ],
)
def test_resolve_by_time_and_place(
    lon: float, lat: float, at: datetime, expected: dict[str, str]
) -> None:
    found = AdminIndex(UNITS).resolve(QueryPoint(lon, lat), at)
    assert {level: unit.name for level, unit in found.items()} == expected


def test_centroid_answers_are_flagged_approximate_with_distance() -> None:
    found = AdminIndex(UNITS).resolve(QueryPoint(106.92, 10.75), NOW)
    assert found["ward"].approximate
    assert found["ward"].distance_m == pytest.approx(2188.0, rel=0.01)


def test_polygon_wins_over_a_centroid_of_the_same_level() -> None:
    inside = _unit("Xã Trong", "50", shapely.Point(106.65, 10.751), level="ward", valid_from=REFORM)
    found = AdminIndex([*UNITS, inside]).resolve(QueryPoint(106.65, 10.75), NOW)
    assert found["ward"].name == "Phường Tây"
    assert not found["ward"].approximate


def test_mapping_names_legacy_ward_and_district_from_the_package() -> None:
    ref = vn_reference()
    links = [
        AdminLink("26740", "26740", "Phường Bến Nghé", "partial"),
        AdminLink("26740", "26743", "Phường Đa Kao", "partial"),
    ]
    ward = _unit("Phường Sài Gòn", "26740", shapely.box(106.69, 10.77, 106.71, 10.79), level="ward")
    index = AdminIndex([ward], links=links, reference=ref)
    near_ben_nghe = ref.legacy_wards["26740"]
    found = index.resolve(QueryPoint(near_ben_nghe.lon, near_ben_nghe.lat), NOW)
    assert found["legacy_ward"].name == "Phường Bến Nghé"
    assert found["legacy_ward"].approximate
    assert found["legacy_district"].name == "Quận 1"
    assert not found["legacy_district"].approximate  # every old ward was in Quận 1
    assert found["province"].name == "Thành phố Hồ Chí Minh"


def test_empty_index() -> None:
    assert AdminIndex([]).resolve(QueryPoint(106.0, 10.0), NOW) == {}


def test_explicit_legacy_level_is_reported_under_its_own_key() -> None:
    legacy = _unit("Quận 1", "760", WEST, level="legacy-district")
    found = AdminIndex([*UNITS, legacy]).resolve(QueryPoint(106.65, 10.75), NOW)
    assert found["legacy_district"].name == "Quận 1"  # an explicit layer wins over expired ones
    assert found["legacy_district"].level == "legacy_district"
