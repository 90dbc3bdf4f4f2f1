"""Areas: admin units (versioned), 113/114/115 responsibility, streets, and address search.

``lookup`` turns a point into words; ``geocode`` turns words into ranked points. Both work on
an in-memory :class:`AreaLayers` snapshot loaded from the store (``AreaLayers.load(engine)``).
"""

from camroute.areas.layers import AreaLayers
from camroute.areas.lookup import geocode, lookup
from camroute.areas.models import GeocodeCandidate, GeocodeResult, LocationReport

__all__ = ["AreaLayers", "GeocodeCandidate", "GeocodeResult", "LocationReport", "geocode", "lookup"]
