"""Protected-zone API schemas: a zone as written and read, and an import's summary."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from camroute.zones.kinds import ZoneKind, ZonePolicy

Ring = list[tuple[float, float]]


class ZoneGeometry(BaseModel):
    """A GeoJSON Polygon or MultiPolygon in WGS84 ``lon, lat`` (RFC 7946)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Ring] | list[list[Ring]]


class ZoneCreate(BaseModel):
    """A protected zone to add; ``id`` is made up when not given."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[\w.:\-]+$")
    kind: ZoneKind
    name: str = Field(min_length=1, max_length=300)
    policy: ZonePolicy
    geometry: ZoneGeometry


class ZoneUpdate(BaseModel):
    """The fields to change (the others stay)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: ZoneKind | None = None
    name: str | None = Field(default=None, min_length=1, max_length=300)
    policy: ZonePolicy | None = None
    geometry: ZoneGeometry | None = None


class ZoneRead(BaseModel):
    """A stored protected zone; ``version`` is its ETag (send it back in ``If-Match``)."""

    id: str
    kind: ZoneKind
    name: str
    policy: ZonePolicy
    source: str | None
    source_id: str | None
    geometry: ZoneGeometry
    version: int
    created_at: datetime
    updated_at: datetime


class ZonePage(BaseModel):
    """One page of zones, by id."""

    items: list[ZoneRead]
    total: int
    limit: int
    offset: int


class ZoneImportSummary(BaseModel):
    """What an import did: zones written, rows not zones (by tag), rows unusable."""

    imported: int
    skipped: int = Field(description="rows whose tag names no zone kind")
    rejected: int = Field(description="rows without a usable polygon")
    by_kind: dict[str, int]
