"""Stored camera viewsheds (sector minus building shadows), WGS84 WKB; PostGIS geometry + GiST.

Revision ID: routing_0001
Revises: base_0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "routing_0001"
down_revision: str | Sequence[str] | None = "base_0001"
branch_labels: str | Sequence[str] | None = ("routing",)
depends_on: str | Sequence[str] | None = None

_PG_SYNC = """
CREATE OR REPLACE FUNCTION camera_viewsheds_sync() RETURNS trigger AS $$
BEGIN
    NEW.geom := ST_SetSRID(ST_GeomFromWKB(NEW.wkb), 4326);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "camera_viewsheds",
        sa.Column("camera_id", sa.String(64), primary_key=True),
        sa.Column("camera_version", sa.Integer(), nullable=False),
        sa.Column("buildings_key", sa.String(64), nullable=False),
        sa.Column("wkb", sa.LargeBinary(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE camera_viewsheds ADD COLUMN geom geometry(Geometry, 4326)")
        op.execute("CREATE INDEX ix_camera_viewsheds_geom ON camera_viewsheds USING GIST (geom)")
        op.execute(_PG_SYNC)
        op.execute(
            "CREATE TRIGGER camera_viewsheds_sync BEFORE INSERT OR UPDATE ON camera_viewsheds "
            "FOR EACH ROW EXECUTE FUNCTION camera_viewsheds_sync()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS camera_viewsheds_sync ON camera_viewsheds")
        op.execute("DROP FUNCTION IF EXISTS camera_viewsheds_sync()")
    op.drop_table("camera_viewsheds")
