"""Basemap: roads, railways, waterways, water, parks, buildings and POIs of the city extract.

Revision ID: basemap_0001
Revises: base_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "basemap_0001"
down_revision: str | Sequence[str] | None = "base_0001"
branch_labels: str | Sequence[str] | None = ("basemap",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "basemap_features",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("layer", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.Text, nullable=True),
        sa.Column("source_id", sa.String(64), nullable=True),
        sa.Column("props", sa.Text, nullable=False, server_default="{}"),
        sa.Column("geom_wkb", sa.LargeBinary, nullable=False),
        sa.Column("min_lon", sa.Float, nullable=False),
        sa.Column("min_lat", sa.Float, nullable=False),
        sa.Column("max_lon", sa.Float, nullable=False),
        sa.Column("max_lat", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_basemap_features"),
    )
    op.create_index("ix_basemap_features_layer", "basemap_features", ["layer"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE basemap_features ADD COLUMN geom geometry(Geometry, 4326) "
            "GENERATED ALWAYS AS (ST_SetSRID(ST_GeomFromWKB(geom_wkb), 4326)) STORED"
        )
        op.execute("CREATE INDEX ix_basemap_features_geom ON basemap_features USING gist (geom)")


def downgrade() -> None:
    op.drop_index("ix_basemap_features_layer", table_name="basemap_features")
    op.drop_table("basemap_features")
