"""Store tables of the areas package (SQLAlchemy Core, on the shared metadata).

Geometry is kept as WKB (``geom_wkb``) on every store; on PostgreSQL the migration adds a
generated PostGIS column ``geom`` (SRID 4326, GiST-indexed) so QGIS can open the layers.
"""

from __future__ import annotations

import sqlalchemy as sa

from camroute.store.metadata import metadata

area_features = sa.Table(
    "area_features",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False, index=True),
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
)

area_admin_links = sa.Table(
    "area_admin_links",
    metadata,
    sa.Column("new_code", sa.String(16), primary_key=True),
    sa.Column("old_code", sa.String(16), primary_key=True),
    sa.Column("old_name", sa.Text, nullable=False),
    sa.Column("link_type", sa.String(16), nullable=False),
)
