"""Building footprints: WKB with a bounding box; on PostgreSQL a PostGIS MultiPolygon + GiST.

Revision ID: buildings_0001
Revises: base_0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "buildings_0001"
down_revision: str | Sequence[str] | None = "base_0001"
branch_labels: str | Sequence[str] | None = ("buildings",)
depends_on: str | Sequence[str] | None = None

_PG_SYNC = """
CREATE OR REPLACE FUNCTION buildings_sync() RETURNS trigger AS $$
BEGIN
    NEW.geom := ST_Multi(ST_SetSRID(ST_GeomFromWKB(NEW.wkb), 4326));
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "buildings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.String(64)),
        sa.Column("height_m", sa.Float()),
        sa.Column("height_source", sa.String(32)),
        sa.Column("wkb", sa.LargeBinary(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.CheckConstraint("height_m IS NULL OR height_m > 0", "height"),
    )
    op.create_index("ix_buildings_bbox", "buildings", ["min_lon", "min_lat"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE buildings ADD COLUMN geom geometry(MultiPolygon, 4326)")
        op.execute("CREATE INDEX ix_buildings_geom ON buildings USING GIST (geom)")
        op.execute(_PG_SYNC)
        op.execute(
            "CREATE TRIGGER buildings_sync BEFORE INSERT OR UPDATE ON buildings "
            "FOR EACH ROW EXECUTE FUNCTION buildings_sync()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS buildings_sync ON buildings")
        op.execute("DROP FUNCTION IF EXISTS buildings_sync()")
    op.drop_table("buildings")
