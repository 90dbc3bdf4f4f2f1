"""Audit actions, the event as read back, query filters and the verify answer."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field


class Action(StrEnum):
    """The action names camroute records; other modules pass these, not free text."""

    call_received = "call_received"
    incident_opened = "incident_opened"
    incident_updated = "incident_updated"
    incident_closed = "incident_closed"
    route_computed = "route_computed"
    ticket_issued = "ticket_issued"
    ticket_denied = "ticket_denied"
    ticket_expired = "ticket_expired"
    stream_opened = "stream_opened"
    stream_closed = "stream_closed"
    registry_changed = "registry_changed"
    user_changed = "user_changed"
    login_failed = "login_failed"
    login_ok = "login_ok"
    retention_purged = "retention_purged"
    zone_changed = "zone_changed"  # a protected zone created, changed or deleted
    protected_view_approved = "protected_view_approved"  # a supervisor opened one, with a reason
    # A GIS administrator saw a camera's picture while calibrating (first per user and camera
    # in 10 min), or was refused one: not a live view, no incident (camroute.live.calview).
    calibration_snapshot = "calibration_snapshot"
    calibration_refused = "calibration_refused"
    report_read = "report_read"  # someone read a report naming users (the access review)


class AuditEvent(BaseModel):
    """One event of the log, with its place in the chain."""

    id: int
    time: datetime
    actor: str
    role: str
    action: str
    subject: str | None = None
    incident_id: str | None = None
    purpose: str | None = None
    details: dict[str, Any] | None = None
    prev_hash: str
    hash: str


class AuditQuery(BaseModel):
    """Filters for auditors; every one optional, combined with AND."""

    subject: str | None = None
    actor: str | None = None
    incident_id: str | None = None
    action: str | None = None
    time_from: datetime | None = None
    time_to: datetime | None = None
    order: Literal["asc", "desc"] = "desc"
    limit: int = Field(default=100, ge=1, le=10_000)
    offset: int = Field(default=0, ge=0, le=2**31 - 1)  # camroute.api.deps.MAX_OFFSET


class AuditPage(BaseModel):
    """A page of events and how many match in all."""

    items: list[AuditEvent]
    total: int
    limit: int
    offset: int


class VerifyRead(BaseModel):
    """Whether the chain is intact; when not, the first broken event and why."""

    ok: bool
    checked: int
    head_id: int
    head_hash: str
    broken_event_id: int | None = None
    reason: str | None = None
