"""The ``buildings`` table: footprints as WKB (both stores) plus PostGIS geometry on PostgreSQL.

On PostgreSQL the migration adds ``geom geometry(MultiPolygon, 4326)`` with a GiST index, filled
from ``wkb`` by a trigger, so QGIS can open the table; it is not declared here because SQLite
has no such type.
"""

from __future__ import annotations

import sqlalchemy as sa

from camroute.store.metadata import metadata

buildings = sa.Table(
    "buildings",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("source_id", sa.String(64)),
    sa.Column("height_m", sa.Float()),
    sa.Column("height_source", sa.String(32)),
    sa.Column("wkb", sa.LargeBinary(), nullable=False),
    sa.Column("min_lon", sa.Float(), nullable=False),
    sa.Column("min_lat", sa.Float(), nullable=False),
    sa.Column("max_lon", sa.Float(), nullable=False),
    sa.Column("max_lat", sa.Float(), nullable=False),
)
