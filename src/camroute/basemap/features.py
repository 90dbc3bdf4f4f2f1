"""Tags plus a geometry to basemap features: the one rule both readers share.

Pure. A point can be a POI; a line a road, railway or waterway; a polygon a building, water or
park, and also a POI (a hospital mapped as its grounds is named at a point inside them).
"""

from __future__ import annotations

import shapely

from camroute.basemap.classify import (
    Tags,
    area_classes,
    building_props,
    line_class,
    poi_class,
    road_props,
    text,
)
from camroute.basemap.models import BasemapFeature


def _poi(tags: Tags, geometry: shapely.Geometry, source_id: str | None) -> list[BasemapFeature]:
    kind = poi_class(tags)
    if kind is None:
        return []
    point = geometry if shapely.get_type_id(geometry) == 0 else shapely.point_on_surface(geometry)
    return [BasemapFeature("pois", kind, point, text(tags.get("name")), source_id)]


def _line(tags: Tags, geometry: shapely.Geometry, source_id: str | None) -> list[BasemapFeature]:
    found = line_class(tags)
    if found is None:
        return []
    layer, kind = found
    props = road_props(tags) if layer == "roads" else {}
    return [BasemapFeature(layer, kind, geometry, text(tags.get("name")), source_id, props)]


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
    return [*_areas(tags, geometry, source_id), *_poi(tags, geometry, source_id)]
