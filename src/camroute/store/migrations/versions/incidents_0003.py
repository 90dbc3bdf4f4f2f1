"""PostgreSQL: a call's large JSON values are compressed with lz4 instead of pglz.

A new call stores its region and its ranked cameras (3 to 5 kB each, twice for the region:
the incident and its location history). PostgreSQL compresses values that large before it
stores them, with pglz by default: 2.4 % of the whole machine's CPU under the calls benchmark,
a tenth of PostgreSQL's own. lz4 took ~100 µs less per row of two such values, for a size
within 5 %. Rows written before keep pglz (both read back alike). Skipped where the server
was built without lz4; SQLite does not compress.

Revision ID: incidents_0003
Revises: incidents_0002
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "incidents_0003"
down_revision: str | Sequence[str] | None = "incidents_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {"incidents": ("location", "lookup", "cameras"), "incident_locations": ("location",)}


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    methods = bind.execute(
        sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    ).scalar()
    return methods is not None and "lz4" in methods


def _set(method: str) -> None:
    for table, columns in COLUMNS.items():
        for column in columns:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}")


def upgrade() -> None:
    if _lz4_available():
        _set("lz4")


def downgrade() -> None:
    if _lz4_available():
        _set("default")
