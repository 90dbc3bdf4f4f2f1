"""GML / PIDF-LO geodetic shapes (RFC 5491, OGC 06-142r1) -> :class:`Region`.

Positions are latitude then longitude (EPSG 4326 / 4979); angles are clockwise from north
in degrees or radians by ``uom``; lengths are metres. Harmless deviations (commas in
``pos``, ``gs`` shapes in the GML namespace, an open ring, a missing length ``uom``) are
accepted with a warning; everything else that is wrong is refused, naming the element.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import numpy as np
from numpy.typing import NDArray

from camroute.location import regions
from camroute.location.errors import LocationParseError
from camroute.location.regions import Region
from camroute.location.values import check_length_m, check_lon_lat, number

GML = "http://www.opengis.net/gml"
GS = "http://www.opengis.net/pidflo/1.0"
GML_LEGACY = "urn:opengis:specification:gml:schema-xsd:feature:v3.0"
GS_SHAPES = frozenset({"Circle", "Ellipse", "ArcBand", "Sphere", "Ellipsoid", "Prism"})
GML_SHAPES = frozenset({"Point", "Polygon"})
SHAPES = GS_SHAPES | GML_SHAPES

_SRS = re.compile(
    r"urn:ogc:def:crs:EPSG:[0-9.]*:(4326|4979)|http://www\.opengis\.net/def/crs/EPSG/0/(4326|4979)"
)
_UOM = re.compile(r"urn:ogc:def:uom:EPSG:[0-9.]*:(\d+)")
_DMS = re.compile(r"(\d{1,3}(?:\.\d+)?)(?::(\d{1,2}(?:\.\d+)?))?(?::(\d{1,2}(?:\.\d+)?))?([NSEW])")
PRISM_PLAUSIBLE_M2 = 10_000.0


@dataclass(frozen=True)
class GmlShape:
    """A parsed shape: its region, the altitude when 3-D, and the element name."""

    region: Region
    altitude_m: float | None
    name: str


def split_tag(tag: str) -> tuple[str, str]:
    """``{ns}local`` -> ``(ns, local)``."""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def is_shape(element: Element) -> bool:
    """Whether ``element`` is a geodetic shape this module reads (legacy form included)."""
    ns, local = split_tag(element.tag)
    return (ns in (GS, GML) and local in SHAPES) or (ns == GML_LEGACY and local == "location")


def parse_shape(element: Element, *, warnings: list[str], dims: int | None = None) -> GmlShape:
    """Read one shape element; ``dims`` is the inherited CRS dimension (Prism base)."""
    ns, name = split_tag(element.tag)
    if ns == GML_LEGACY:
        return _legacy_point(element, warnings=warnings)
    if ns == GML and name in GS_SHAPES:
        warnings.append(f"{name}: shape is in the GML namespace instead of {GS}")
    dims = _srs_dims(element, field=name) if dims is None else dims
    if name in ("Circle", "Ellipse", "ArcBand") and dims == 3:
        warnings.append(f"{name}: 3-D CRS on a 2-D shape; reduced to 2-D")
    if name in ("Sphere", "Ellipsoid", "Prism") and dims == 2:
        warnings.append(f"{name}: 2-D CRS on a 3-D shape; altitude unknown")
    reader = _READERS[name]
    return reader(element, name, dims, warnings)


def _point(el: Element, name: str, dims: int, warnings: list[str]) -> GmlShape:
    lon, lat, alt = _centre(el, name, dims, warnings)
    return GmlShape(regions.point_region(lon=lon, lat=lat), alt, name)


def _circle(el: Element, name: str, dims: int, warnings: list[str]) -> GmlShape:
    lon, lat, alt = _centre(el, name, dims, warnings)
    radius_m = _length(el, "radius", name, warnings)
    return GmlShape(regions.circle_region(lon=lon, lat=lat, radius_m=radius_m), alt, name)


def _ellipse(el: Element, name: str, dims: int, warnings: list[str]) -> GmlShape:
    lon, lat, alt = _centre(el, name, dims, warnings)
    major = _length(el, "semiMajorAxis", name, warnings)
    minor = _length(el, "semiMinorAxis", name, warnings)
    if name == "Ellipsoid":
        _length(el, "verticalAxis", name, warnings)
    orientation = _angle(el, "orientation", name) % 360.0
    region = regions.ellipse_region(
        lon=lon,
        lat=lat,
        semi_major_m=major,
        semi_minor_m=minor,
        orientation_deg=orientation,
        field=name,
    )
    return GmlShape(region, alt, name)


def _arcband(el: Element, name: str, dims: int, warnings: list[str]) -> GmlShape:
    lon, lat, alt = _centre(el, name, dims, warnings)
    inner = _length(el, "innerRadius", name, warnings, allow_zero=True)
    outer = _length(el, "outerRadius", name, warnings)
    start = _angle(el, "startAngle", name)
    opening = _angle(el, "openingAngle", name)
    region = regions.arcband_region(
        lon=lon,
        lat=lat,
        inner_m=inner,
        outer_m=outer,
        start_deg=start,
        opening_deg=opening,
        field=name,
    )
    return GmlShape(region, alt, name)


def _polygon(el: Element, name: str, dims: int, warnings: list[str]) -> GmlShape:
    if _children(el, "interior"):
        raise LocationParseError(
            f"{name}: interior rings are not allowed", field=f"{name}.interior"
        )
    ring_el = _one(_one(el, "exterior", name), "LinearRing", f"{name}.exterior")
    field = f"{name}.exterior.LinearRing"
    pos_list = _children(ring_el, "posList")
    if pos_list:
        if len(pos_list) > 1 or _children(ring_el, "pos"):
            raise LocationParseError(f"{field}: more than one posList", field=field)
        coords = _positions(pos_list[0].text, dims, f"{field}.posList", warnings)
    else:
        parts = [
            _positions(p.text, dims, f"{field}.pos", warnings, single=True)
            for p in _children(ring_el, "pos")
        ]
        coords = np.vstack(parts) if parts else np.empty((0, dims))
    ring = regions.close_ring(coords[:, :2], field=field, warnings=warnings)
    altitude = float(coords[0, 2]) if dims == 3 and np.all(coords[:, 2] == coords[0, 2]) else None
    return GmlShape(regions.polygon_region(ring, field=field), altitude, name)


def _prism(el: Element, name: str, dims: int, warnings: list[str]) -> GmlShape:
    base = _one(_one(el, "base", name), "Polygon", f"{name}.base")
    footprint = _polygon(base, f"{name}.base.Polygon", dims, warnings)
    _length(el, "height", name, warnings)
    if dims == 3 and footprint.altitude_m is None:
        raise LocationParseError(f"{name}.base: base is not level", field=f"{name}.base")
    if footprint.region.area_m2 > PRISM_PLAUSIBLE_M2:
        warnings.append(
            f"{name}: base of {footprint.region.area_m2 / 1e6:.1f} km² is implausibly large "
            "for a building floor"
        )
    return GmlShape(footprint.region, footprint.altitude_m, name)


_READERS = {
    "Point": _point,
    "Circle": _circle,
    "Sphere": _circle,
    "Ellipse": _ellipse,
    "Ellipsoid": _ellipse,
    "ArcBand": _arcband,
    "Polygon": _polygon,
    "Prism": _prism,
}


def _srs_dims(el: Element, *, field: str) -> int:
    srs = (el.get("srsName") or "").strip()
    match = _SRS.fullmatch(srs)
    if not match:
        shown = repr(srs[:60]) if srs else "missing"
        raise LocationParseError(
            f"{field}.srsName: {shown}; expected urn:ogc:def:crs:EPSG::4326 or ::4979",
            field=f"{field}.srsName",
        )
    return 3 if "4979" in (match.group(1) or match.group(2)) else 2


def _centre(
    el: Element, name: str, dims: int, warnings: list[str]
) -> tuple[float, float, float | None]:
    pos = _one(el, "pos", name)
    coords = _positions(pos.text, dims, f"{name}.pos", warnings, single=True)
    alt = float(coords[0, 2]) if dims == 3 else None
    return float(coords[0, 0]), float(coords[0, 1]), alt


def _positions(
    text: str | None, dims: int, field: str, warnings: list[str], *, single: bool = False
) -> NDArray[np.float64]:
    """Lat-lon(-alt) tuples -> an ``(n, dims)`` array of lon, lat(, alt)."""
    text = text or ""
    if "," in text:
        warnings.append(f"{field}: commas in coordinates read as separators")
        text = text.replace(",", " ")
    values = [number(t, field=field) for t in text.split()]
    if not values or len(values) % dims or (single and len(values) != dims):
        raise LocationParseError(
            f"{field}: {len(values)} numbers do not form {dims}-D positions", field=field
        )
    coords = np.asarray(values, dtype=float).reshape(-1, dims)
    for lat, lon in coords[:, :2]:
        check_lon_lat(lon=float(lon), lat=float(lat), field=field)
    coords[:, [0, 1]] = coords[:, [1, 0]]
    return coords


def _length(
    el: Element, local: str, shape: str, warnings: list[str], *, allow_zero: bool = False
) -> float:
    child = _one(el, local, shape)
    field = f"{shape}.{local}"
    uom = child.get("uom")
    if uom is None:
        warnings.append(f"{field}: no uom; metres assumed")
    elif _uom_code(uom) != "9001":
        raise LocationParseError(
            f"{field}: uom {uom[:60]!r} is not metres (EPSG::9001)", field=field
        )
    return check_length_m(number(child.text, field=field), field=field, allow_zero=allow_zero)


def _angle(el: Element, local: str, shape: str) -> float:
    child = _one(el, local, shape)
    field = f"{shape}.{local}"
    code = _uom_code(child.get("uom") or "")
    value = number(child.text, field=field)
    if code == "9102":
        return value
    if code == "9101":
        return math.degrees(value)
    raise LocationParseError(
        f"{field}: angle uom {(child.get('uom') or 'missing')[:60]!r} is neither degrees "
        "(EPSG::9102) nor radians (EPSG::9101)",
        field=field,
    )


def _uom_code(uom: str) -> str | None:
    match = _UOM.fullmatch(uom.strip())
    return match.group(1) if match else None


def _children(el: Element, local: str) -> list[Element]:
    return [c for c in el if split_tag(c.tag)[1] == local and split_tag(c.tag)[0] in (GS, GML)]


def _one(el: Element, local: str, parent: str) -> Element:
    found = _children(el, local)
    if len(found) != 1:
        what = "missing" if not found else "repeated"
        raise LocationParseError(f"{parent}.{local}: {what}", field=f"{parent}.{local}")
    return found[0]


def _legacy_point(el: Element, *, warnings: list[str]) -> GmlShape:
    """RFC 4119's ``gml:location/gml:Point/gml:coordinates`` (``37:46:30N 122:25:10W``)."""
    field = "location.Point.coordinates"
    points = [c for c in el if split_tag(c.tag) == (GML_LEGACY, "Point")]
    coords = [c for p in points for c in p if split_tag(c.tag) == (GML_LEGACY, "coordinates")]
    if len(points) != 1 or len(coords) != 1:
        raise LocationParseError(f"{field}: legacy location needs one Point", field=field)
    srs = (points[0].get("srsName") or "").strip().lower()
    if srs not in ("epsg:4326", "urn:ogc:def:crs:epsg::4326"):
        raise LocationParseError(f"{field}: legacy srsName must be epsg:4326", field=field)
    lon, lat = _hemisphere_pair(coords[0].text or "", field=field)
    warnings.append("legacy RFC 4119 gml:coordinates read (deprecated by RFC 5491)")
    return GmlShape(regions.point_region(lon=lon, lat=lat), None, "Point")


def _hemisphere_pair(text: str, *, field: str) -> tuple[float, float]:
    values: dict[str, float] = {}
    tokens = text.replace(",", " ").split()
    for token in tokens:
        match = _DMS.fullmatch(token.upper())
        if not match:
            raise LocationParseError(
                f"{field}: {token[:24]!r} is not D:M:S plus N/S/E/W", field=field
            )
        deg, minutes, seconds, hemi = match.groups()
        value = float(deg) + float(minutes or 0) / 60.0 + float(seconds or 0) / 3600.0
        axis = "lat" if hemi in "NS" else "lon"
        if axis in values or float(minutes or 0) >= 60 or float(seconds or 0) >= 60:
            raise LocationParseError(f"{field}: malformed coordinates", field=field)
        values[axis] = -value if hemi in "SW" else value
    if len(tokens) != 2 or len(values) != 2:
        raise LocationParseError(f"{field}: expected one latitude and one longitude", field=field)
    check_lon_lat(lon=values["lon"], lat=values["lat"], field=field)
    return values["lon"], values["lat"]
