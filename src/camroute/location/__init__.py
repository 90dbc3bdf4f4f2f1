"""Caller-location intake: every format the network delivers becomes one ``CallerLocation``."""

from camroute.location.errors import LocationParseError, NeedsGeocodingError
from camroute.location.jsonloc import plain_position
from camroute.location.models import CallerLocation
from camroute.location.parse import FORMAT_CHOICES, FormatChoice, parse_location

__all__ = [
    "FORMAT_CHOICES",
    "CallerLocation",
    "FormatChoice",
    "LocationParseError",
    "NeedsGeocodingError",
    "parse_location",
    "plain_position",
]
