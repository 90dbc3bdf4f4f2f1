"""Report models: the public transparency report and the supervisors' access review.

The public report holds counts only (small ones as "<5"); the review names users, and every
figure carries the audit events behind it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from camroute.audit.models import AuditEvent

SMALL = 5  # counts from 1 to SMALL - 1 are shown as "<5": too few to publish safely


class Count(BaseModel):
    """One published count; ``count`` is None when it is small enough to point at someone."""

    key: str
    count: int | None
    shown: str


class TransparencyReport(BaseModel):
    """How the cameras were used between ``date_from`` and ``date_to`` (exclusive)."""

    date_from: date
    date_to: date
    generated_at: datetime
    calls_by_hotline: list[Count]
    incidents_by_hotline: list[Count]
    incidents_by_ward: list[Count] = Field(description="2025 ward codes; no finer place")
    incidents_by_week: list[Count] = Field(description="ISO weeks, e.g. 2026-W49")
    views_by_purpose: list[Count]
    views_by_role: list[Count]
    views_by_outcome: list[Count]
    view_duration_median_s: float | None
    view_duration_p95_s: float | None
    views_per_incident_median: float | None
    cameras_most_used: list[Count]
    ptz_moves: Count = Field(
        description="times camroute turned a PTZ camera: aimed by a user, or sent home when idle"
    )
    retention_runs: Count
    records_purged: Count
    audit_chain_ok: bool
    audit_checked: int
    audit_head: str = Field(description="id:hash of the chain's head when the report was made")


AccessFigureName = Literal["views", "off_ranking", "after_close", "outside_shift", "refusals"]


class AccessFigure(BaseModel):
    """One figure of one user, with the audit events behind it."""

    count: int = Field(ge=0)
    share: float | None = Field(
        default=None, description="count / views, for off_ranking (None without views)"
    )
    outlier: bool = Field(description="above the outlier rule against the team's median")
    event_ids: list[int] = Field(description="ids of the audit events counted")
    events_url: str = Field(description="GET this (supervisor, auditor) for the events")


class AccessRow(BaseModel):
    """What one user did with the cameras in the period."""

    user: str
    roles: list[str]
    views: AccessFigure
    off_ranking: AccessFigure = Field(description="views of a camera not in the stored ranking")
    after_close: AccessFigure = Field(description="views opened after the incident closed")
    outside_shift: AccessFigure = Field(description="views with no login in the shift before")
    refusals: AccessFigure
    outlier: bool = Field(description="any figure is an outlier")


class AccessRule(BaseModel):
    """How the figures are defined, stated in the report itself."""

    outlier_factor: float = Field(description="an outlier is above factor x the team median")
    outlier_min_events: int = Field(description="... and counts at least this many events")
    shift_s: int = Field(description="a shift starts at the user's login and lasts this long")


class AccessReport(BaseModel):
    """The supervisors' access review from ``date_from`` to ``date_to`` (exclusive)."""

    date_from: date
    date_to: date
    generated_at: datetime
    rule: AccessRule
    team_median: dict[str, float] = Field(description="figure -> the team's median")
    users: list[AccessRow]


class AccessEvents(BaseModel):
    """The audit events behind one figure of one user."""

    user: str
    figure: AccessFigureName
    items: list[AuditEvent]
