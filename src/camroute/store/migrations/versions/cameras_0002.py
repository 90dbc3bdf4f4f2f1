"""PostgreSQL: a direct edit that moves a stream URL to another origin drops the credentials.

GIS staff edit the ``cameras`` table in QGIS, bypassing the API and the importer (which apply
``camroute.cameras.streams.moves_credentials``). Without this trigger, pointing a URL at a host
of one's own would make the relay send the camera's (even sealed-at-rest) password there. The
origin is scheme://host:port, lower case, the scheme's default port filled in; anything
spelled differently counts as another origin, so the trigger errs towards dropping.

Revision ID: cameras_0002
Revises: cameras_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "cameras_0002"
down_revision: str | Sequence[str] | None = "cameras_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ORIGIN = r"""
CREATE OR REPLACE FUNCTION camroute_stream_origin(url text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p IS NULL THEN NULL
        WHEN p[2] ~ ':[0-9]+$' THEN
            lower(p[1]) || '://' || lower(regexp_replace(p[2], '[:]0*([0-9]+)$', ':\1'))
        ELSE lower(p[1]) || '://' || lower(p[2]) || ':' || CASE lower(p[1])
            WHEN 'http' THEN '80' WHEN 'https' THEN '443'
            WHEN 'rtsp' THEN '554' WHEN 'rtsps' THEN '322' ELSE '' END
    END
    FROM (SELECT regexp_match(url, '^([^:/?#]+)://([^/?#]*)') AS p) AS parts
$$
"""

_DROP = """
CREATE OR REPLACE FUNCTION cameras_drop_moved_credentials() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1
        FROM unnest(ARRAY[
            camroute_stream_origin(NEW.snapshot_url),
            camroute_stream_origin(NEW.mjpeg_url),
            camroute_stream_origin(NEW.rtsp_url)]) AS new_origin(v)
        WHERE v IS NOT NULL AND v <> ALL (array_remove(ARRAY[
            camroute_stream_origin(OLD.snapshot_url),
            camroute_stream_origin(OLD.mjpeg_url),
            camroute_stream_origin(OLD.rtsp_url)], NULL))
    ) THEN
        DELETE FROM camera_credentials WHERE camera_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""

_TRIGGER = (
    "CREATE TRIGGER cameras_drop_moved_credentials "
    "AFTER UPDATE OF snapshot_url, mjpeg_url, rtsp_url ON cameras FOR EACH ROW "
    "EXECUTE FUNCTION cameras_drop_moved_credentials()"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_ORIGIN)
        op.execute(_DROP)
        op.execute(_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS cameras_drop_moved_credentials ON cameras")
        op.execute("DROP FUNCTION IF EXISTS cameras_drop_moved_credentials()")
        op.execute("DROP FUNCTION IF EXISTS camroute_stream_origin(text)")
