"""Live-view API schemas: asking for a view, and the ticket that grants it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

MIN_REASON_CHARS = 10


class ViewCreate(BaseModel):
    """A dispatcher's request to watch one camera for an incident, and why.

    ``reason`` is the supervisor's written justification, needed for a camera that is not
    ranked for the incident (and farther than the configured distance) or is restricted.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    camera_id: str = Field(min_length=1, max_length=128)
    purpose: str = Field(min_length=3, max_length=500)
    reason: str | None = Field(default=None, max_length=2000)


class ViewRead(BaseModel):
    """A live-view ticket and this service's relay paths for it."""

    ticket: str
    ticket_id: str
    incident_id: str
    camera_id: str
    purpose: str
    expires_at: datetime
    snapshot_url: str
    mjpeg_url: str
    video_url: str  # fMP4 of the camera's RTSP stream (404 ``no_video`` when it has none)
