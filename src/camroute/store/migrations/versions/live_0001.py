"""Live view: tickets bound to user, incident, camera and purpose.

Revision ID: live_0001
Revises: base_0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "live_0001"
down_revision: str | Sequence[str] | None = "base_0001"
branch_labels: str | Sequence[str] | None = ("live",)
depends_on: str | Sequence[str] | None = "incidents_0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "live_tickets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "incident_id",
            sa.String(36),
            sa.ForeignKey(
                "incidents.id", ondelete="CASCADE", name="fk_live_tickets_incident_id_incidents"
            ),
            nullable=False,
        ),
        sa.Column("camera_id", sa.String(128), nullable=False),
        sa.Column("user_name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("issued_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("revoked_because", sa.String(64), nullable=True),
        sa.Column("renewals", sa.Integer(), nullable=False),
    )
    op.create_index("ix_live_tickets_incident_id", "live_tickets", ["incident_id"])
    op.create_index("ix_live_tickets_user_name", "live_tickets", ["user_name"])
    op.create_index("ix_live_tickets_expires_at", "live_tickets", ["expires_at"])


def downgrade() -> None:
    op.drop_table("live_tickets")
