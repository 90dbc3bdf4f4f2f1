"""PTZ API schemas and the device's answers, typed end to end. Pure (pydantic)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from camroute.live.models import MIN_REASON_CHARS
from camroute.ptz.aim import Axis, PtzPosition, Target
from camroute.ptz.calibration import Calibration, DeviceRanges, Landmark
from camroute.ptz.zoom import ZoomPoint


class PtzAction(StrEnum):
    """Audit action names for PTZ control (recorded with ``camroute.audit.record``)."""

    moved = "ptz_moved"
    refused = "ptz_refused"
    taken_over = "ptz_taken_over"
    released = "ptz_released"
    returned_home = "ptz_returned_home"
    calibrated = "ptz_calibrated"
    follow = "ptz_follow"
    do_not_move = "ptz_do_not_move"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PtzStatus(_Frozen):
    """A GetStatus reading."""

    position: PtzPosition
    moving: bool


class AimRequest(_Frozen):
    """Aim the ticket's camera: at the incident's location, or at ``target`` when given."""

    target: Target | None = Field(default=None, description="override: look here instead")
    take_over: bool = Field(default=False, description="supervisor: take control from its holder")
    reason: str | None = Field(
        default=None,
        max_length=2000,
        description="supervisor: why the camera may look into a supervisor-policy zone",
    )


class AimResult(_Frozen):
    """What the camera did: the move asked, where it stopped, and how well it frames the area."""

    camera_id: str
    incident_id: str | None = Field(description="None for a GIS staff test from the CLI")
    ticket_id: str | None
    move: Literal["absolute", "preset"]
    preset_name: str | None = None
    requested: PtzPosition
    before: PtzPosition
    read_back: PtzPosition
    bearing_deg: float = Field(description="true bearing from the camera to the target")
    pan_deg: float = Field(description="true bearing the camera now faces (per calibration)")
    tilt_deg: float = Field(description="elevation the camera now faces (per calibration)")
    hfov_deg: float = Field(description="horizontal field of view at the read-back zoom")
    residual_deg: float = Field(description="angle between where it points and the target")
    share_in_picture: float = Field(ge=0.0, le=1.0, description="of the uncertainty area")
    calibrated: bool
    expected_error_deg: float
    limited: list[Axis] = Field(default_factory=list)
    settle_s: float
    controller: str
    lock_expires_at: datetime
    closed_views: list[str] = Field(
        default_factory=list,
        description="other users whose live views of the camera were ended: the move shows a "
        "protected zone their tickets were not judged for",
    )


class ReleaseResult(_Frozen):
    """Control given up; whether the camera went home (no other live ticket on it)."""

    camera_id: str
    released: bool
    returned_home: bool


class CalibrationInput(_Frozen):
    """Landmarks (device pan/tilt read while aimed at a known place) and optional zoom samples."""

    landmarks: list[Landmark] = Field(min_length=2, max_length=20)
    zoom_points: list[ZoomPoint] | None = None
    ranges: DeviceRanges | None = None


class CalibrationRead(_Frozen):
    """A camera's stored calibration and where it came from."""

    camera_id: str
    source: Literal["measured", "assumed"]
    calibration: Calibration
    fitted_at: datetime | None = None
    fitted_by: str | None = None


class ControlRead(_Frozen):
    """Who controls the camera now (a live lock only), and whether it may be moved at all."""

    camera_id: str
    holder: str | None = Field(description="the user holding the lock; None when free")
    holder_role: str | None = None
    lock_until: datetime | None = None
    yours: bool = Field(description="whether the asking user holds it")
    do_not_move: bool


class PtzTileRead(_Frozen):
    """A live tile's PTZ state: the lock, aim-follow, and the last aim made for this ticket."""

    camera_id: str
    ticket_id: str
    control: ControlRead
    follow: bool
    last_aim: AimResult | None = Field(description="the camera's last aim, if for this ticket")


class FollowRequest(_Frozen):
    """Turn aim-follow on (a location update of the incident re-aims the camera) or off."""

    follow: bool
    reason: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, min_length=MIN_REASON_CHARS, max_length=2000),
        ]
        | None
    ) = Field(
        default=None,
        description="supervisor: why the re-aims may look into supervisor-policy zones "
        "(kept while the follow is on, audited with each re-aim)",
    )


class DoNotMoveRequest(_Frozen):
    """Mark a camera camroute must never move (a traffic patrol camera), or clear the mark."""

    do_not_move: bool


class NudgeRequest(_Frozen):
    """A small turn while calibrating, in device units (0 leaves an axis where it is)."""

    pan: float = Field(default=0.0, ge=-0.5, le=0.5)
    tilt: float = Field(default=0.0, ge=-0.5, le=0.5)
    zoom: float = Field(default=0.0, ge=-0.5, le=0.5)


class CalibrationFit(_Frozen):
    """A fit of the landmarks not stored yet: the offsets found and how well they fit."""

    camera_id: str
    calibration: Calibration
    fit_error_deg: float = Field(description="RMS pointing error over the landmarks")
