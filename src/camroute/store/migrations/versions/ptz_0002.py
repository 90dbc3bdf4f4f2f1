"""PTZ: the camera's last aim result (the tile's residual), and aim-follow per live ticket.

Revision ID: ptz_0002
Revises: ptz_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ptz_0002"
down_revision: str | Sequence[str] | None = "ptz_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "live_0002"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("ptz_control", sa.Column("last_aim", sa.JSON(), nullable=True))
    op.create_table(
        "ptz_follow",
        sa.Column(
            "ticket_id",
            sa.String(36),
            sa.ForeignKey("live_tickets.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("incident_id", sa.String(36), nullable=False),
        sa.Column("camera_id", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("followed_key", sa.String(64)),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_ptz_follow_incident_id", "ptz_follow", ["incident_id"])


def downgrade() -> None:
    op.drop_table("ptz_follow")
    op.drop_column("ptz_control", "last_aim")
