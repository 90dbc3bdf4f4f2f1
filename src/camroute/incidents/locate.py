"""Turn a call into a located, looked-up, ranked position (no store access).

Wires the other capabilities together: ``location.parse_location`` for raw text and plain
positions, ``areas.geocode`` for a spoken address without a location, ``areas.lookup`` for the
ward and responsible units, ``routing.rank_cameras`` for the cameras that can see the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from camroute.areas import LocationReport, geocode, lookup
from camroute.incidents.models import CallCreate
from camroute.location import (
    CallerLocation,
    LocationParseError,
    parse_location,
    plain_position,
)
from camroute.routing import rank_cameras
from camroute.routing.models import RouteResult

# How far a geocoded answer may be from the caller, by what matched (metres).
GEOCODE_UNCERTAINTY_M = {"poi": 50.0, "intersection": 50.0, "street": 150.0, "address": 30.0}
DEFAULT_GEOCODE_UNCERTAINTY_M = 250.0
WARD_LEVELS = ("ward", "commune", "xa", "phuong")


@dataclass(frozen=True)
class Located:
    """Where the caller is, the area lookup and the camera ranking."""

    location: CallerLocation
    lookup: LocationReport | None
    route: RouteResult | None
    ward_code: str | None
    ward_name: str | None


def caller_location(
    call: CallCreate, *, layers: Any, aml_hmac_key: bytes | None = None
) -> CallerLocation:
    """The ``CallerLocation`` of a call: parsed, or geocoded from the spoken address."""
    if call.location is None:
        return _geocoded(call.address or "", layers=layers)
    if isinstance(call.location, str):
        return parse_location(
            call.location, content_type=call.content_type, aml_hmac_key=aml_hmac_key
        )
    given = call.location
    return plain_position(lon=given.lon, lat=given.lat, uncertainty_m=given.uncertainty_m)


def _geocoded(address: str, *, layers: Any) -> CallerLocation:
    if layers is None:
        raise LocationParseError("no gazetteer is loaded to geocode the address", field="address")
    result = geocode(address, layers=layers, limit=1)
    if not result.candidates:
        raise LocationParseError(f"address {address!r} matched no known place", field="address")
    best = result.candidates[0]
    radius_m = GEOCODE_UNCERTAINTY_M.get(best.kind, DEFAULT_GEOCODE_UNCERTAINTY_M)
    return plain_position(lon=best.lon, lat=best.lat, uncertainty_m=radius_m, method="geocoded")


def _ward(report: LocationReport) -> tuple[str | None, str | None]:
    for level in WARD_LEVELS:
        unit = report.admin.get(level)
        if unit:
            return unit.code, unit.name
    return None, None


def locate(
    call: CallCreate, *, index: Any, layers: Any, aml_hmac_key: bytes | None = None
) -> Located:
    """Parse (or geocode), look up the area and rank the cameras for ``call``."""
    location = caller_location(call, layers=layers, aml_hmac_key=aml_hmac_key)
    report = None
    if layers is not None:
        report = lookup(lon=location.lon, lat=location.lat, layers=layers)
    route = None
    if index is not None:
        # With the cones: the map draws the stored route as it is (no second ranking that
        # could pick other cameras than the incident holds).
        route = rank_cameras(location, index, include_views=True)
    ward_code, ward_name = _ward(report) if report else (None, None)
    return Located(location, report, route, ward_code, ward_name)
