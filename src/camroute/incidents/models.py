"""Calls and incidents: the API schemas and the lifecycle rules they carry."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from camroute.areas.models import LocationReport
from camroute.routing.models import RouteResult

Hotline = Literal["113", "114", "115"]
Status = Literal["new", "acknowledged", "dispatched", "closed"]
OPEN_STATUSES: tuple[Status, ...] = ("new", "acknowledged", "dispatched")
MAX_RAW_LOCATION_CHARS = 200_000


class LonLatIn(BaseModel):
    """A plain position from the telephony system: WGS84 ``lon, lat`` and a radius in metres."""

    model_config = ConfigDict(extra="forbid")

    lon: float = Field(ge=-180.0, le=180.0)
    lat: float = Field(ge=-90.0, le=90.0)
    uncertainty_m: float = Field(default=0.0, ge=0.0, le=100_000.0)


class CallCreate(BaseModel):
    """One call (or a later location update of it) as posted by telephony/CAD.

    ``location`` is the raw PIDF-LO / AML / geo URI text or a ``{lon, lat, uncertainty_m}``
    object; ``address`` is a spoken address, geocoded when there is no location.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    call_id: str = Field(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")
    hotline: Hotline
    location: str | LonLatIn | None = Field(default=None)
    content_type: str | None = Field(default=None, max_length=128)
    address: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _some_location(self) -> CallCreate:
        if isinstance(self.location, str):
            if not self.location:
                raise ValueError("location is empty")
            if len(self.location) > MAX_RAW_LOCATION_CHARS:
                raise ValueError(f"location is longer than {MAX_RAW_LOCATION_CHARS} characters")
        if self.location is None and not self.address:
            raise ValueError("a call needs a location or a spoken address")
        return self


class IncidentUpdate(BaseModel):
    """A status change from a dispatcher or supervisor."""

    model_config = ConfigDict(extra="forbid")

    status: Status


class LocationRead(BaseModel):
    """One received location of the call (``location`` is null once purged)."""

    received_at: datetime
    lon: float | None
    lat: float | None
    uncertainty_m: float | None
    location: dict[str, Any] | None


class IncidentSummary(BaseModel):
    """An incident as a list shows it: where and when, not the region, lookup or cameras.

    The uncertainty region (a polygon of up to ~70 points), the lookup and the ranked cameras
    come with the incident itself (``GET /api/incidents/{id}``).
    """

    id: str
    call_id: str
    hotline: Hotline
    status: Status
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    lon: float | None
    lat: float | None
    uncertainty_m: float | None
    address: str | None
    ward_code: str | None
    ward_name: str | None
    location_count: int
    purged: bool


class IncidentRead(IncidentSummary):
    """An incident as the map and CAD see it: one typed aggregate, as stored.

    ``lookup`` is the area's ``LocationReport``; ``route`` is the ``RouteResult`` ranked when the
    call (or its last location update) came in, with each camera's cone (``view_geojson``) so
    the map draws exactly the cameras the incident holds without ranking again. Both are null
    when no gazetteer / camera index was loaded, and after retention.
    """

    location: dict[str, Any] | None
    lookup: LocationReport | None
    route: RouteResult | None
    history: list[LocationRead] | None = None


class IncidentPage(BaseModel):
    """A page of incidents, open ones first, newest first within each group."""

    items: list[IncidentSummary]
    total: int
