"""Live-view rules: may this user watch this camera for this incident, and why not.

Pure decisions over what is known of the camera (:class:`CameraFacts`): ranked for the
incident or near the caller, restricted or not, the protected zones its view reaches. The
use cases that apply them, audit them and issue tickets are in :mod:`camroute.live.service`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import shapely
from sqlalchemy import Connection

from camroute.auth.models import Principal, Role
from camroute.cameras.store import CameraNotFoundError, get_camera
from camroute.errors import CamrouteError, PermissionDeniedError
from camroute.geo import max_distance_m
from camroute.incidents.service import OpenIncident
from camroute.live.models import MIN_REASON_CHARS, ViewCreate
from camroute.routing.models import ProtectedHit
from camroute.zones.rules import zone_named


class TicketDeniedError(PermissionDeniedError):
    """The user may not view this camera for this incident (the detail says why)."""

    code = "ticket_denied"
    title = "Live view not allowed"


class ProtectedZoneError(TicketDeniedError):
    """The camera's view reaches a protected zone whose policy refuses this viewer."""

    code = "protected_zone"
    title = "Camera looks into a protected zone"


class TooManyViewsError(CamrouteError):
    """The user already holds the maximum number of live views."""

    status: ClassVar[int] = 429
    code: ClassVar[str] = "too_many_views"
    title: ClassVar[str] = "Too many live views"


@dataclass(frozen=True)
class CameraFacts:
    """What the rules need to know about a camera."""

    camera_id: str
    ranked: bool
    distance_m: float
    access_class: str
    zones: tuple[ProtectedHit, ...] = ()
    # "ptz_current_aim": a PTZ camera's zones were judged by where it points now, not by the
    # circle it could turn through (its circle reached a zone; see camroute.ptz.current).
    zones_judged_by: str | None = None


def camera_facts(conn: Connection, incident: OpenIncident, camera_id: str) -> CameraFacts:
    """Is ``camera_id`` ranked for the incident, how far is it, and is it restricted."""
    row = get_camera(conn, camera_id)
    if row is None:
        raise CameraNotFoundError(f"no camera {camera_id!r}", field="camera_id")
    distance_m = float("inf")
    if incident.lon is not None and incident.lat is not None:
        distance_m = max_distance_m(
            lon=incident.lon, lat=incident.lat, geom=shapely.Point(row["lon"], row["lat"])
        )
    ranked = camera_id in incident.camera_ids
    return CameraFacts(camera_id, ranked, distance_m, str(row["access_class"]))


def zone_denial(facts: CameraFacts, req: ViewCreate, actor: Principal) -> str | None:
    """Why the protected zones the camera sees refuse ``actor`` (None when they allow).

    A ``never`` zone refuses everyone; a ``supervisor`` zone refuses all but a supervisor
    who wrote a reason.
    """
    never = [z for z in facts.zones if z.policy == "never"]
    if never:
        return (
            f"camera looks into protected zone {zone_named(never[0])}, whose policy is never: "
            "nobody may view it"
        )
    if not facts.zones:
        return None
    named = ", ".join(zone_named(z) for z in facts.zones)
    if actor.role != Role.supervisor:
        return f"camera looks into protected zone {named}: a supervisor must open it, with a reason"
    if not req.reason or len(req.reason) < MIN_REASON_CHARS:
        return (
            f"camera looks into protected zone {named}: a written reason of at least "
            f"{MIN_REASON_CHARS} characters is required"
        )
    return None


def judged(facts: CameraFacts) -> dict[str, str]:
    """How the camera's zones were judged, for the audit (nothing when by its viewshed)."""
    return {"zones_judged_by": facts.zones_judged_by} if facts.zones_judged_by else {}


def denial(
    facts: CameraFacts, req: ViewCreate, actor: Principal, *, max_distance_m: float
) -> str | None:
    """Why ``actor`` may not view the camera (None when allowed)."""
    near = facts.ranked or facts.distance_m <= max_distance_m
    if near and facts.access_class != "restricted":
        return None
    why = (
        "camera is restricted"
        if facts.access_class == "restricted"
        # No exact distance: the reason is audited, and the audit chain outlives retention
        # (a camera and a distance would place the caller on a circle round it).
        else f"camera is not ranked for this incident and is more than {max_distance_m:.0f} m "
        "from the caller"
    )
    if actor.role != Role.supervisor:
        return f"{why}: a supervisor must open it, with a written reason"
    if not req.reason or len(req.reason) < MIN_REASON_CHARS:
        return f"{why}: a written reason of at least {MIN_REASON_CHARS} characters is required"
    return None
