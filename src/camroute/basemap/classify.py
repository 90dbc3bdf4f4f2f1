"""OpenStreetMap tags to basemap layers: what a way, an area or a node is drawn as.

Pure. The same rules read an OSM extract (tags) and a GeoJSON/GeoPackage layer (its columns
are the tags, as osmnx, Overpass and QGIS exports write them).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Final

from camroute.basemap.models import Props

Tags = Mapping[str, object]
Class = tuple[str, str]  # (layer, kind)

ROAD_CLASSES: Final = {
    "motorway": "motorway",
    "trunk": "trunk",
    "primary": "primary",
    "secondary": "secondary",
    "tertiary": "tertiary",
    "unclassified": "minor",
    "residential": "minor",
    "living_street": "minor",
    "road": "minor",
    "service": "service",
    "pedestrian": "path",
    "footway": "path",
    "path": "path",
    "cycleway": "path",
    "steps": "path",
    "track": "path",
}
RAIL_KINDS: Final = frozenset({"rail", "light_rail", "subway", "tram", "narrow_gauge", "monorail"})
WATERWAY_KINDS: Final = frozenset({"river", "canal", "stream", "drain", "ditch"})
PARK_LEISURE: Final = frozenset({"park", "garden", "playground", "pitch", "nature_reserve"})
PARK_LANDUSE: Final = frozenset(
    {"grass", "recreation_ground", "village_green", "forest", "meadow", "cemetery"}
)
WATER_LANDUSE: Final = frozenset({"reservoir", "basin"})
POI_AMENITY: Final = frozenset(
    {
        "hospital",
        "clinic",
        "police",
        "fire_station",
        "school",
        "university",
        "college",
        "kindergarten",
        "marketplace",
        "place_of_worship",
        "bus_station",
    }
)
# Admin levels drawn as boundaries: 4 province; 6 the 2025 ward/commune (a district before the
# 2025 reform); 8 the pre-2025 ward. Level 9-10 (khu phố, tổ) are too fine for a city map.
ADMIN_LEVELS: Final = frozenset({"4", "5", "6", "7", "8"})
_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(m|meters?|metres?)?\s*$")
STOREY_M: Final = 3.0  # assumed storey height when only building:levels is tagged


def text(value: object) -> str | None:
    """A tag value as clean NFC text, or ``None`` for missing/empty/NaN.

    Examples
    --------
    >>> text("  Nguyễn Huệ ") == "Nguyễn Huệ", text(float("nan")), text("")
    (True, None, None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    cleaned = unicodedata.normalize("NFC", str(value)).strip()
    return cleaned or None


def number(value: object) -> float | None:
    """A positive number of metres or storeys from a tag (``"12"``, ``"7,5 m"``), else None.

    Examples
    --------
    >>> number("7,5 m"), number("3"), number("40 ft"), number("0"), number(None)
    (7.5, 3.0, None, None, None)
    """
    raw = text(value)
    match = _NUMBER.match(raw) if raw else None
    if match is None:
        return None
    parsed = float(match.group(1).replace(",", "."))
    return parsed if parsed > 0 else None


def line_class(tags: Tags) -> Class | None:
    """The line layer of a way: a road by class, a railway or a waterway.

    Examples
    --------
    >>> line_class({"highway": "primary_link"}), line_class({"railway": "subway"})
    (('roads', 'primary'), ('railways', 'subway'))
    >>> line_class({"highway": "bus_stop"}) is None
    True
    """
    highway = text(tags.get("highway"))
    if highway is not None:
        kind = ROAD_CLASSES.get(highway.removesuffix("_link"))
        return None if kind is None else ("roads", kind)
    railway = text(tags.get("railway"))
    if railway in RAIL_KINDS:
        return "railways", str(railway)
    waterway = text(tags.get("waterway"))
    if waterway in WATERWAY_KINDS:
        return "waterways", str(waterway)
    return None


def boundary_class(tags: Tags) -> str | None:
    """``admin<level>`` for an administrative boundary a dispatcher orients by, else None.

    Examples
    --------
    >>> boundary_class({"boundary": "administrative", "admin_level": "6"})
    'admin6'
    >>> boundary_class({"boundary": "administrative", "admin_level": "9"}) is None
    True
    >>> boundary_class({"boundary": "postal_code", "admin_level": "6"}) is None
    True
    """
    if text(tags.get("boundary")) != "administrative":
        return None
    level = text(tags.get("admin_level"))
    return f"admin{level}" if level in ADMIN_LEVELS else None


def _green(tags: Tags) -> str | None:
    leisure, landuse = text(tags.get("leisure")), text(tags.get("landuse"))
    if leisure in PARK_LEISURE:
        return leisure
    if landuse in PARK_LANDUSE:
        return landuse
    if text(tags.get("natural")) in ("wood", "scrub", "grassland"):
        return "wood"
    return "park" if text(tags.get("class")) == "green" else None


def _water(tags: Tags) -> str | None:
    if text(tags.get("natural")) == "water" or text(tags.get("waterway")) == "riverbank":
        return text(tags.get("water")) or "water"
    if text(tags.get("landuse")) in WATER_LANDUSE or text(tags.get("class")) == "water":
        return "water"
    return None


def area_classes(tags: Tags) -> list[Class]:
    """The polygon layers of an area (a building can also be a park's pavilion: both kept).

    Examples
    --------
    >>> area_classes({"leisure": "park", "name": "Tao Đàn"})
    [('parks', 'park')]
    >>> area_classes({"building": "yes", "amenity": "hospital"})
    [('buildings', 'yes')]
    >>> area_classes({"building": "no"})
    []
    """
    found: list[Class] = []
    building = text(tags.get("building"))
    if building is not None and building != "no":
        found.append(("buildings", building))
    water = _water(tags)
    if water is not None:
        found.append(("water", water))
    green = _green(tags)
    if green is not None:
        found.append(("parks", green))
    return found


def poi_class(tags: Tags) -> str | None:
    """What a dispatcher names a place by: hospital, police, fire station, school, market ...

    Examples
    --------
    >>> poi_class({"amenity": "place_of_worship"}), poi_class({"amenity": "bench"})
    ('place_of_worship', None)
    >>> poi_class({"highway": "bus_stop"})
    'bus_stop'
    """
    amenity = text(tags.get("amenity"))
    if amenity in POI_AMENITY:
        return amenity
    return "bus_stop" if text(tags.get("highway")) == "bus_stop" else None


def road_props(tags: Tags) -> Props:
    """The road attributes the map draws: one-way, bridge, tunnel."""
    props: Props = {}
    for key in ("oneway", "bridge", "tunnel"):
        value = text(tags.get(key))
        if value not in (None, "no"):
            props[key] = str(value)
    return props


def building_props(tags: Tags) -> Props:
    """Height in metres (tagged, else levels x 3 m, marked) and levels when tagged.

    Examples
    --------
    >>> building_props({"building:levels": "4"})
    {'levels': 4.0, 'height_m': 12.0, 'height_source': 'levels'}
    >>> building_props({"height": "20 m"})
    {'height_m': 20.0, 'height_source': 'tagged'}
    """
    props: Props = {}
    levels = number(tags.get("building:levels"))
    height = number(tags.get("height"))
    if levels is not None:
        props["levels"] = levels
    if height is not None:
        props["height_m"], props["height_source"] = height, "tagged"
    elif levels is not None:
        props["height_m"], props["height_source"] = levels * STOREY_M, "levels"
    return props
