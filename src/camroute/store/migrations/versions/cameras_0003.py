"""ONVIF: each camera's device address, sub-stream, provenance of streams and PTZ, probe record.

``cameras`` gains ``onvif_url``, ``rtsp_sub_url`` and the provenance of its stream URLs and
PTZ fields (``onvif`` when the probe filled them). ``camera_onvif`` keeps the ONVIF account
(password sealed like the stream passwords) and the last probe's typed answer.

On PostgreSQL the credential rule of ``cameras_0002`` learns the sub-stream URL, and the same
rule guards the ONVIF account: an edit (in QGIS too) that moves ``onvif_url`` to another
origin forgets the ONVIF username and password, which would otherwise be sent there.

Revision ID: cameras_0003
Revises: cameras_0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cameras_0003"
down_revision: str | Sequence[str] | None = "cameras_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
_URLS = ("snapshot_url", "mjpeg_url", "rtsp_url", "rtsp_sub_url")


def _drop_streams(urls: Sequence[str]) -> str:
    new = ",\n            ".join(f"camroute_stream_origin(NEW.{u})" for u in urls)
    old = ",\n            ".join(f"camroute_stream_origin(OLD.{u})" for u in urls)
    return f"""
CREATE OR REPLACE FUNCTION cameras_drop_moved_credentials() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1
        FROM unnest(ARRAY[
            {new}]) AS new_origin(v)
        WHERE v IS NOT NULL AND v <> ALL (array_remove(ARRAY[
            {old}], NULL))
    ) THEN
        DELETE FROM camera_credentials WHERE camera_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def _stream_trigger(urls: Sequence[str]) -> str:
    return (
        "CREATE TRIGGER cameras_drop_moved_credentials "
        f"AFTER UPDATE OF {', '.join(urls)} ON cameras FOR EACH ROW "
        "EXECUTE FUNCTION cameras_drop_moved_credentials()"
    )


_DROP_ONVIF = """
CREATE OR REPLACE FUNCTION cameras_drop_moved_onvif_account() RETURNS trigger AS $$
BEGIN
    IF camroute_stream_origin(NEW.onvif_url) IS DISTINCT FROM camroute_stream_origin(OLD.onvif_url)
       AND NEW.onvif_url IS NOT NULL THEN
        UPDATE camera_onvif SET username = NULL, password = NULL WHERE camera_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
_ONVIF_TRIGGER = (
    "CREATE TRIGGER cameras_drop_moved_onvif_account "
    "AFTER UPDATE OF onvif_url ON cameras FOR EACH ROW "
    "EXECUTE FUNCTION cameras_drop_moved_onvif_account()"
)


def _triggers(urls: Sequence[str]) -> None:
    op.execute("DROP TRIGGER IF EXISTS cameras_drop_moved_credentials ON cameras")
    op.execute(_drop_streams(urls))
    op.execute(_stream_trigger(urls))


def upgrade() -> None:
    with op.batch_alter_table("cameras") as batch:
        batch.add_column(sa.Column("onvif_url", sa.Text()))
        batch.add_column(sa.Column("rtsp_sub_url", sa.Text()))
        batch.add_column(sa.Column("streams_source", sa.String(160)))
        batch.add_column(sa.Column("ptz_source", sa.String(160)))
    op.create_table(
        "camera_onvif",
        sa.Column(
            "camera_id",
            sa.String(64),
            sa.ForeignKey("cameras.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("username", sa.Text()),
        sa.Column("password", sa.Text()),
        sa.Column("device", sa.JSON()),
        sa.Column("probed_at", TS),
        sa.Column("updated_at", TS, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        _triggers(_URLS)
        op.execute(_DROP_ONVIF)
        op.execute(_ONVIF_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS cameras_drop_moved_onvif_account ON cameras")
        op.execute("DROP FUNCTION IF EXISTS cameras_drop_moved_onvif_account()")
        _triggers(_URLS[:3])
    op.drop_table("camera_onvif")
    with op.batch_alter_table("cameras") as batch:
        for name in ("ptz_source", "streams_source", "rtsp_sub_url", "onvif_url"):
            batch.drop_column(name)
