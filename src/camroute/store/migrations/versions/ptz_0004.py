"""PTZ: a follow may carry its supervisor's written reason, for re-aims into supervisor zones.

A ``supervisor`` zone lets a supervisor point a camera into it with a written reason. A
follow re-aim had none, so every location update that led the view into such a zone was
refused, and the camera stopped following where it mattered. ``ptz_follow.reason`` keeps the
reason given when the follow was turned on (cleared when it is turned off); each re-aim is
judged with it, as a click with that reason would be, and audited with it.

Revision ID: ptz_0004
Revises: ptz_0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ptz_0004"
down_revision: str | Sequence[str] | None = "ptz_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ptz_follow", sa.Column("reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ptz_follow") as batch:
        batch.drop_column("reason")
