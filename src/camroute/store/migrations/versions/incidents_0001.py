"""Incidents: calls become incidents, with their location history.

Revision ID: incidents_0001
Revises: base_0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "incidents_0001"
down_revision: str | Sequence[str] | None = "base_0001"
branch_labels: str | Sequence[str] | None = ("incidents",)
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("call_id", sa.String(128), nullable=False),
        sa.Column("hotline", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
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
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("purged_at", TS, nullable=True),
        sa.UniqueConstraint("call_id", name="uq_incidents_call_id"),
    )
    op.create_index("ix_incidents_status", "incidents", ["status"])
    op.create_index("ix_incidents_created_at", "incidents", ["created_at"])
    op.create_index("ix_incidents_closed_at", "incidents", ["closed_at"])
    op.create_table(
        "incident_locations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "incident_id",
            sa.String(36),
            sa.ForeignKey(
                "incidents.id",
                ondelete="CASCADE",
                name="fk_incident_locations_incident_id_incidents",
            ),
            nullable=False,
        ),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("uncertainty_m", sa.Float(), nullable=True),
        sa.Column("location", sa.JSON(), nullable=True),
    )
    op.create_index("ix_incident_locations_incident_id", "incident_locations", ["incident_id"])


def downgrade() -> None:
    op.drop_table("incident_locations")
    op.drop_table("incidents")
