"""JSON locations: plain ``{"lon", "lat", ...}``, GeoJSON, and France's PFLAU shapes.

The plain object is ``{"lon", "lat", "uncertainty_m", "confidence", "time"}``; GeoJSON is a
``Point`` or ``Polygon``, bare or as a ``Feature``.

GeoJSON is ``lon, lat``; PFLAU's ``pos`` is a ``"lat lon"`` string as in GML.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import orjson

from camroute.location import regions
from camroute.location.errors import LocationParseError
from camroute.location.models import CallerLocation
from camroute.location.regions import Extras, Region, to_location
from camroute.location.values import (
    check_confidence,
    check_length_m,
    check_lon_lat,
    clean_text,
    iso_time,
    number,
    time_warnings,
)

PLAIN_KEYS = frozenset(
    {"lon", "lat", "uncertainty_m", "accuracy_m", "confidence", "time", "method", "altitude_m"}
)
PFLAU_SHAPES = ("Circle", "Ellipse", "ArcBand", "Point")


def parse_json(body: bytes | str) -> CallerLocation:
    """Parse a JSON or GeoJSON location.

    Examples
    --------
    >>> loc = parse_json('{"lon": 106.698, "lat": 10.7725, "uncertainty_m": 35}')
    >>> loc.format, loc.shape, round(loc.uncertainty_m, 2)
    ('json', 'circle', 35.0)
    >>> parse_json('{"type": "Point", "coordinates": [106.698, 10.7725]}').format
    'geojson'
    """
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise LocationParseError(f"json: not valid JSON ({exc})", field="body") from None
    if not isinstance(doc, dict):
        raise LocationParseError("json: the document must be an object", field="body")
    if "type" in doc:
        return _geojson(doc)
    shape_keys = [k for k in PFLAU_SHAPES if k in doc]
    if shape_keys:
        return _pflau(doc, shape_keys)
    return _plain(doc)


def _plain(doc: dict[str, Any]) -> CallerLocation:
    warnings: list[str] = []
    lon = _num(doc.get("lon"), field="lon")
    lat = _num(doc.get("lat"), field="lat")
    check_lon_lat(lon=lon, lat=lat, field="lon/lat")
    unknown = sorted(str(k)[:24] for k in set(doc) - PLAIN_KEYS - {"civic"})
    if unknown:
        warnings.append(f"json: unknown keys ignored: {', '.join(unknown[:8])}")
    radius = doc.get("uncertainty_m", doc.get("accuracy_m"))
    extras = _extras(doc, fmt_prefix="", warnings=warnings)
    return to_location(_disc(lon, lat, radius, field="uncertainty_m"), fmt="json", extras=extras)


def plain_position(
    *, lon: float, lat: float, uncertainty_m: float | None, method: str | None = None
) -> CallerLocation:
    """A plain position already held as numbers, as :func:`parse_json` would make it.

    The same checks and the same ``CallerLocation`` as ``{"lon", "lat", "uncertainty_m",
    "method"}``, with no JSON text made only to be parsed again.
    """
    check_lon_lat(lon=lon, lat=lat, field="lon/lat")
    region = _disc(lon, lat, uncertainty_m, field="uncertainty_m")
    extras = Extras(method=None if method is None else clean_text(method, field="method"))
    return to_location(region, fmt="json", extras=extras)


def _geojson(doc: dict[str, Any]) -> CallerLocation:
    warnings: list[str] = []
    properties: dict[str, Any] = {}
    geometry = doc
    if doc.get("type") == "Feature":
        raw_geometry = doc.get("geometry")
        geometry = raw_geometry if isinstance(raw_geometry, dict) else {}
        raw = doc.get("properties")
        properties = raw if isinstance(raw, dict) else {}
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    extras = _extras(properties, fmt_prefix="properties.", warnings=warnings)
    if kind == "Point":
        lon, lat, alt = _lon_lat(coords, field="coordinates")
        if alt is not None and extras.altitude_m is None:
            extras.altitude_m = alt
        radius = properties.get("uncertainty_m")
        region = _disc(lon, lat, radius, field="properties.uncertainty_m")
    elif kind == "Polygon":
        region = _polygon(coords, warnings)
    else:
        raise LocationParseError(
            f"geojson: type {str(kind)[:24]!r} is not Point, Polygon or a Feature of them",
            field="type",
        )
    return to_location(region, fmt="geojson", extras=extras)


def _pflau(doc: dict[str, Any], shape_keys: list[str]) -> CallerLocation:
    if len(shape_keys) > 1:
        raise LocationParseError("json: more than one shape", field=shape_keys[1])
    name = shape_keys[0]
    shape = doc[name]
    if not isinstance(shape, dict):
        raise LocationParseError(f"{name}: must be an object", field=name)
    warnings = ["json: PFLAU shape object read (pos is lat lon)"]
    pos = shape.get("pos")
    parts = pos.replace(",", " ").split() if isinstance(pos, str) else []
    if len(parts) != 2:
        raise LocationParseError(f"{name}.pos: expected 'lat lon'", field=f"{name}.pos")
    lat, lon = (number(p, field=f"{name}.pos") for p in parts)
    check_lon_lat(lon=lon, lat=lat, field=f"{name}.pos")
    region = _pflau_region(name, shape, lon, lat)
    extras = Extras(warnings=warnings)
    call = doc.get("PhoneCall")
    date = call.get("date") if isinstance(call, dict) else None
    if isinstance(date, str):
        try:
            extras.time = iso_time(date, field="PhoneCall.date")
        except LocationParseError:
            warnings.append("PhoneCall.date: not an ISO 8601 time; time unknown")
    return to_location(region, fmt="json", extras=extras)


def _pflau_region(name: str, shape: dict[str, Any], lon: float, lat: float) -> Region:
    def length(key: str, *, allow_zero: bool = False) -> float:
        field = f"{name}.{key}"
        return check_length_m(
            _num(shape.get(key), field=field, text_ok=True), field=field, allow_zero=allow_zero
        )

    def angle(key: str) -> float:
        return _num(shape.get(key), field=f"{name}.{key}", text_ok=True)

    if name == "Point":
        return regions.point_region(lon=lon, lat=lat)
    if name == "Circle":
        return regions.circle_region(lon=lon, lat=lat, radius_m=length("radius"))
    if name == "Ellipse":
        return regions.ellipse_region(
            lon=lon,
            lat=lat,
            semi_major_m=length("semiMajorAxis"),
            semi_minor_m=length("semiMinorAxis"),
            orientation_deg=angle("orientation") % 360.0,
            field=name,
        )
    return regions.arcband_region(
        lon=lon,
        lat=lat,
        inner_m=length("innerRadius", allow_zero=True),
        outer_m=length("outerRadius"),
        start_deg=angle("startAngle"),
        opening_deg=angle("openingAngle"),
        field=name,
    )


def _extras(props: dict[str, Any], *, fmt_prefix: str, warnings: list[str]) -> Extras:
    extras = Extras(warnings=warnings)
    if props.get("confidence") is not None:
        field = f"{fmt_prefix}confidence"
        extras.confidence = check_confidence(_num(props["confidence"], field=field), field=field)
    if props.get("time") is not None:
        extras.time = iso_time(
            _str(props["time"], field=f"{fmt_prefix}time"), field=f"{fmt_prefix}time"
        )
        warnings.extend(time_warnings(extras.time))
    if props.get("method") is not None:
        extras.method = clean_text(
            _str(props["method"], field=f"{fmt_prefix}method"), field="method"
        )
    if props.get("altitude_m") is not None:
        extras.altitude_m = _num(props["altitude_m"], field=f"{fmt_prefix}altitude_m")
    if props.get("civic") is not None:
        extras.civic = _civic(props["civic"], field=f"{fmt_prefix}civic")
    return extras


def _disc(lon: float, lat: float, radius: Any, *, field: str) -> Region:
    if radius is None:
        return regions.point_region(lon=lon, lat=lat)
    radius_m = check_length_m(_num(radius, field=field), field=field, allow_zero=True)
    if radius_m == 0.0:
        return regions.point_region(lon=lon, lat=lat)
    return regions.circle_region(lon=lon, lat=lat, radius_m=radius_m)


def _polygon(coords: Any, warnings: list[str]) -> Region:
    if not isinstance(coords, list) or not coords:
        raise LocationParseError(
            "coordinates: a Polygon needs a list of rings", field="coordinates"
        )
    if len(coords) > 1:
        raise LocationParseError("coordinates: polygon holes are not allowed", field="coordinates")
    if not isinstance(coords[0], list):
        raise LocationParseError(
            "coordinates: a ring must be a list of positions", field="coordinates"
        )
    points = [
        _lon_lat(p, field=f"coordinates[0][{i}]")[:2] for i, p in enumerate(coords[0][:10_001])
    ]
    ring = np.asarray(points, dtype=float).reshape(-1, 2)
    ring = regions.close_ring(ring, field="coordinates", warnings=warnings)
    return regions.polygon_region(ring, field="coordinates")


def _lon_lat(position: Any, *, field: str) -> tuple[float, float, float | None]:
    if not isinstance(position, list) or len(position) not in (2, 3):
        raise LocationParseError(
            f"{field}: a position is [lon, lat] or [lon, lat, alt]", field=field
        )
    lon, lat = _num(position[0], field=field), _num(position[1], field=field)
    check_lon_lat(lon=lon, lat=lat, field=field)
    alt = _num(position[2], field=field) if len(position) == 3 else None
    return lon, lat, alt


def _num(value: Any, *, field: str, text_ok: bool = False) -> float:
    if text_ok and isinstance(value, str):
        return number(value, field=field)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LocationParseError(f"{field}: must be a number", field=field)
    result = float(value)
    if not math.isfinite(result):
        raise LocationParseError(f"{field}: must be a finite number", field=field)
    return result


def _str(value: Any, *, field: str) -> str:
    if not isinstance(value, str):
        raise LocationParseError(f"{field}: must be a string", field=field)
    return value


def _civic(value: Any, *, field: str) -> dict[str, str] | None:
    if not isinstance(value, dict) or len(value) > 40:
        raise LocationParseError(f"{field}: must be an object of strings", field=field)
    result: dict[str, str] = {}
    for key, item in value.items():
        text = clean_text(
            _str(item, field=f"{field}.{str(key)[:24]}"), field=f"{field}.{str(key)[:24]}"
        )
        if text is not None:
            result[str(key)[:24]] = text
    return result or None
