"""Stored viewsheds: what each camera sees, kept with the camera version and building set.

On PostgreSQL the migration adds ``geom geometry(Geometry, 4326)`` with a GiST index, filled
from ``wkb`` by a trigger, so QGIS shows what each camera really sees.
"""

from __future__ import annotations

import sqlalchemy as sa

from camroute.store.metadata import metadata

camera_viewsheds = sa.Table(
    "camera_viewsheds",
    metadata,
    sa.Column("camera_id", sa.String(64), primary_key=True),
    sa.Column("camera_version", sa.Integer(), nullable=False),
    sa.Column("buildings_key", sa.String(64), nullable=False),
    sa.Column("wkb", sa.LargeBinary(), nullable=False),
)
