"""``cameras.nvr_channel``: which of an NVR's video channels a camera is (1, 2, ...).

A ward's cameras are often channels of one Hikvision/Dahua NVR: one ONVIF address answers for
all of them, and the probe takes the media profiles of this channel only. Null: a camera that
is its own ONVIF device (or the first channel of one).

Revision ID: cameras_0004
Revises: cameras_0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cameras_0004"
down_revision: str | Sequence[str] | None = "cameras_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cameras") as batch:
        batch.add_column(sa.Column("nvr_channel", sa.Integer()))


def downgrade() -> None:
    with op.batch_alter_table("cameras") as batch:
        batch.drop_column("nvr_channel")
