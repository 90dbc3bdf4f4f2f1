"""RFC 5870 ``geo:`` URIs: ``geo:10.7725,106.698;u=35`` (latitude first, WGS84)."""

from __future__ import annotations

import re

from camroute.location.errors import LocationParseError
from camroute.location.models import CallerLocation
from camroute.location.regions import Extras, circle_region, point_region, to_location
from camroute.location.values import check_length_m, check_lon_lat, number

_URI = re.compile(
    r"geo:(?P<lat>-?\d+(?:\.\d+)?),(?P<lon>-?\d+(?:\.\d+)?)(?:,(?P<alt>-?\d+(?:\.\d+)?))?"
    r"(?P<params>(?:;[^;?#]*)*)",
    re.ASCII | re.IGNORECASE,
)


def parse_geo_uri(text: str) -> CallerLocation:
    """Parse a ``geo:`` URI; ``u`` is the uncertainty radius in metres.

    Examples
    --------
    >>> loc = parse_geo_uri("geo:10.7769,106.7009;u=35")
    >>> loc.lat, loc.lon, loc.shape, round(loc.uncertainty_m, 2)
    (10.7769, 106.7009, 'circle', 35.0)
    >>> parse_geo_uri("geo:10.7769,106.7009;crs=utm")
    Traceback (most recent call last):
    ...
    camroute.location.errors.LocationParseError: geo-uri.crs: only wgs84 is supported, got 'utm'
    """
    warnings: list[str] = []
    uri, _, query = text.strip().partition("?")
    if query:
        warnings.append("geo-uri: query part ignored")
    match = _URI.fullmatch(uri)
    if not match:
        raise LocationParseError(
            "geo-uri: expected geo:<lat>,<lon>[,<alt>][;crs=wgs84][;u=<metres>]", field="geo-uri"
        )
    lat = number(match["lat"], field="geo-uri.lat")
    lon = number(match["lon"], field="geo-uri.lon")
    check_lon_lat(lon=lon, lat=lat, field="geo-uri")
    params = _params(match["params"], warnings)
    extras = Extras(warnings=warnings)
    if match["alt"] is not None:
        extras.altitude_m = number(match["alt"], field="geo-uri.alt")
    radius = params.get("u")
    if radius is None:
        return to_location(point_region(lon=lon, lat=lat), fmt="geo-uri", extras=extras)
    radius_m = check_length_m(number(radius, field="geo-uri.u"), field="geo-uri.u", allow_zero=True)
    region = (
        circle_region(lon=lon, lat=lat, radius_m=radius_m)
        if radius_m
        else point_region(lon=lon, lat=lat)
    )
    return to_location(region, fmt="geo-uri", extras=extras)


def _params(raw: str, warnings: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in filter(None, raw.split(";")):
        key, _, value = item.partition("=")
        key = key.strip().lower()
        if key in params:
            raise LocationParseError(f"geo-uri.{key[:16]}: repeated", field=f"geo-uri.{key[:16]}")
        params[key] = value.strip()
    crs = params.pop("crs", "wgs84").lower()
    if crs != "wgs84":
        raise LocationParseError(
            f"geo-uri.crs: only wgs84 is supported, got {crs[:16]!r}", field="geo-uri.crs"
        )
    extra = sorted(k[:16] for k in params if k != "u")
    if extra:
        warnings.append(f"geo-uri: parameters ignored: {', '.join(extra[:8])}")
    return params
