"""The ``basemap_features`` table: every drawn feature as WKB with its bounding box.

On PostgreSQL the migration adds a generated PostGIS ``geom`` column (SRID 4326, GiST) so QGIS
opens the basemap directly; SQLite keeps the WKB and the bbox columns only.
"""

from __future__ import annotations

import sqlalchemy as sa

from camroute.store.metadata import metadata

basemap_features = sa.Table(
    "basemap_features",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("layer", sa.String(16), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("name", sa.Text, nullable=True),
    sa.Column("source_id", sa.String(64), nullable=True),
    sa.Column("props", sa.Text, nullable=False, server_default="{}"),
    sa.Column("geom_wkb", sa.LargeBinary, nullable=False),
    sa.Column("min_lon", sa.Float, nullable=False),
    sa.Column("min_lat", sa.Float, nullable=False),
    sa.Column("max_lon", sa.Float, nullable=False),
    sa.Column("max_lat", sa.Float, nullable=False),
)
