"""Camera registry: cameras, their credentials apart, and the history of every change.

On PostgreSQL also a PostGIS ``geom geometry(Point, 4326)`` column with a GiST index, kept in
step with ``lon, lat`` by a trigger (an edit of ``geom`` in QGIS moves ``lon, lat``; an edit
of ``lon, lat`` moves ``geom``), and a version bump for edits that do not bump it themselves.

Revision ID: cameras_0001
Revises: base_0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "cameras_0001"
down_revision: str | Sequence[str] | None = "base_0001"
branch_labels: str | Sequence[str] | None = ("cameras",)
depends_on: str | Sequence[str] | None = None

_PG_SYNC = """
CREATE OR REPLACE FUNCTION cameras_sync() RETURNS trigger AS $$
BEGIN
    IF NEW.geom IS NOT NULL AND (NEW.lon IS NULL OR NEW.lat IS NULL OR (
           TG_OP = 'UPDATE' AND NEW.geom IS DISTINCT FROM OLD.geom
           AND NEW.lon = OLD.lon AND NEW.lat = OLD.lat)) THEN
        NEW.lon := ST_X(NEW.geom);
        NEW.lat := ST_Y(NEW.geom);
    END IF;
    NEW.geom := ST_SetSRID(ST_MakePoint(NEW.lon, NEW.lat), 4326);
    IF TG_OP = 'UPDATE' AND NEW.version = OLD.version THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""
# Bulk imports insert ``geom`` computed set-based, so the row trigger is skipped for them.
_PG_TRIGGERS = (
    "CREATE TRIGGER cameras_sync_insert BEFORE INSERT ON cameras FOR EACH ROW "
    "WHEN (NEW.geom IS NULL OR NEW.lon IS NULL OR NEW.lat IS NULL) "
    "EXECUTE FUNCTION cameras_sync()",
    "CREATE TRIGGER cameras_sync_update BEFORE UPDATE ON cameras FOR EACH ROW "
    "EXECUTE FUNCTION cameras_sync()",
)


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _camera_columns() -> list[Any]:
    f = sa.Float
    nullable_reals = [
        "mount_height_m",
        "heading_deg",
        "tilt_deg",
        "pan_min_deg",
        "pan_max_deg",
        "tilt_min_deg",
        "tilt_max_deg",
        "zoom_hfov_min_deg",
        "zoom_hfov_max_deg",
    ]
    return [
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text()),
        sa.Column("lon", f(), nullable=False),
        sa.Column("lat", f(), nullable=False),
        *[sa.Column(n, f()) for n in nullable_reals],
        sa.Column("hfov_deg", f(), nullable=False),
        sa.Column("range_m", f(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("last_seen", _ts()),
        sa.Column("snapshot_url", sa.Text()),
        sa.Column("mjpeg_url", sa.Text()),
        sa.Column("rtsp_url", sa.Text()),
        sa.Column("access_class", sa.String(16), nullable=False),
        sa.Column("owner", sa.Text()),
        *[sa.Column(f"{n}_source", sa.String(160)) for n in ("heading", "hfov", "range", "height")],
        sa.Column("fov_assumed", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.CheckConstraint("lon >= -180 AND lon <= 180 AND lat >= -90 AND lat <= 90", "lonlat"),
        sa.CheckConstraint("heading_deg IS NULL OR (heading_deg >= 0 AND heading_deg < 360)", "hd"),
        sa.CheckConstraint("hfov_deg > 0 AND hfov_deg <= 360", "hfov"),
        sa.CheckConstraint("range_m > 0 AND range_m <= 2000", "range"),
        sa.CheckConstraint("kind IN ('fixed', 'ptz', 'dome_360')", "kind"),
        sa.CheckConstraint("status IN ('online', 'offline', 'maintenance', 'unknown')", "status"),
        sa.CheckConstraint("access_class IN ('public_space', 'restricted')", "access"),
    ]


def upgrade() -> None:
    op.create_table("cameras", *_camera_columns())
    op.create_index("ix_cameras_lon_lat", "cameras", ["lon", "lat"])
    op.create_index("ix_cameras_status", "cameras", ["status"])
    op.create_table(
        "camera_credentials",
        sa.Column(
            "camera_id",
            sa.String(64),
            sa.ForeignKey("cameras.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("username", sa.Text()),
        sa.Column("password", sa.Text()),
        sa.Column("updated_at", _ts(), nullable=False),
    )
    op.create_table(
        "camera_history",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("camera_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("source", sa.String(200)),
        sa.Column("at", _ts(), nullable=False),
        sa.Column("before", sa.JSON()),
        sa.Column("after", sa.JSON()),
    )
    op.create_index("ix_camera_history_camera_id", "camera_history", ["camera_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE cameras ADD COLUMN geom geometry(Point, 4326)")
        op.execute("CREATE INDEX ix_cameras_geom ON cameras USING GIST (geom)")
        op.execute(_PG_SYNC)
        for trigger in _PG_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS cameras_sync_insert ON cameras")
        op.execute("DROP TRIGGER IF EXISTS cameras_sync_update ON cameras")
        op.execute("DROP FUNCTION IF EXISTS cameras_sync()")
    op.drop_table("camera_history")
    op.drop_table("camera_credentials")
    op.drop_table("cameras")
