"""Open Location Codes ("plus codes") through the ``openlocationcode`` library.

A full code is an area (a 10-digit code is about 14 m x 14 m): the region is that cell, the
reference point its centre. A short code (``FX+26``) needs a nearby reference place, which
only the lookup capability can supply, so it is refused as needing geocoding.
"""

from __future__ import annotations

import re

import shapely
from openlocationcode import openlocationcode as olc

from camroute.location.errors import LocationParseError, NeedsGeocodingError
from camroute.location.models import CallerLocation
from camroute.location.regions import Extras, finish_region, to_location

CODE = re.compile(r"[23456789CFGHJMPQRVWX0]{2,8}\+[23456789CFGHJMPQRVWX]*", re.IGNORECASE)


def looks_like_plus_code(text: str) -> bool:
    """Whether the first word of ``text`` has the shape of a (full or short) plus code."""
    words = text.split(maxsplit=1)
    return bool(words) and CODE.fullmatch(words[0]) is not None


def parse_plus_code(text: str) -> CallerLocation:
    """Decode a full plus code into its cell.

    Examples
    --------
    >>> loc = parse_plus_code("7P28QMFX+26")
    >>> round(loc.lat, 5), round(loc.lon, 5), loc.shape
    (10.77256, 106.69806, 'polygon')
    """
    words = text.strip().split(maxsplit=1)
    code = words[0].upper() if words else ""
    if not olc.isValid(code):
        raise LocationParseError(
            f"plus-code: {code[:20]!r} is not a valid plus code", field="plus-code"
        )
    if not olc.isFull(code):
        raise NeedsGeocodingError(
            "plus-code: a short code needs a nearby reference place (geocode the locality)",
            field="plus-code",
        )
    warnings = ["plus-code: locality after a full code ignored"] if len(words) > 1 else []
    area = olc.decode(code)
    cell = shapely.box(area.longitudeLo, area.latitudeLo, area.longitudeHi, area.latitudeHi)
    region = finish_region("polygon", area.longitudeCenter, area.latitudeCenter, cell)
    return to_location(region, fmt="plus-code", extras=Extras(warnings=warnings))
