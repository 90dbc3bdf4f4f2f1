from __future__ import annotations

import pytest

from camroute.basemap.classify import (
    area_classes,
    building_props,
    line_class,
    number,
    poi_class,
    road_props,
    text,
)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"highway": "motorway"}, ("roads", "motorway")),
        ({"highway": "trunk_link"}, ("roads", "trunk")),
        ({"highway": "residential"}, ("roads", "minor")),
        ({"highway": "footway"}, ("roads", "path")),
        ({"highway": "bus_stop"}, None),
        ({"highway": "proposed"}, None),
        ({"railway": "light_rail"}, ("railways", "light_rail")),
        ({"railway": "abandoned"}, None),
        ({"waterway": "canal", "name": "Kênh Nhiêu Lộc"}, ("waterways", "canal")),
        ({"waterway": "riverbank"}, None),
        ({"building": "yes"}, None),
        ({}, None),
    ],
)
def test_line_class(tags: dict[str, str], expected: tuple[str, str] | None) -> None:
    assert line_class(tags) == expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"building": "apartments"}, [("buildings", "apartments")]),
        ({"building": "no", "leisure": "park"}, [("parks", "park")]),
        ({"natural": "water", "water": "lake"}, [("water", "lake")]),
        ({"waterway": "riverbank"}, [("water", "water")]),
        ({"landuse": "reservoir"}, [("water", "water")]),
        ({"class": "water"}, [("water", "water")]),
        ({"class": "green"}, [("parks", "park")]),
        ({"landuse": "grass"}, [("parks", "grass")]),
        ({"building": "yes", "leisure": "park"}, [("buildings", "yes"), ("parks", "park")]),
        ({"landuse": "residential"}, []),
        ({"highway": "pedestrian", "area": "yes"}, []),
    ],
)
def test_area_classes(tags: dict[str, str], expected: list[tuple[str, str]]) -> None:
    assert area_classes(tags) == expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"amenity": "hospital"}, "hospital"),
        ({"amenity": "police"}, "police"),
        ({"amenity": "fire_station"}, "fire_station"),
        ({"amenity": "school"}, "school"),
        ({"amenity": "marketplace"}, "marketplace"),
        ({"amenity": "place_of_worship", "religion": "buddhist"}, "place_of_worship"),
        ({"amenity": "bus_station"}, "bus_station"),
        ({"highway": "bus_stop"}, "bus_stop"),
        ({"amenity": "cafe"}, None),
        ({"shop": "mall"}, None),
    ],
)
def test_poi_class(tags: dict[str, str], expected: str | None) -> None:
    assert poi_class(tags) == expected


def test_names_are_kept_in_nfc_with_their_diacritics() -> None:
    decomposed = "Nguye\u0302\u0303n Hue\u0323\u0302"  # combining marks, as some editors save them
    assert text(decomposed) == "Nguyễn Huệ"
    assert text("\u00d0ồng Khởi") == "\u00d0ồng Khởi"  # the 'Ð' quirk is kept; search folds it


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12.0), ("7,5", 7.5), ("3.5 m", 3.5), ("0", None), ("-2", None), ("12 ft", None)],
)
def test_number(value: str, expected: float | None) -> None:
    assert number(value) == expected


def test_building_height_prefers_the_tagged_height_over_levels() -> None:
    props = building_props({"height": "30", "building:levels": "5"})
    assert props == {"levels": 5.0, "height_m": 30.0, "height_source": "tagged"}
    assert building_props({"building": "yes"}) == {}


def test_road_props_keep_only_what_is_set() -> None:
    assert road_props({"oneway": "yes", "bridge": "no", "tunnel": "culvert"}) == {
        "oneway": "yes",
        "tunnel": "culvert",
    }
