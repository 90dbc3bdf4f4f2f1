"""``camera_onvif``: each camera's ONVIF account (sealed) and its last probe's answer.

Every function takes the caller's connection, inside its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from camroute.cameras.onvif_model import OnvifDevice
from camroute.cameras.secrets import CredentialCipher, open_password
from camroute.cameras.tables import camera_credentials, camera_onvif, cameras


@dataclass(frozen=True)
class OnvifTarget:
    """What a probe needs to ask one camera: where, as whom, and the version it read."""

    camera_id: str
    onvif_url: str | None
    version: int
    username: str | None
    password: str | None
    stream_username: str | None
    channel: int | None = None  # the NVR channel the camera is


def _upsert(conn: Connection, camera_id: str, values: dict[str, object]) -> None:
    now = datetime.now(UTC)
    done = conn.execute(
        sa.update(camera_onvif)
        .where(camera_onvif.c.camera_id == camera_id)
        .values(**values, updated_at=now)
    )
    if done.rowcount == 0:
        conn.execute(sa.insert(camera_onvif).values(camera_id=camera_id, **values, updated_at=now))


def set_account(
    conn: Connection, camera_id: str, *, username: str | None, password: str | None
) -> None:
    """Replace the ONVIF account of ``camera_id`` (``password`` already sealed by the caller)."""
    _upsert(conn, camera_id, {"username": username, "password": password})


def clear_account(conn: Connection, camera_id: str) -> bool:
    """Forget the ONVIF account of ``camera_id``; whether there was one."""
    done = conn.execute(
        sa.update(camera_onvif)
        .where(
            camera_onvif.c.camera_id == camera_id,
            sa.or_(camera_onvif.c.username.is_not(None), camera_onvif.c.password.is_not(None)),
        )
        .values(username=None, password=None, updated_at=datetime.now(UTC))
    )
    return bool(done.rowcount)


def save_device(conn: Connection, camera_id: str, device: OnvifDevice, *, at: datetime) -> None:
    """Keep what the device said at ``at`` (the last probe wins)."""
    _upsert(conn, camera_id, {"device": device.model_dump(mode="json"), "probed_at": at})


def get_device(conn: Connection, camera_id: str) -> OnvifDevice | None:
    """The last probe's answer for ``camera_id``, typed, or None."""
    query = sa.select(camera_onvif.c.device).where(camera_onvif.c.camera_id == camera_id)
    raw = conn.execute(query).scalar_one_or_none()
    return None if raw is None else OnvifDevice.model_validate(raw)


def targets(
    conn: Connection, ids: list[str] | None, *, cipher: CredentialCipher | None
) -> list[OnvifTarget]:
    """The cameras to probe: ``ids`` in that order, or every camera with an ONVIF URL.

    Without an ONVIF account of its own, a camera is asked with its stream credentials:
    Hikvision, Dahua and KBVision serve both with one account. Passwords come back opened.
    """
    query = (
        sa.select(
            cameras.c.id,
            cameras.c.onvif_url,
            cameras.c.version,
            cameras.c.nvr_channel,
            camera_onvif.c.username,
            camera_onvif.c.password,
            camera_credentials.c.username.label("stream_username"),
            camera_credentials.c.password.label("stream_password"),
        )
        .select_from(
            cameras.outerjoin(camera_onvif, camera_onvif.c.camera_id == cameras.c.id).outerjoin(
                camera_credentials, camera_credentials.c.camera_id == cameras.c.id
            )
        )
        .order_by(cameras.c.id)
    )
    if ids is None:
        query = query.where(cameras.c.onvif_url.is_not(None))
    else:
        query = query.where(cameras.c.id.in_(ids))
    found = {}
    for row in conn.execute(query).mappings():
        own = row["username"] is not None or row["password"] is not None
        found[row["id"]] = OnvifTarget(
            camera_id=row["id"],
            onvif_url=row["onvif_url"],
            version=row["version"],
            username=row["username"] if own else row["stream_username"],
            password=open_password(row["password"] if own else row["stream_password"], cipher),
            stream_username=row["stream_username"],
            channel=row["nvr_channel"],
        )
    return list(found.values()) if ids is None else [found[i] for i in ids if i in found]


def sealed_account(conn: Connection, camera_id: str) -> tuple[str | None, str | None]:
    """The stored (still sealed) ONVIF username and password of ``camera_id``."""
    query = sa.select(camera_onvif.c.username, camera_onvif.c.password).where(
        camera_onvif.c.camera_id == camera_id
    )
    row = conn.execute(query).first()
    return (None, None) if row is None else (row.username, row.password)
