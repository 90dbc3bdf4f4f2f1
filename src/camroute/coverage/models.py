"""API schemas of the coverage package: proposed cameras and the map layer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class PlannedCamera(BaseModel):
    """A proposed new camera: where, which way, and what it adds."""

    rank: int
    lon: float
    lat: float
    heading_deg: float
    hfov_deg: float
    range_m: float
    site: str = Field(description="the corner or candidate it stands at")
    gain_m: float = Field(description="street length it newly sees")
    weighted_gain: float = Field(description="the same, each way weighted by its incidents")


class BlindRead(BaseModel):
    """A blind stretch on the map: the street piece and its call density."""

    name: str
    length_m: float
    incidents: int
    per_km: float
    geometry: dict[str, Any] = Field(description="GeoJSON LineString, WGS84")


class PlannedRead(PlannedCamera):
    """A proposed camera with its view cone (plain sector, no buildings) to draw."""

    cone: dict[str, Any] = Field(description="GeoJSON Polygon, WGS84")


class CoverageLayer(BaseModel):
    """What the map's coverage layer draws: seen area, blind stretches, the last plan."""

    cameras: int
    street_share: float = Field(ge=0.0, le=1.0)
    incidents: int
    incident_share: float = Field(ge=0.0, le=1.0)
    months: int
    seen: dict[str, Any] = Field(description="GeoJSON (Multi)Polygon, WGS84: union of views")
    blind: list[BlindRead] = Field(description="most calls per km first, at most ``top``")
    blind_total: int
    plan: list[PlannedRead]
    plan_made_at: datetime | None
    computed_at: datetime = Field(
        description="when these figures were computed (a layer is reused for a few minutes)"
    )
