"""What a camera says about itself over ONVIF, and what a probe did with it. Pure (pydantic).

ONVIF PTZ positions live in the device's own spaces, mostly the *generic* ones normalised
to [-1, 1] (pan, tilt) and [0, 1] (zoom): they are kept as the device states them, with the
space URI. Turning them into degrees needs each camera's calibration (issue #13), so the
probe never writes ``pan_min_deg`` and friends from them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ProbeErrorKind = Literal[
    "not_found",
    "no_onvif_url",
    "no_channel",
    "unreachable",
    "not_authorized",
    "timeout",
    "malformed",
    "refused",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DeviceInfo(_Frozen):
    """GetDeviceInformation: who made the camera and what it runs."""

    manufacturer: str
    model: str
    firmware: str | None = None
    serial: str | None = None


class MediaProfile(_Frozen):
    """One media profile (GetProfiles) and the URIs it streams at."""

    token: str
    name: str | None = None
    encoding: str | None = Field(default=None, description="H264, H265, JPEG, ... as stated")
    width_px: int | None = None
    height_px: int | None = None
    stream_uri: str | None = None
    snapshot_uri: str | None = None
    ptz_node: str | None = Field(default=None, description="the PTZ node this profile drives")
    source_token: str | None = Field(
        default=None, description="its video source: one per camera input (an NVR channel)"
    )

    @property
    def pixels(self) -> int:
        """Width × height (0 when unknown): the main stream is the largest."""
        return (self.width_px or 0) * (self.height_px or 0)


class Span(_Frozen):
    """A closed interval in a device space."""

    min: float
    max: float


class PtzSpaces(_Frozen):
    """A PTZ node's absolute position spaces (GetNodes), in the device's own units."""

    node_token: str
    pan_tilt_space: str | None = None
    pan: Span | None = None
    tilt: Span | None = None
    zoom_space: str | None = None
    zoom: Span | None = None
    home_supported: bool | None = None
    max_presets: int | None = None


class OnvifDevice(_Frozen):
    """One probe's answer: device, profiles (main first), PTZ, and the chosen streams."""

    info: DeviceInfo
    profiles: list[MediaProfile]
    main_token: str | None = None
    sub_token: str | None = None
    ptz: PtzSpaces | None = None

    def profile(self, token: str | None) -> MediaProfile | None:
        """The profile with ``token``, or None."""
        return next((p for p in self.profiles if p.token == token), None)


class RegistryChange(_Frozen):
    """The camera fields a probe sets (None: the device did not say)."""

    rtsp_url: str | None = None
    rtsp_sub_url: str | None = None
    snapshot_url: str | None = None
    kind: Literal["fixed", "ptz", "dome_360"] | None = None


class ProbeResult(_Frozen):
    """One camera's probe: what the device said and what changed, or why it failed."""

    camera_id: str
    ok: bool
    error: ProbeErrorKind | None = None
    reason: str | None = Field(default=None, description="why it failed, safe to show")
    device: OnvifDevice | None = None
    change: RegistryChange | None = None
    changed_fields: list[str] = Field(default_factory=list)
    written: bool = False
    credentials_from_onvif: bool = Field(
        default=False,
        description="the stream URLs moved to the device's host, so its ONVIF account "
        "now signs the streams too",
    )
    probed_at: datetime | None = None
    elapsed_ms: float = 0.0


class ProbeSummary(_Frozen):
    """The JSON summary line of ``camroute cameras onvif-probe`` (its keys are an interface)."""

    probed: int
    ok: int
    failed: int
    written: int
    dry_run: bool
