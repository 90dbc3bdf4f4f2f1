"""Errors of the location intake (422, naming the field and the reason)."""

from __future__ import annotations

from camroute.errors import InvalidInputError


class LocationParseError(InvalidInputError):
    """The location message is malformed, hostile, or says it holds no location."""

    code = "location_parse_error"
    title = "Caller location could not be parsed"


class NeedsGeocodingError(LocationParseError):
    """The body is free text (a spoken address): the lookup capability must geocode it."""

    code = "needs_geocoding"
    title = "Free-text address needs geocoding"
