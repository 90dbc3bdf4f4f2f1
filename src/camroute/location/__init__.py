"""Caller-location intake: every format the network delivers becomes one ``CallerLocation``."""

from camroute.location.errors import LocationParseError, NeedsGeocodingError
from camroute.location.models import CallerLocation

__all__ = ["CallerLocation", "LocationParseError", "NeedsGeocodingError"]
