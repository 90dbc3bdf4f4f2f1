"""Live view: the holder's session epoch, and when a stream client last used the ticket.

Revision ID: live_0002
Revises: live_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "live_0002"
down_revision: str | Sequence[str] | None = "live_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("live_tickets", sa.Column("session_epoch", sa.Integer(), nullable=True))
    op.add_column("live_tickets", sa.Column("last_seen_at", TS, nullable=True))
    # Tickets issued before count as seen when issued: unused, they end after the grace.
    op.execute("UPDATE live_tickets SET last_seen_at = issued_at")


def downgrade() -> None:
    with op.batch_alter_table("live_tickets") as batch:  # SQLite rebuilds the table
        batch.drop_column("last_seen_at")
        batch.drop_column("session_epoch")
