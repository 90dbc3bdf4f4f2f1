"""Routing results: ranked cameras with the reasons, the cover, and the query summary."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Role = Literal["visible", "context", "offline"]
# Protected zones (owned by ``camroute.zones``, named here because a ranked row carries them)
ZoneKind = Literal[
    "school", "kindergarten", "hospital", "place_of_worship", "private", "university", "other"
]
# ``supervisor``: a view reaching into the zone needs a supervisor and a written reason.
# ``never``: a camera whose view reaches into the zone cannot be opened by anyone.
ZonePolicy = Literal["supervisor", "never"]


class Reason(BaseModel):
    """The same short explanation in Vietnamese and in English."""

    vi: str
    en: str


class ProtectedHit(BaseModel):
    """A protected zone that a camera's viewshed reaches into, and what that means for viewing."""

    zone_id: str
    name: str
    kind: ZoneKind
    policy: ZonePolicy
    reason: Reason


class RankedCamera(BaseModel):
    """One camera assessed against the caller's uncertainty region."""

    camera_id: str
    name: str
    lon: float
    lat: float
    role: Role
    visible_fraction: float = Field(ge=0.0, le=1.0)
    sector_fraction: float = Field(ge=0.0, le=1.0, description="share in sector and range")
    distance_m: float
    bearing_deg: float = Field(description="true bearing from the camera to the reference point")
    offset_deg: float | None = Field(description="bearing minus heading; None when unknown")
    in_fov: bool | None = Field(description="None when a fixed camera's heading is unknown")
    in_range: bool
    occluded: bool
    fov_assumed: bool
    heading_known: bool
    heading_estimated: bool = Field(
        default=False, description="the heading is assumed or suggested, not measured"
    )
    status: str
    kind: str
    access_class: str
    pan_deg: float | None = None
    tilt_deg: float | None = None
    hfov_deg: float | None = None
    method: Literal["viewshed", "samples", "none"]
    reason: Reason
    view_geojson: dict[str, Any] | None = None
    protected: list[ProtectedHit] = Field(
        default_factory=list, description="protected zones its viewshed reaches (never first)"
    )


class Cover(BaseModel):
    """The greedy best set of at most ``k`` cameras and the share of the region they see."""

    camera_ids: list[str]
    combined_fraction: float = Field(ge=0.0, le=1.0)


class RouteResult(BaseModel):
    """Cameras that see the caller (best first), context cameras that do not, offline apart."""

    lon: float
    lat: float
    uncertainty_m: float
    cameras: list[RankedCamera]
    context: list[RankedCamera]
    offline: list[RankedCamera]
    cover: Cover
    considered: int = Field(description="cameras whose range could reach the region")
    reason: Reason
