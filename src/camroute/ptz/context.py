"""What the PTZ use cases share: the app's context, the actor, a camera ready to aim, the audit.

A camera's setup (pose, calibration, ONVIF account) is read in one short transaction; the
calibration is the stored one, else the uncalibrated assumption from the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine

from camroute.audit.service import record
from camroute.auth.models import Principal, Role
from camroute.cameras import onvif_store
from camroute.cameras.secrets import CredentialCipher
from camroute.cameras.store import require_camera
from camroute.events.bus import EventBus
from camroute.ptz import store
from camroute.ptz.calibration import Calibration, DeviceRanges, Range, uncalibrated
from camroute.ptz.errors import NoPtzError
from camroute.ptz.followed import FollowedIncidents
from camroute.ptz.geometry import CameraPose
from camroute.ptz.known import KnownDevices
from camroute.ptz.link import PtzAccount
from camroute.ptz.models import PtzAction
from camroute.ptz.protected import IndexFn

DEFAULT_MOUNT_HEIGHT_M = 6.0


@dataclass(frozen=True)
class PtzContext:
    """What the PTZ rules need from the running app."""

    engine: Engine
    cipher: CredentialCipher | None = None
    lock_s: float = 30.0
    timeout_s: float = 8.0
    max_override_m: float = 150.0  # how far from the caller a dispatcher may aim
    index: IndexFn | None = None  # the routing snapshot (buildings for the aimed view)
    bus: EventBus | None = None  # tells the pages of a move, a take-over, a follow
    followed: FollowedIncidents | None = None  # None: every update asks the store
    known: KnownDevices | None = None  # each camera's discovery answers; None: asked each time
    views_recheck_s: float = 0.0  # how long a live stream takes to notice its ticket revoked


@dataclass(frozen=True)
class Setup:
    """One camera, ready to aim: its pose, calibration and ONVIF account."""

    camera_id: str
    pose: CameraPose
    calibration: Calibration
    account: PtzAccount
    camera: dict[str, Any]  # its registry row (range, kind, place)


@dataclass(frozen=True)
class Actor:
    """Who acts, for the lock and the audit log (a user, or ``cli:<name>``)."""

    name: str
    role: str
    supervisor: bool = False

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        """The actor for a logged-in user."""
        return cls(principal.name, principal.role.value, principal.role == Role.supervisor)


def now_utc() -> datetime:
    return datetime.now(UTC)


def device_ranges(conn: Connection, camera_id: str) -> DeviceRanges:
    device = onvif_store.get_device(conn, camera_id)
    ptz = device.ptz if device else None
    if ptz is None:
        return DeviceRanges()
    default = DeviceRanges()
    return DeviceRanges(
        pan=Range(min=ptz.pan.min, max=ptz.pan.max) if ptz.pan else default.pan,
        tilt=Range(min=ptz.tilt.min, max=ptz.tilt.max) if ptz.tilt else default.tilt,
        zoom=Range(min=ptz.zoom.min, max=ptz.zoom.max) if ptz.zoom else default.zoom,
    )


def calibration_for(conn: Connection, camera: dict[str, Any]) -> Calibration:
    """The stored calibration, else the uncalibrated assumption from the registry."""
    stored = store.get_calibration(conn, camera["id"])
    if stored is not None:
        return stored[0]
    return uncalibrated(
        heading_deg=camera["heading_deg"],
        hfov_wide_deg=camera["zoom_hfov_max_deg"],
        hfov_tele_deg=camera["zoom_hfov_min_deg"],
        ranges=device_ranges(conn, camera["id"]),
    )


def camera_setup(conn: Connection, camera_id: str, *, cipher: CredentialCipher | None) -> Setup:
    """Everything needed to aim ``camera_id``; :class:`NoPtzError` if it cannot move."""
    camera = require_camera(conn, camera_id)
    if camera["kind"] != "ptz":
        raise NoPtzError(f"camera {camera_id} is a {camera['kind']} camera, not PTZ")
    found = onvif_store.targets(conn, [camera_id], cipher=cipher)
    target = found[0] if found else None
    if target is None or target.onvif_url is None:
        raise NoPtzError(f"camera {camera_id} has no ONVIF address (onvif_url)")
    height = camera["mount_height_m"]
    pose = CameraPose(
        lon=camera["lon"],
        lat=camera["lat"],
        mount_height_m=height if height and height > 0 else DEFAULT_MOUNT_HEIGHT_M,
    )
    account = PtzAccount(target.onvif_url, target.username, target.password, target.channel)
    return Setup(camera_id, pose, calibration_for(conn, camera), account, dict(camera))


def audit_event(
    conn: Connection,
    actor: Actor,
    action: PtzAction,
    camera_id: str,
    incident_id: str | None,
    **details: Any,
) -> None:
    """Record one PTZ event as ``actor``'s (details without None values)."""
    record(
        conn,
        actor=actor.name,
        role=actor.role,
        action=action,
        subject=camera_id,
        incident_id=incident_id,
        details={k: v for k, v in details.items() if v is not None},
    )
