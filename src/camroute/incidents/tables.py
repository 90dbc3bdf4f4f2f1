"""Incident tables: one row per call (the incident) and its location history.

Precise location columns (``lon``, ``lat``, ``uncertainty_m``, ``location``, ``address``,
``lookup``, ``cameras``, ``fingerprint``) are nulled by retention; ``ward_code``, ``ward_name``,
``hotline`` and the times stay for reports.
"""

from __future__ import annotations

import sqlalchemy as sa

from camroute.store.metadata import metadata
from camroute.store.types import UtcDateTime

incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("call_id", sa.String(128), nullable=False, unique=True),
    sa.Column("hotline", sa.String(3), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("closed_at", UtcDateTime(), nullable=True),
    sa.Column("lon", sa.Float(), nullable=True),
    sa.Column("lat", sa.Float(), nullable=True),
    sa.Column("uncertainty_m", sa.Float(), nullable=True),
    sa.Column("location", sa.JSON(), nullable=True),
    sa.Column("address", sa.Text(), nullable=True),
    sa.Column("lookup", sa.JSON(), nullable=True),
    sa.Column("cameras", sa.JSON(), nullable=True),
    sa.Column("ward_code", sa.String(32), nullable=True),
    sa.Column("ward_name", sa.String(256), nullable=True),
    sa.Column("location_count", sa.Integer(), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=True),
    sa.Column("purged_at", UtcDateTime(), nullable=True),
    sa.Index("ix_incidents_status", "status"),
    sa.Index("ix_incidents_created_at", "created_at"),
    sa.Index("ix_incidents_closed_at", "closed_at"),
)

incident_locations = sa.Table(
    "incident_locations",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column(
        "incident_id",
        sa.String(36),
        sa.ForeignKey("incidents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=True),
    sa.Column("lon", sa.Float(), nullable=True),
    sa.Column("lat", sa.Float(), nullable=True),
    sa.Column("uncertainty_m", sa.Float(), nullable=True),
    sa.Column("location", sa.JSON(), nullable=True),
    sa.Index("ix_incident_locations_incident_id", "incident_id"),
)
