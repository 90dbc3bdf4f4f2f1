"""Audit tables: the event log and its one-row head (last id and hash).

``audit_head`` serialises writers (every append first updates its row, which takes the row lock
on PostgreSQL and the write lock on SQLite) and anchors the end of the chain, so deleting the
newest events is detected too.
"""

from __future__ import annotations

import sqlalchemy as sa

from camroute.store.metadata import metadata
from camroute.store.types import UtcDateTime

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("time", UtcDateTime(), nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(256), nullable=True),
    sa.Column("incident_id", sa.String(64), nullable=True),
    sa.Column("purpose", sa.Text(), nullable=True),
    sa.Column("details", sa.JSON(), nullable=True),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index("ix_audit_events_time", "time"),
    sa.Index("ix_audit_events_actor", "actor"),
    sa.Index("ix_audit_events_subject", "subject"),
    sa.Index("ix_audit_events_incident_id", "incident_id"),
)

audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("k", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("last_id", sa.BigInteger(), nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
)
