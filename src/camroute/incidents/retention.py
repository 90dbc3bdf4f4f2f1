"""Retention: purge precise caller locations of incidents closed long enough ago.

What goes: ``lon``, ``lat``, ``uncertainty_m``, the parsed location, the spoken address, the
lookup, the camera ranking and the location fingerprint (a keyed hash, but a hash of a location
is still a handle on it), of the incident and of every location update. What stays: the
ward (code and name), the hotline, the status and the times, for ward-level reports. Expired
live tickets are deleted. The audit chain is not touched (it never holds precise locations),
so it stays verifiable; the purge itself is audited. A repeat of a purged call is no longer
recognised as a retry: it is refused as a call of a closed incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from camroute.audit.service import Action, record
from camroute.incidents.tables import incident_locations, incidents
from camroute.store.txn import writing

PRECISE = ("lon", "lat", "uncertainty_m", "location", "fingerprint")


# What other packages delete in a retention run, in its transaction (``live`` deletes expired
# tickets); each returns how many rows it deleted. Registered by ``camroute.wiring``.
class RetentionHook(Protocol):
    """Deletes what is due before ``before`` in the run's transaction; returns rows deleted."""

    def __call__(self, conn: Connection, *, before: datetime) -> int: ...


RETENTION_HOOKS: list[RetentionHook] = []


def on_retention(hook: RetentionHook) -> None:
    """Run ``hook`` in every retention run (once, however often it is registered)."""
    if hook not in RETENTION_HOOKS:
        RETENTION_HOOKS.append(hook)


@dataclass(frozen=True)
class RetentionReport:
    """What one run purged."""

    cutoff: datetime
    incidents: int
    locations: int
    tickets: int


def _purge(conn: Connection, ids: list[str], *, now: datetime) -> int:
    """Null the precise columns of ``ids`` and of their history; return history rows purged."""
    conn.execute(
        sa.update(incidents)
        .where(incidents.c.id.in_(ids))
        .values(
            **dict.fromkeys(PRECISE, None), address=None, lookup=None, cameras=None, purged_at=now
        )
    )
    purged: int = conn.execute(
        sa.update(incident_locations)
        .where(incident_locations.c.incident_id.in_(ids))
        .values(**dict.fromkeys(PRECISE, None))
    ).rowcount
    return purged


def run_retention(
    engine: Engine, *, days: int, actor: str, role: str = "system", now: datetime | None = None
) -> RetentionReport:
    """Purge incidents closed more than ``days`` days before ``now``; delete expired tickets."""
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    i = incidents.c
    due = sa.select(i.id).where(i.status == "closed", i.closed_at < cutoff, i.purged_at.is_(None))
    with writing(engine) as conn:
        ids = list(conn.execute(due).scalars())
        n_loc = _purge(conn, ids, now=now) if ids else 0
        n_tickets = sum(hook(conn, before=now) for hook in RETENTION_HOOKS)
        record(
            conn,
            actor=actor,
            role=role,
            action=Action.retention_purged,
            details={
                "days": days,
                "cutoff": cutoff,
                "incidents": len(ids),
                "locations": n_loc,
                "tickets": n_tickets,
            },
        )
    return RetentionReport(cutoff, len(ids), n_loc, n_tickets)
