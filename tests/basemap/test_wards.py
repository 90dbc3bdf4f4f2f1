"""The areas package's wards as basemap names and edges (``basemap/wards.py``)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
import shapely

from camroute.areas.models import AreaFeature
from camroute.basemap.wards import ward_features

REFORM = datetime(2025, 7, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 4, tzinfo=UTC)
SAI_GON = AreaFeature(
    "admin", "Phường Sài Gòn", shapely.Point(106.704, 10.7805), code="26734", level="ward"
)
BEN_THANH = AreaFeature(
    "admin",
    "Phường Bến Thành",
    shapely.box(106.690, 10.765, 106.700, 10.778),
    code="26743",
    level="ward",
    valid_from=REFORM,
)


def test_a_centroid_ward_is_a_name_only_marked_approximate() -> None:
    (place,) = ward_features([SAI_GON], now=NOW)
    assert (place.layer, place.kind, place.name) == ("places", "ward", "Phường Sài Gòn")
    assert place.geometry.equals(SAI_GON.geometry)
    assert place.props == {"approximate": 1}


def test_a_polygon_ward_gives_a_name_inside_it_and_its_edge() -> None:
    place, edge = ward_features([BEN_THANH], now=NOW)
    assert place.layer == "places"
    assert BEN_THANH.geometry.contains(place.geometry)
    assert place.props == {}
    assert edge.layer == "boundaries"
    assert edge.name is None
    assert edge.geometry.equals(BEN_THANH.geometry.boundary)


@pytest.mark.parametrize(
    ("unit", "now"),
    [
        (BEN_THANH, datetime(2025, 6, 30, tzinfo=UTC)),  # before the ward existed
        (AreaFeature("admin", "Quận 1", SAI_GON.geometry, level="district", valid_to=REFORM), NOW),
        (AreaFeature("admin", "Phường Cũ", SAI_GON.geometry, level="ward", valid_to=REFORM), NOW),
        (AreaFeature("admin", "Thành phố Hồ Chí Minh", SAI_GON.geometry, level="province"), NOW),
    ],
)
def test_only_wards_valid_now_are_drawn(unit: AreaFeature, now: datetime) -> None:
    assert ward_features([unit], now=now) == []


def test_a_ward_the_osm_relation_already_names_is_not_named_twice() -> None:
    decomposed = unicodedata.normalize("NFD", "Phường Sài Gòn")  # as some files spell it
    assert ward_features([SAI_GON], named=[decomposed], now=NOW) == []
    assert len(ward_features([SAI_GON], named=["Phường Bến Thành"], now=NOW)) == 1
