"""Base revision: the meta table every branch starts from.

Revision ID: base_0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "base_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("base",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "camroute_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def downgrade() -> None:
    op.drop_table("camroute_meta")
