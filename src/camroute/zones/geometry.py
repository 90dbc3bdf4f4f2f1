"""Zone polygons between GeoJSON and shapely, with the checks that make a usable zone."""

from __future__ import annotations

import orjson
import shapely

from camroute.errors import InvalidInputError
from camroute.zones.models import ZoneGeometry

MIN_AREA_DEG2 = 1e-12  # about 0.01 m²: anything smaller is a slip, not a place


def usable_polygon(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """``geom`` as a valid (Multi)Polygon in WGS84, or None when it cannot be one.

    Examples
    --------
    >>> usable_polygon(shapely.box(24.9, 60.1, 24.91, 60.11)).geom_type
    'Polygon'
    >>> usable_polygon(shapely.Point(24.9, 60.1)) is None
    True
    """
    if geom is None or shapely.is_empty(geom):
        return None
    if not shapely.is_valid(geom):
        geom = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(parts) if parts else None
    if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    minx, miny, maxx, maxy = geom.bounds
    if not (-180.0 <= minx <= maxx <= 180.0 and -90.0 <= miny <= maxy <= 90.0):
        return None
    return geom if geom.area >= MIN_AREA_DEG2 else None


def to_shape(geometry: ZoneGeometry) -> shapely.Geometry:
    """The shapely polygon of a GeoJSON zone geometry (422 naming the problem)."""
    try:
        geom = shapely.from_geojson(geometry.model_dump_json())
    except shapely.errors.GEOSException as exc:
        raise InvalidInputError(f"geometry is not a polygon: {exc}", field="geometry") from exc
    usable = usable_polygon(geom)
    if usable is None:
        raise InvalidInputError(
            "geometry must be a polygon with an area, in lon,lat degrees within [-180, 180] "
            "and [-90, 90]",
            field="geometry",
        )
    return usable


def to_geojson(geom: shapely.Geometry) -> ZoneGeometry:
    """The GeoJSON of a stored zone polygon."""
    return ZoneGeometry.model_validate(orjson.loads(shapely.to_geojson(geom)))
