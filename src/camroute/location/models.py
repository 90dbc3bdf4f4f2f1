"""``CallerLocation``: the one shape every caller-location format is turned into."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import orjson
import shapely
from pydantic import BaseModel, ConfigDict, Field, field_validator

LocationFormat = Literal["pidf-lo", "aml", "json", "geojson", "geo-uri", "plus-code"]
Shape = Literal["point", "circle", "ellipse", "arcband", "polygon"]


class CallerLocation(BaseModel):
    """Where the caller is: reference point, uncertainty region (WGS84), confidence, provenance.

    ``region`` is a GeoJSON geometry (a Point when there is no uncertainty);
    ``uncertainty_m`` is the radius of the smallest circle about ``lon, lat`` that holds it.
    """

    model_config = ConfigDict(frozen=True)

    format: LocationFormat
    shape: Shape
    lon: float = Field(ge=-180.0, le=180.0)
    lat: float = Field(ge=-90.0, le=90.0)
    region: dict[str, Any]
    uncertainty_m: float = Field(ge=0.0)
    confidence: float = Field(default=95.0, gt=0.0, le=100.0)
    method: str | None = None
    time: datetime | None = None
    civic: dict[str, str] | None = None
    altitude_m: float | None = None
    warnings: list[str] = Field(default_factory=list)

    @field_validator("time")
    @classmethod
    def _aware_utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("time must be timezone-aware (UTC)")
        return value

    def region_geometry(self) -> shapely.Geometry:
        """The uncertainty region as a shapely geometry in WGS84 ``lon, lat``."""
        return shapely.from_geojson(orjson.dumps(self.region).decode())
