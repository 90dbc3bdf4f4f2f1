"""Tags plus a geometry to basemap features: the one rule both readers share.

Pure. A point can be a POI; a line a road, railway, waterway or admin boundary; a polygon a
building, water or park, and also a POI (a hospital mapped as its grounds is named at a point
inside them) or a named admin unit (a ward, named at a point inside it).
"""

from __future__ import annotations

import shapely

from camroute.basemap.classify import (
    Tags,
    area_classes,
    boundary_class,
    building_props,
    line_class,
    poi_class,
    road_props,
    text,
)
from camroute.basemap.models import BasemapFeature, Props

CHURCH_BUILDINGS = frozenset({"church", "cathedral", "chapel"})


def _religion(tags: Tags) -> str | None:
    """The tagged religion; else a church told by its building or its name ("Nhà thờ ...").

    Examples
    --------
    >>> _religion({"name": "Nhà thờ Tân Định"}), _religion({"name": "Chùa Bà Thiên Hậu"})
    ('christian', None)
    """
    tagged = text(tags.get("religion"))
    if tagged is not None:
        return tagged
    name = (text(tags.get("name")) or "").casefold()
    if text(tags.get("building")) in CHURCH_BUILDINGS or name.startswith("nhà thờ"):
        return "christian"
    return None


def _poi(tags: Tags, geometry: shapely.Geometry, source_id: str | None) -> list[BasemapFeature]:
    kind = poi_class(tags)
    if kind is None:
        return []
    point = geometry if shapely.get_type_id(geometry) == 0 else shapely.point_on_surface(geometry)
    religion = _religion(tags) if kind == "place_of_worship" else None
    props: Props = {"religion": religion} if religion else {}  # church, pagoda: two icons
    return [BasemapFeature("pois", kind, point, text(tags.get("name")), source_id, props)]


def _line(tags: Tags, geometry: shapely.Geometry, source_id: str | None) -> list[BasemapFeature]:
    found = line_class(tags)
    boundary = boundary_class(tags)
    out = []
    if found is not None:
        layer, kind = found
        props = road_props(tags) if layer == "roads" else {}
        out.append(BasemapFeature(layer, kind, geometry, text(tags.get("name")), source_id, props))
    if boundary is not None:  # a boundary way carries no name: its units are named at a point
        out.append(BasemapFeature("boundaries", boundary, geometry, None, source_id))
    return out


def _place(tags: Tags, geometry: shapely.Geometry, source_id: str | None) -> list[BasemapFeature]:
    """A named admin unit (a ward) assembled as an area: its name at a point inside it."""
    kind, name = boundary_class(tags), text(tags.get("name"))
    if kind is None or name is None:
        return []
    point = shapely.point_on_surface(geometry)
    return [BasemapFeature("places", kind, point, name, source_id)]


def _areas(tags: Tags, geometry: shapely.Geometry, source_id: str | None) -> list[BasemapFeature]:
    name = text(tags.get("name"))
    return [
        BasemapFeature(
            layer,
            kind,
            geometry,
            name,
            source_id,
            building_props(tags) if layer == "buildings" else {},
        )
        for layer, kind in area_classes(tags)
    ]


def to_features(
    tags: Tags, geometry: shapely.Geometry | None, *, source_id: str | None = None
) -> list[BasemapFeature]:
    """Every basemap feature ``tags`` make of ``geometry`` (none for unusable geometry).

    Examples
    --------
    >>> road = shapely.LineString([(106.70, 10.77), (106.71, 10.78)])
    >>> [(f.layer, f.kind, f.name) for f in to_features({"highway": "primary",
    ...     "name": "Lê Lợi"}, road)]
    [('roads', 'primary', 'Lê Lợi')]
    >>> grounds = shapely.box(106.70, 10.77, 106.71, 10.78)
    >>> [f.layer for f in to_features({"amenity": "hospital", "building": "yes"}, grounds)]
    ['buildings', 'pois']
    >>> edge = {"boundary": "administrative", "admin_level": "6"}
    >>> [(f.layer, f.kind) for f in to_features(edge, road)]
    [('boundaries', 'admin6')]
    >>> ward = {**edge, "name": "Phường Sài Gòn"}
    >>> [(f.layer, f.name) for f in to_features(ward, grounds)]
    [('places', 'Phường Sài Gòn')]
    >>> to_features({"highway": "primary"}, None)
    []
    """
    if geometry is None or shapely.is_empty(geometry) or not shapely.is_valid(geometry):
        return []
    dimension = shapely.get_dimensions(geometry)
    if dimension == 0:
        return _poi(tags, geometry, source_id)
    if dimension == 1:
        return _line(tags, geometry, source_id)
    return [
        *_areas(tags, geometry, source_id),
        *_poi(tags, geometry, source_id),
        *_place(tags, geometry, source_id),
    ]
