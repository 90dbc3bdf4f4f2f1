"""Domain objects of the areas package and the API schemas of lookup and geocode."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import shapely
from pydantic import BaseModel, Field

LAYER_KINDS: tuple[str, ...] = ("admin", "service-areas", "stations", "streets", "pois")
HOTLINES: tuple[str, ...] = ("113", "114", "115")


@dataclass(frozen=True)
class AreaFeature:
    """One stored layer feature: geometry in WGS84 ``lon, lat`` plus what it is.

    ``level`` is set for admin units (ward, province, district, legacy-ward, ...);
    ``service`` for service areas and stations (113, 114, 115). ``valid_from`` / ``valid_to``
    bound the time an admin unit existed (``None`` = open).
    """

    kind: str
    name: str
    geometry: shapely.Geometry
    code: str | None = None
    level: str | None = None
    service: str | None = None
    phone: str | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AdminLink:
    """A 2025 ward made (fully or partly) of a pre-2025 ward (dvhcvn merges mapping)."""

    new_code: str
    old_code: str
    old_name: str
    link_type: str


class AdminUnitRead(BaseModel):
    """The unit of one level holding the point (or the nearest centroid when approximate)."""

    level: str
    name: str
    code: str | None = None
    approximate: bool = Field(description="true when only a centroid or a mapping placed it")
    distance_m: float | None = Field(default=None, description="to the centroid, if approximate")
    valid_from: datetime | None = None
    valid_to: datetime | None = None


class ServiceUnitRead(BaseModel):
    """The unit responsible for a hotline at the point."""

    service: str
    name: str
    code: str | None = None
    phone: str | None = None
    lon: float | None = None
    lat: float | None = None
    basis: Literal["area", "nearest"]
    distance_m: float | None = Field(default=None, description="from the point to the unit")


class StreetRead(BaseModel):
    """The nearest named street."""

    name: str
    distance_m: float
    lon: float
    lat: float


class IntersectionRead(BaseModel):
    """The nearest intersection of two differently named streets."""

    names: list[str]
    lon: float
    lat: float
    distance_m: float
    source: Literal["geometry", "named-point"]


class PoiRead(BaseModel):
    """The nearest point of interest (landmark)."""

    name: str
    category: str | None = None
    lon: float
    lat: float
    distance_m: float


class LocationReport(BaseModel):
    """Where a point is, in the words dispatchers and callers use."""

    lon: float
    lat: float
    at: datetime
    admin: dict[str, AdminUnitRead]
    inside_admin: bool = Field(description="false when no loaded unit holds or is near the point")
    services: dict[str, ServiceUnitRead]
    street: StreetRead | None = None
    intersection: IntersectionRead | None = None
    poi: PoiRead | None = None
    notes: list[str] = Field(default_factory=list)


class GeocodeCandidate(BaseModel):
    """One ranked answer to an address query."""

    label: str
    kind: str
    lon: float
    lat: float
    score: float = Field(ge=0.0, le=1.0)


class GeocodeResult(BaseModel):
    """Ranked candidates; an empty list when nothing matched."""

    query: str
    candidates: list[GeocodeCandidate]


class ImportSummary(BaseModel):
    """What a ``layers import`` did."""

    imported: int
    rejected: int
