"""Protected-zone tables (SQLAlchemy Core) on the shared metadata.

Geometry is WKB (``geom_wkb``) on every store, with its WGS84 bounding box in plain columns
for the ticket check's pre-filter; on PostgreSQL the migration adds a generated PostGIS
``geom`` column (SRID 4326, GiST-indexed) so QGIS can show and check the zones.
"""

from __future__ import annotations

import sqlalchemy as sa

from camroute.store.metadata import metadata
from camroute.store.types import UtcDateTime

protected_zones = sa.Table(
    "protected_zones",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("policy", sa.String(16), nullable=False),
    sa.Column("source", sa.Text()),
    sa.Column("source_id", sa.String(64)),
    sa.Column("geom_wkb", sa.LargeBinary(), nullable=False),
    sa.Column("min_lon", sa.Float(), nullable=False),
    sa.Column("min_lat", sa.Float(), nullable=False),
    sa.Column("max_lon", sa.Float(), nullable=False),
    sa.Column("max_lat", sa.Float(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# Who changed which zone, when, from what to what (kept after a zone is deleted).
protected_zone_history = sa.Table(
    "protected_zone_history",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("zone_id", sa.String(64), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("before", sa.JSON()),
    sa.Column("after", sa.JSON()),
    sa.Index("ix_protected_zone_history_zone_id", "zone_id"),
)
