"""Camera registry persistence: read, page, load for routing, and versioned single writes.

Every write takes the caller's connection (inside its transaction) and appends a
``camera_history`` row (who, action, before, after, when).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from camroute.cameras.model import CAMERA_FIELDS, StreamSource
from camroute.cameras.secrets import PREFIX, CredentialCipher, open_password
from camroute.cameras.tables import camera_credentials, camera_history, cameras
from camroute.errors import ConflictError, NotFoundError, PreconditionFailedError

BBox = tuple[float, float, float, float]
ALL_COLUMNS = tuple(c.name for c in cameras.columns)


class CameraNotFoundError(NotFoundError):
    """No camera has this id."""

    code = "camera_not_found"


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}


def _filters(*, bbox: BBox | None, status: str | None) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        where += [cameras.c.lat >= min_lat, cameras.c.lat <= max_lat]
        if min_lon <= max_lon:
            where += [cameras.c.lon >= min_lon, cameras.c.lon <= max_lon]
        else:  # crosses the antimeridian
            where.append(sa.or_(cameras.c.lon >= min_lon, cameras.c.lon <= max_lon))
    if status is not None:
        where.append(cameras.c.status == status)
    return where


def get_camera(conn: Connection, camera_id: str) -> dict[str, Any] | None:
    """The stored camera as a dict of columns, or ``None``."""
    row = conn.execute(sa.select(cameras).where(cameras.c.id == camera_id)).mappings().first()
    return dict(row) if row else None


def require_camera(conn: Connection, camera_id: str) -> dict[str, Any]:
    """The stored camera; :class:`CameraNotFoundError` when there is none."""
    row = get_camera(conn, camera_id)
    if row is None:
        raise CameraNotFoundError(f"no camera with id {camera_id!r}", field="id")
    return row


def list_cameras(
    conn: Connection,
    *,
    bbox: BBox | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """One page of cameras (ordered by id) and the number that match."""
    where = _filters(bbox=bbox, status=status)
    total = conn.execute(sa.select(sa.func.count()).select_from(cameras).where(*where)).scalar_one()
    query = sa.select(cameras).where(*where).order_by(cameras.c.id).limit(limit).offset(offset)
    return [dict(r) for r in conn.execute(query).mappings()], int(total)


def load_cameras(engine: Engine) -> gpd.GeoDataFrame:
    """Every camera as a WGS84 GeoDataFrame (columns as in the registry table, plus geometry)."""
    with engine.connect() as conn:
        result = conn.execute(sa.select(cameras).order_by(cameras.c.id))
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    if frame.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in ALL_COLUMNS})
    for name in ("last_seen", "updated_at"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    frame["fov_assumed"] = frame["fov_assumed"].astype(bool)
    for column in cameras.columns:
        if isinstance(column.type, sa.Float):
            frame[column.name] = frame[column.name].astype(float)
    geometry = gpd.points_from_xy(frame["lon"].astype(float), frame["lat"].astype(float))
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def get_stream_source(
    engine: Engine, camera_id: str, *, cipher: CredentialCipher | None = None
) -> StreamSource:
    """Stream URLs and credentials of one camera, for the server-side relay only.

    The password comes back opened with ``cipher`` (see :mod:`camroute.cameras.secrets`).
    """
    query = (
        sa.select(
            cameras.c.id,
            cameras.c.snapshot_url,
            cameras.c.mjpeg_url,
            cameras.c.rtsp_url,
            cameras.c.rtsp_sub_url,
            camera_credentials.c.username,
            camera_credentials.c.password,
        )
        .select_from(cameras.outerjoin(camera_credentials))
        .where(cameras.c.id == camera_id)
    )
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        raise CameraNotFoundError(f"no camera with id {camera_id!r}", field="id")
    return StreamSource(
        camera_id=row["id"],
        snapshot_url=row["snapshot_url"],
        mjpeg_url=row["mjpeg_url"],
        rtsp_url=row["rtsp_url"],
        rtsp_sub_url=row["rtsp_sub_url"],
        username=row["username"],
        password=open_password(row["password"], cipher),
    )


def _record(
    conn: Connection,
    *,
    camera_id: str,
    action: str,
    actor: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime,
) -> None:
    conn.execute(
        sa.insert(camera_history).values(
            camera_id=camera_id,
            action=action,
            actor=actor,
            source="api",
            at=now,
            before=_jsonable(before) if before else None,
            after=_jsonable(after) if after else None,
        )
    )


def insert_camera(conn: Connection, values: dict[str, Any], *, actor: str) -> dict[str, Any]:
    """Store a new camera at version 1; :class:`ConflictError` when the id is taken."""
    if get_camera(conn, values["id"]) is not None:
        raise ConflictError(f"a camera with id {values['id']!r} already exists", field="id")
    now = datetime.now(UTC)
    row = {"id": values["id"], **{k: values.get(k) for k in CAMERA_FIELDS}}
    row.update(version=1, updated_at=now)
    conn.execute(sa.insert(cameras).values(row))
    _record(
        conn, camera_id=row["id"], action="create", actor=actor, before=None, after=row, now=now
    )
    return require_camera(conn, row["id"])


def _check_version(current: dict[str, Any], if_match: int) -> None:
    if current["version"] != if_match:
        raise PreconditionFailedError(
            f"camera {current['id']!r} is at version {current['version']}, not {if_match}: "
            "reload it and apply the change again",
            field="If-Match",
        )


def update_camera(
    conn: Connection, camera_id: str, changes: dict[str, Any], *, if_match: int, actor: str
) -> dict[str, Any]:
    """Apply ``changes`` when the stored version is ``if_match``; the version goes up by one."""
    current = require_camera(conn, camera_id)
    _check_version(current, if_match)
    now = datetime.now(UTC)
    values = {k: v for k, v in changes.items() if k in CAMERA_FIELDS}
    values.update(version=if_match + 1, updated_at=now)
    done = conn.execute(
        sa.update(cameras)
        .where(cameras.c.id == camera_id, cameras.c.version == if_match)
        .values(values)
    )
    if done.rowcount != 1:  # another writer got in between the read and the update
        _check_version(require_camera(conn, camera_id), if_match)
    after = require_camera(conn, camera_id)
    _record(
        conn,
        camera_id=camera_id,
        action="update",
        actor=actor,
        before=current,
        after=after,
        now=now,
    )
    return after


def delete_camera(conn: Connection, camera_id: str, *, if_match: int, actor: str) -> None:
    """Delete a camera (and its credentials) when the stored version is ``if_match``."""
    current = require_camera(conn, camera_id)
    _check_version(current, if_match)
    done = conn.execute(
        sa.delete(cameras).where(cameras.c.id == camera_id, cameras.c.version == if_match)
    )
    if done.rowcount != 1:
        _check_version(require_camera(conn, camera_id), if_match)
    now = datetime.now(UTC)
    _record(
        conn, camera_id=camera_id, action="delete", actor=actor, before=current, after=None, now=now
    )


def seal_credentials(engine: Engine, cipher: CredentialCipher) -> int:
    """Seal the passwords still stored in plain text; the number sealed (one transaction)."""
    query = sa.select(camera_credentials.c.camera_id, camera_credentials.c.password).where(
        camera_credentials.c.password.is_not(None)
    )
    with engine.begin() as conn:
        plain = [r for r in conn.execute(query) if not r.password.startswith(PREFIX)]
        for row in plain:
            conn.execute(
                sa.update(camera_credentials)
                .where(camera_credentials.c.camera_id == row.camera_id)
                .values(password=cipher.seal(row.password))
            )
    return len(plain)


def set_credentials(
    conn: Connection, camera_id: str, *, username: str | None, password: str | None
) -> None:
    """Replace a camera's stream credentials (stored apart; never returned by the API)."""
    conn.execute(sa.delete(camera_credentials).where(camera_credentials.c.camera_id == camera_id))
    if username is not None or password is not None:
        conn.execute(
            sa.insert(camera_credentials).values(
                camera_id=camera_id,
                username=username,
                password=password,
                updated_at=datetime.now(UTC),
            )
        )


def has_credentials(conn: Connection, camera_id: str) -> bool:
    """Whether stream credentials are stored for ``camera_id``."""
    query = sa.select(camera_credentials.c.camera_id).where(
        camera_credentials.c.camera_id == camera_id
    )
    return conn.execute(query).first() is not None


def clear_credentials(conn: Connection, camera_id: str) -> bool:
    """Delete a camera's stream credentials; whether there were any."""
    done = conn.execute(
        sa.delete(camera_credentials).where(camera_credentials.c.camera_id == camera_id)
    )
    return bool(done.rowcount)


def history(conn: Connection, camera_id: str) -> list[dict[str, Any]]:
    """The recorded changes of one camera, oldest first."""
    query = (
        sa.select(camera_history)
        .where(camera_history.c.camera_id == camera_id)
        .order_by(camera_history.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]
