"""A PTZ device's absolute position spaces, in its own units. Pure."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Range(BaseModel):
    """A device axis's closed interval, in the device's units."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min: float
    max: float


class DeviceRanges(BaseModel):
    """The absolute position spaces the device stated (ONVIF generic spaces by default)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pan: Range = Range(min=-1.0, max=1.0)
    tilt: Range = Range(min=-1.0, max=1.0)
    zoom: Range = Range(min=0.0, max=1.0)
