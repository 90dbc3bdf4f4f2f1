"""Incidents: the location fingerprint becomes nullable, and the old unkeyed ones go.

Retention now nulls the fingerprint with the coordinates, and fingerprints are now HMACs with a
key kept in the store. The plain SHA-256 fingerprints written before could be recomputed from a
guessed location (also after a purge), so the column is replaced, not altered: dropping and
adding a column is a native ALTER on SQLite, where altering nullability would rebuild
``incidents`` and the rebuild's DROP TABLE would cascade into the rows that reference it. A
repeat of a call received before this revision counts as a location update.

Revision ID: incidents_0002
Revises: incidents_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "incidents_0002"
down_revision: str | Sequence[str] | None = "incidents_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("incidents", "incident_locations")


def upgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "fingerprint")
        op.add_column(table, sa.Column("fingerprint", sa.String(64), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "fingerprint")
        op.add_column(
            table,
            sa.Column("fingerprint", sa.String(64), nullable=False, server_default=""),
        )
