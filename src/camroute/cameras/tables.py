"""Camera registry tables (SQLAlchemy Core) on the shared ``camroute.store.metadata``.

On PostgreSQL the migration adds a PostGIS ``geom geometry(Point, 4326)`` column with a GiST
index, kept in step with ``lon, lat`` by a trigger, so QGIS can open and edit the table; it is
not declared here because SQLite has no such type.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from camroute.store.metadata import metadata
from camroute.store.types import UtcDateTime


def camera_columns() -> list[sa.Column[Any]]:
    """The camera columns without ``version`` / ``updated_at`` (shared with import staging)."""
    real, text = sa.Float(), sa.Text()
    return [
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", text),
        sa.Column("lon", real, nullable=False),
        sa.Column("lat", real, nullable=False),
        sa.Column("mount_height_m", real),
        sa.Column("heading_deg", real),
        sa.Column("hfov_deg", real, nullable=False),
        sa.Column("tilt_deg", real),
        sa.Column("range_m", real, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("pan_min_deg", real),
        sa.Column("pan_max_deg", real),
        sa.Column("tilt_min_deg", real),
        sa.Column("tilt_max_deg", real),
        sa.Column("zoom_hfov_min_deg", real),
        sa.Column("zoom_hfov_max_deg", real),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("last_seen", UtcDateTime()),
        sa.Column("snapshot_url", text),
        sa.Column("mjpeg_url", text),
        sa.Column("rtsp_url", text),
        sa.Column("access_class", sa.String(16), nullable=False),
        sa.Column("owner", text),
        sa.Column("heading_source", sa.String(160)),
        sa.Column("hfov_source", sa.String(160)),
        sa.Column("range_source", sa.String(160)),
        sa.Column("height_source", sa.String(160)),
        sa.Column("fov_assumed", sa.Boolean(), nullable=False),
        sa.Column("onvif_url", text),
        sa.Column("rtsp_sub_url", text),
        sa.Column("streams_source", sa.String(160)),
        sa.Column("ptz_source", sa.String(160)),
        sa.Column("nvr_channel", sa.Integer()),
    ]


cameras = sa.Table(
    "cameras",
    metadata,
    *camera_columns(),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_cameras_lon_lat", "lon", "lat"),
    sa.Index("ix_cameras_status", "status"),
)

camera_credentials = sa.Table(
    "camera_credentials",
    metadata,
    sa.Column(
        "camera_id",
        sa.String(64),
        sa.ForeignKey("cameras.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("username", sa.Text()),
    sa.Column("password", sa.Text()),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# What a camera said over ONVIF (the last probe), and the account camroute asks it with. The
# password is sealed like the stream passwords (``camroute.cameras.secrets``). Apart from
# ``camera_credentials``: a stream URL moving host drops those, not the ONVIF account.
camera_onvif = sa.Table(
    "camera_onvif",
    metadata,
    sa.Column(
        "camera_id",
        sa.String(64),
        sa.ForeignKey("cameras.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("username", sa.Text()),
    sa.Column("password", sa.Text()),
    sa.Column("device", sa.JSON()),
    sa.Column("probed_at", UtcDateTime()),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# Who changed which camera, when, from what to what (kept after a camera is deleted).
camera_history = sa.Table(
    "camera_history",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("camera_id", sa.String(64), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("source", sa.String(200)),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("before", sa.JSON()),
    sa.Column("after", sa.JSON()),
    sa.Index("ix_camera_history_camera_id", "camera_id"),
)

STAGE_EXTRA = ("username", "password")


def staging_table(name: str = "camera_import_stage") -> sa.Table:
    """A temporary table shaped like ``cameras`` (plus credentials) for one bulk import."""
    return sa.Table(
        name,
        sa.MetaData(),
        *camera_columns(),
        sa.Column("username", sa.Text()),
        sa.Column("password", sa.Text()),
        sa.Column("op", sa.String(8), nullable=False, server_default="same"),
        prefixes=["TEMPORARY"],
    )
