"""The public transparency report: counts only, small ones shown as "<5"."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

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
    ptz_moves: Count
    retention_runs: Count
    records_purged: Count
    audit_chain_ok: bool
    audit_checked: int
    audit_head: str = Field(description="id:hash of the chain's head when the report was made")
