"""Areas: admin units, service areas, stations, streets, POIs; old/new ward links.

Revision ID: areas_0001
Revises: base_0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "areas_0001"
down_revision: str | Sequence[str] | None = "base_0001"
branch_labels: str | Sequence[str] | None = ("areas",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area_features",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("level", sa.String(32), nullable=True),
        sa.Column("service", sa.String(8), nullable=True),
        sa.Column("phone", sa.String(64), nullable=True),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("props", sa.Text, nullable=False, server_default="{}"),
        sa.Column("geom_wkb", sa.LargeBinary, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_area_features"),
    )
    op.create_index("ix_area_features_kind", "area_features", ["kind"])
    op.create_table(
        "area_admin_links",
        sa.Column("new_code", sa.String(16), nullable=False),
        sa.Column("old_code", sa.String(16), nullable=False),
        sa.Column("old_name", sa.Text, nullable=False),
        sa.Column("link_type", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("new_code", "old_code", name="pk_area_admin_links"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE area_features ADD COLUMN geom geometry(Geometry, 4326) "
            "GENERATED ALWAYS AS (ST_SetSRID(ST_GeomFromWKB(geom_wkb), 4326)) STORED"
        )
        op.execute("CREATE INDEX ix_area_features_geom ON area_features USING gist (geom)")


def downgrade() -> None:
    op.drop_table("area_admin_links")
    op.drop_index("ix_area_features_kind", table_name="area_features")
    op.drop_table("area_features")
