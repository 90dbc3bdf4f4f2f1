"""PTZ: per-camera calibration (provenance ``measured``) and the control lock.

Revision ID: ptz_0001
Revises: base_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ptz_0001"
down_revision: str | Sequence[str] | None = "base_0001"
branch_labels: str | Sequence[str] | None = ("ptz",)
depends_on: str | Sequence[str] | None = "cameras_0003"

TS = sa.DateTime(timezone=True)


def _camera_id() -> sa.Column[str]:
    return sa.Column(
        "camera_id",
        sa.String(64),
        sa.ForeignKey("cameras.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "ptz_calibrations",
        _camera_id(),
        sa.Column("calibration", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("fit_error_deg", sa.Float()),
        sa.Column("fitted_at", TS, nullable=False),
        sa.Column("fitted_by", sa.String(128), nullable=False),
        sa.CheckConstraint("source IN ('measured')", name="ck_ptz_calibrations_source"),
    )
    op.create_table(
        "ptz_control",
        _camera_id(),
        sa.Column("holder", sa.String(128)),
        sa.Column("holder_role", sa.String(32)),
        sa.Column("incident_id", sa.String(36)),
        sa.Column("ticket_id", sa.String(36)),
        sa.Column("lock_until", TS),
        sa.Column("do_not_move", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("away_from_home", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("position", sa.JSON()),
        sa.Column("updated_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ptz_control")
    op.drop_table("ptz_calibrations")
