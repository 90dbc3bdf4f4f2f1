"""The camera: domain fields, validation rules, and the API schemas built on them.

Pure (pydantic only). Field names and units follow docs/CONTRACTS.md "Camera schema".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Final, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

Kind = Literal["fixed", "ptz", "dome_360"]
Status = Literal["online", "offline", "maintenance", "unknown"]
AccessClass = Literal["public_space", "restricted"]

KINDS: Final = ("fixed", "ptz", "dome_360")
STATUSES: Final = ("online", "offline", "maintenance", "unknown")
ACCESS_CLASSES: Final = ("public_space", "restricted")
MAX_RANGE_M: Final = 2000.0

# An agency code: no URL delimiters (/ ? # % \), no leading or trailing space.
CameraId = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[^\s/?#%\\](?:[^/?#%\\]*[^\s/?#%\\])?$")
]
# ``onvif``: the camera said so itself, answering ``camroute cameras onvif-probe``;
# ``suggested``: a heading proposed from the streets around the camera (never measured).
Source = Annotated[str, Field(pattern=r"^(measured|assumed|suggested|onvif|imported:.{1,120})$")]
Lon = Annotated[float, Field(ge=-180.0, le=180.0)]
Lat = Annotated[float, Field(ge=-90.0, le=90.0)]
Heading = Annotated[float, Field(ge=0.0, lt=360.0)]
Hfov = Annotated[float, Field(gt=0.0, le=360.0)]
Range = Annotated[float, Field(gt=0.0, le=MAX_RANGE_M)]
Tilt = Annotated[float, Field(ge=-90.0, le=90.0)]
Height = Annotated[float, Field(ge=0.0, le=1000.0)]
Pan = Annotated[float, Field(ge=0.0, le=360.0)]


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """``url`` without ``user:password@``, and the user and password it carried.

    Examples
    --------
    >>> split_userinfo("rtsp://admin:s3cret@10.0.0.5:554/ch1")
    ('rtsp://10.0.0.5:554/ch1', 'admin', 's3cret')
    >>> split_userinfo("http://10.0.0.5/snap.jpg")
    ('http://10.0.0.5/snap.jpg', None, None)
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return urlunsplit(parts._replace(netloc=netloc)), user, password


def _no_userinfo(url: str) -> str:
    if split_userinfo(url)[1:] != (None, None):
        raise ValueError("URL carries credentials: send them in `credentials`, not in the URL")
    return url


Url = Annotated[
    str,
    Field(max_length=2048, pattern=r"^(https?|rtsp|rtsps)://\S+$"),
    AfterValidator(_no_userinfo),
]
ShortText = Annotated[str, Field(max_length=500)]

# The stream URL columns and the flag every reader sees instead of each.
STREAM_FLAGS: Final = {
    "snapshot_url": "has_snapshot",
    "mjpeg_url": "has_mjpeg",
    "rtsp_url": "has_rtsp",
    "rtsp_sub_url": "has_rtsp_sub",
}

# Fields that describe what a camera sees (the ones carrying provenance).
OPTICAL_FIELDS: Final = ("heading_deg", "hfov_deg", "range_m", "mount_height_m")
# Writable fields, in table order.
CAMERA_FIELDS: Final = (
    "name",
    "lon",
    "lat",
    "mount_height_m",
    "heading_deg",
    "hfov_deg",
    "tilt_deg",
    "range_m",
    "kind",
    "pan_min_deg",
    "pan_max_deg",
    "tilt_min_deg",
    "tilt_max_deg",
    "zoom_hfov_min_deg",
    "zoom_hfov_max_deg",
    "status",
    "last_seen",
    "snapshot_url",
    "mjpeg_url",
    "rtsp_url",
    "access_class",
    "owner",
    "heading_source",
    "hfov_source",
    "range_source",
    "height_source",
    "fov_assumed",
    "onvif_url",
    "rtsp_sub_url",
    "streams_source",
    "ptz_source",
    "nvr_channel",
)
# Columns only the API and the ONVIF probe write (provenance), never mapped from import files.
NOT_IMPORTED: Final = ("streams_source", "ptz_source")
# Set by the ONVIF probe or the API as often as by a file: an import whose file has no such
# column (and no URL template for it) keeps the stored value.
KEPT_UNLESS_GIVEN: Final = ("onvif_url", "rtsp_sub_url", "nvr_channel")
NVR_CHANNEL_MAX: Final = 512


def _check_aware(value: datetime | None) -> datetime | None:
    if value is not None and value.utcoffset() is None:
        raise ValueError("must be timezone-aware (UTC)")
    return value


class _Optics(BaseModel):
    """Fields shared by create and update, all optional here."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    mount_height_m: Height | None = None
    heading_deg: Heading | None = None
    tilt_deg: Tilt | None = None
    pan_min_deg: Pan | None = None
    pan_max_deg: Pan | None = None
    tilt_min_deg: Tilt | None = None
    tilt_max_deg: Tilt | None = None
    zoom_hfov_min_deg: Hfov | None = None
    zoom_hfov_max_deg: Hfov | None = None
    last_seen: datetime | None = None
    snapshot_url: Url | None = None
    mjpeg_url: Url | None = None
    rtsp_url: Url | None = None
    rtsp_sub_url: Url | None = Field(
        default=None, description="the smaller (usually H.264) sub-stream, for browsers"
    )
    onvif_url: Url | None = Field(
        default=None, description="ONVIF device service, e.g. http://10.0.0.5/onvif/device_service"
    )
    nvr_channel: int | None = Field(
        default=None,
        ge=1,
        le=NVR_CHANNEL_MAX,
        description="the NVR video channel this camera is (its onvif_url is the NVR's)",
    )
    owner: ShortText | None = None

    @field_validator("last_seen")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return _check_aware(value)

    @model_validator(mode="after")
    def _ordered_limits(self) -> _Optics:
        for low, high in (
            ("pan_min_deg", "pan_max_deg"),
            ("tilt_min_deg", "tilt_max_deg"),
            ("zoom_hfov_min_deg", "zoom_hfov_max_deg"),
        ):
            a, b = getattr(self, low), getattr(self, high)
            if a is not None and b is not None and a > b:
                raise ValueError(f"{low} ({a}) must not exceed {high} ({b})")
        return self


class Credentials(BaseModel):
    """Stream credentials: written through the API, never read back through it."""

    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(max_length=200)] | None = None
    password: Annotated[str, Field(max_length=200)] | None = None


class CameraCreate(_Optics):
    """A new camera. Unknown ``hfov_deg`` / ``range_m`` get per-kind defaults, ``assumed``."""

    id: CameraId
    lon: Lon
    lat: Lat
    kind: Kind = "fixed"
    hfov_deg: Hfov | None = None
    range_m: Range | None = None
    status: Status = "unknown"
    access_class: AccessClass = "public_space"
    heading_source: Source | None = None
    hfov_source: Source | None = None
    range_source: Source | None = None
    height_source: Source | None = None
    streams_source: Source | None = None
    ptz_source: Source | None = None
    credentials: Credentials | None = None
    onvif_credentials: Credentials | None = None


class CameraUpdate(_Optics):
    """A partial change; fields left out keep their value, ``null`` clears a nullable one."""

    lon: Lon | None = None
    lat: Lat | None = None
    kind: Kind | None = None
    hfov_deg: Hfov | None = None
    range_m: Range | None = None
    status: Status | None = None
    access_class: AccessClass | None = None
    heading_source: Source | None = None
    hfov_source: Source | None = None
    range_source: Source | None = None
    height_source: Source | None = None
    streams_source: Source | None = None
    ptz_source: Source | None = None
    credentials: Credentials | None = None
    onvif_credentials: Credentials | None = None


class CameraRead(BaseModel):
    """A stored camera as every reading role sees it: whether it streams, never from where.

    A stream URL opens the camera on the private network with no ticket and no audit, so
    only :class:`CameraAdminRead` (GIS admins) carries the URLs; credentials are in neither.
    The ``has_*`` flags are derived from the stored URLs.
    """

    id: str
    name: str | None
    lon: float
    lat: float
    mount_height_m: float | None
    heading_deg: float | None
    hfov_deg: float
    tilt_deg: float | None
    range_m: float
    kind: Kind
    pan_min_deg: float | None
    pan_max_deg: float | None
    tilt_min_deg: float | None
    tilt_max_deg: float | None
    zoom_hfov_min_deg: float | None
    zoom_hfov_max_deg: float | None
    status: Status
    last_seen: datetime | None
    has_snapshot: bool = Field(description="a snapshot (JPEG) stream is configured")
    has_mjpeg: bool = Field(description="an MJPEG stream is configured")
    has_rtsp: bool = Field(description="an RTSP stream is configured")
    has_rtsp_sub: bool = Field(description="an RTSP sub-stream is configured")
    access_class: AccessClass
    owner: str | None
    heading_source: str | None
    hfov_source: str | None
    range_source: str | None
    height_source: str | None
    streams_source: str | None = Field(description="where the stream URLs came from")
    ptz_source: str | None = Field(description="where the kind and PTZ limits came from")
    fov_assumed: bool
    version: int
    updated_at: datetime

    @model_validator(mode="before")
    @classmethod
    def _stream_flags(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            flags = {flag: data.get(url) is not None for url, flag in STREAM_FLAGS.items()}
            return {**flags, **data}
        return data


class CameraAdminRead(CameraRead):
    """A stored camera as a GIS admin sees it: also where its streams are (never credentials)."""

    snapshot_url: str | None
    mjpeg_url: str | None
    rtsp_url: str | None
    rtsp_sub_url: str | None
    onvif_url: str | None
    nvr_channel: int | None = None


class CameraWritten(CameraAdminRead):
    """The answer to a camera write: the camera, and whether its credentials were dropped."""

    credentials_cleared: bool = Field(
        default=False,
        description="a stream URL moved to another scheme/host/port without new credentials "
        "in the same request, so the stored credentials were deleted",
    )


class CameraPage(BaseModel):
    """One page of cameras and the total that matched."""

    items: list[CameraRead]
    total: int
    limit: int
    offset: int


class CameraAdminPage(BaseModel):
    """One page of cameras with their stream URLs (GIS admins)."""

    items: list[CameraAdminRead]
    total: int
    limit: int
    offset: int


class StreamSource(BaseModel):
    """Where and how to fetch a camera's stream: server side only, never serialised out."""

    model_config = ConfigDict(frozen=True)

    camera_id: str
    snapshot_url: str | None
    mjpeg_url: str | None
    rtsp_url: str | None
    rtsp_sub_url: str | None = None
    username: str | None = None
    password: str | None = Field(default=None, repr=False)


def camera_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Keep only the writable camera columns of ``values`` (drops ``credentials`` etc.)."""
    return {k: v for k, v in values.items() if k in CAMERA_FIELDS}
