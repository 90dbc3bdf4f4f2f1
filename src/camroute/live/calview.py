"""The calibration snapshot: a GIS administrator sees a camera's picture while aiming it.

Setting a heading (#14) or calibrating a PTZ head against landmarks (#13) needs the camera's
current picture, but a live view needs a ticket bound to an open incident, which GIS staff
never hold. This is the narrow exception: one JPEG, fetched like the relay's
(:func:`camroute.live.relay.fetch_snapshot`: camera networks only, bounded in bytes and time,
Digest/Basic answered server side), passed through unchanged and never stored.

It must not become a back door: a ``restricted`` camera, and a camera whose view reaches any
protected zone (whatever the zone's policy), is refused with the reason, and every refusal is
audited (``calibration_refused``). A picture shown is audited as ``calibration_snapshot`` on
the first fetch of a user for a camera in ``AUDIT_EVERY_S``, so a page refreshing every few
seconds writes one event per ten minutes, not hundreds. These events are not live views: the
transparency report and the access review do not count them as such.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import httpx
import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from camroute.audit.service import Action, record
from camroute.audit.tables import audit_events
from camroute.auth.models import Principal
from camroute.cameras.secrets import cipher_for
from camroute.cameras.store import CameraNotFoundError, get_camera, get_stream_source
from camroute.errors import ConflictError, PermissionDeniedError
from camroute.live.camauth import AuthSchemes
from camroute.live.relay import Snapshot, Upstream, fetch_snapshot
from camroute.live.session import relay_limits
from camroute.live.upstream import CameraUnreachableError
from camroute.routing.models import ProtectedHit
from camroute.settings import Settings
from camroute.store.txn import writing
from camroute.zones.service import camera_zone_hits

AUDIT_EVERY_S = 600.0
log = logging.getLogger(__name__)


class CalibrationRefusedError(PermissionDeniedError):
    """The camera's picture is not shown for calibration (the detail says why)."""

    code = "calibration_refused"
    title = "No calibration picture for this camera"


class NoSnapshotUrlError(ConflictError):
    """The camera has no snapshot URL registered, so there is no picture to fetch."""

    code = "no_snapshot_url"
    title = "Camera has no snapshot URL"


@dataclass(frozen=True)
class CalibrationContext:
    """What the calibration snapshot needs from the running app."""

    engine: Engine
    settings: Settings
    client: httpx.AsyncClient
    auth_schemes: AuthSchemes | None = None


def refusal(access_class: str, zones: list[ProtectedHit]) -> str | None:
    """Why a camera's picture is not shown for calibration (None when it may be).

    Examples
    --------
    >>> refusal("public_space", []) is None
    True
    >>> refusal("restricted", [])
    'camera is restricted: its picture is opened only by a supervisor, for an incident'
    """
    if access_class == "restricted":
        return "camera is restricted: its picture is opened only by a supervisor, for an incident"
    if zones:
        named = ", ".join(f"{z.name!r} (zone {z.zone_id}, policy {z.policy})" for z in zones)
        return (
            f"camera looks into protected zone {named}: calibration never shows a protected "
            "place; set the heading from the map, or ask a supervisor"
        )
    return None


def _audit(
    conn: Connection, actor: Principal, action: Action, camera_id: str, **details: Any
) -> None:
    record(
        conn,
        actor=actor.name,
        role=actor.role.value,
        action=action,
        subject=camera_id,
        purpose="calibration",
        details=details or None,
    )


def _admit(ctx: CalibrationContext, camera_id: str, actor: Principal) -> Upstream:
    """The camera's snapshot source, or a refusal (audited) or a typed 404/409."""
    with ctx.engine.connect() as conn:
        camera = get_camera(conn, camera_id)
    if camera is None:
        raise CameraNotFoundError(f"no camera {camera_id!r}", field="camera_id")
    hits = camera_zone_hits(ctx.engine, camera)
    why = refusal(str(camera["access_class"]), hits)
    if why is not None:
        zones = [{"zone_id": z.zone_id, "policy": z.policy} for z in hits]
        with writing(ctx.engine) as conn:
            _audit(conn, actor, Action.calibration_refused, camera_id, why=why, zones=zones)
        raise CalibrationRefusedError(why, field="camera_id")
    source = get_stream_source(
        ctx.engine, camera_id, cipher=cipher_for(ctx.settings.credentials_key)
    )
    if not source.snapshot_url:
        raise NoSnapshotUrlError(
            f"camera {camera_id} has no snapshot URL registered", field="snapshot_url"
        )
    # Credentials go only to the registered URL's own host: redirects are never followed.
    auth = (source.username, source.password or "") if source.username else None
    return Upstream(
        url=source.snapshot_url, auth=auth, camera_id=camera_id, schemes=ctx.auth_schemes
    )


def _audited_since(conn: Connection, actor: Principal, camera_id: str, since: datetime) -> bool:
    found = conn.execute(
        sa.select(audit_events.c.id)
        .where(
            audit_events.c.actor == actor.name,
            audit_events.c.subject == camera_id,
            audit_events.c.action == Action.calibration_snapshot.value,
            audit_events.c.time >= since,
        )
        .limit(1)
    ).first()
    return found is not None


def _audit_shown(ctx: CalibrationContext, camera_id: str, actor: Principal, size: int) -> None:
    """One ``calibration_snapshot`` event per user and camera in ``AUDIT_EVERY_S``."""
    since = datetime.now(UTC) - timedelta(seconds=AUDIT_EVERY_S)
    with writing(ctx.engine) as conn:
        if not _audited_since(conn, actor, camera_id, since):
            _audit(conn, actor, Action.calibration_snapshot, camera_id, bytes=size)


async def calibration_snapshot(
    ctx: CalibrationContext, camera_id: str, *, actor: Principal
) -> Snapshot:
    """The camera's current JPEG for a GIS administrator calibrating it, bytes untouched."""
    upstream = await anyio.to_thread.run_sync(lambda: _admit(ctx, camera_id, actor))
    try:
        snap = await fetch_snapshot(ctx.client, upstream, relay_limits(ctx.settings))
    except CameraUnreachableError as exc:
        log.warning("calibration snapshot of %s failed: %s", camera_id, exc.detail)
        raise
    size = len(snap.content)
    await anyio.to_thread.run_sync(lambda: _audit_shown(ctx, camera_id, actor, size))
    return snap
