"""Live-view tickets: who may watch which camera for which incident, for how long.

A ticket is allowed for a camera ranked for the open incident, or one within
``live_max_distance_m`` of the caller; any other camera, and every ``restricted`` camera, needs
a supervisor and a written reason. A camera whose viewshed reaches a protected zone follows the
zone's policy: ``never``, nobody may open it; ``supervisor``, only a supervisor with a written
reason. A PTZ camera whose range circle reaches a zone is judged by where it points now (the
app's ``aimed_zones``; aiming into the zone is refused by the PTZ rules), else by its circle.
A user holds at most ``live_max_views_per_user`` live tickets. A renewal judges the ticket
again (zones and restricted cameras: what an administrator changes), so a rule made since
ends it within one ticket lifetime instead of lasting as long as the incident.
Issued and denied tickets, renewals and ends are audited; closing the incident revokes them.
The decisions themselves are in :mod:`camroute.live.rules`.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping

from camroute.audit.service import Action, record
from camroute.auth.models import Principal, Role
from camroute.auth.service import holder_problem
from camroute.cameras.store import get_camera
from camroute.errors import NotFoundError, PermissionDeniedError
from camroute.events.bus import EventBus
from camroute.incidents.events import ViewChanged, ViewKind
from camroute.incidents.service import open_incident
from camroute.live import store
from camroute.live.models import ViewCreate, ViewRead
from camroute.live.rules import (
    CameraFacts,
    ProtectedZoneError,
    TicketDeniedError,
    TooManyViewsError,
    camera_facts,
    denial,
    judged,
    zone_denial,
)
from camroute.live.tickets import (
    TicketClaims,
    TicketExpiredError,
    TicketRevokedError,
    expiry,
    sign_ticket,
)
from camroute.routing.models import ProtectedHit
from camroute.settings import Settings
from camroute.store.meta import stored_secret
from camroute.store.txn import writing
from camroute.zones.rules import zone_details
from camroute.zones.service import camera_zone_hits, viewshed_zone_hits

META_KEY = "live_ticket_key"
RULES_CHANGED = "rules_changed"  # a renewal found the ticket no longer allowed


def ticket_key(engine: Engine, settings: Settings) -> bytes:
    """The HS256 key: ``CAMROUTE_LIVE_TICKET_SECRET``, else one random key kept in the store."""
    if settings.live_ticket_secret is not None:
        # Hashed to 32 bytes: any configured secret makes a full-length HS256 key.
        return hashlib.sha256(settings.live_ticket_secret.get_secret_value().encode()).digest()
    return stored_secret(engine, META_KEY)


@dataclass(frozen=True)
class LiveContext:
    """What the ticket rules need from the running app."""

    engine: Engine
    settings: Settings
    key: bytes
    bus: EventBus | None = None
    # A PTZ camera's zones where it points now (None: cannot tell; its circle decides).
    aimed_zones: Callable[[Mapping[str, Any]], list[ProtectedHit] | None] | None = None


def zone_facts(ctx: LiveContext, facts: CameraFacts, camera: Mapping[str, Any]) -> CameraFacts:
    """``facts`` with the zones the camera's view reaches (a PTZ camera: where it points)."""
    hits = camera_zone_hits(ctx.engine, camera)
    if hits and ctx.aimed_zones is not None:
        now = ctx.aimed_zones(camera)
        if now is not None:
            return replace(facts, zones=tuple(now), zones_judged_by="ptz_current_aim")
    return replace(facts, zones=tuple(hits))


def _audit(conn: Connection, actor: Principal, action: Action | str, **fields: Any) -> None:
    record(conn, actor=actor.name, role=actor.role.value, action=action, **fields)


def _deny(
    ctx: LiveContext,
    incident_id: str,
    req: ViewCreate,
    actor: Principal,
    why: str,
    *,
    zones: list[dict[str, str]] | None = None,
    judged: dict[str, str] | None = None,
) -> None:
    details: dict[str, Any] = {"why": why, **(judged or {})}
    if zones:
        details["protected_zones"] = zones
    with writing(ctx.engine) as conn:
        _audit(
            conn,
            actor,
            Action.ticket_denied,
            subject=req.camera_id,
            incident_id=incident_id,
            purpose=req.purpose,
            details=details,
        )


def _view(claims: TicketClaims, key: bytes) -> ViewRead:
    token = sign_ticket(claims, key=key)
    return ViewRead(
        ticket=token,
        ticket_id=claims.ticket_id,
        incident_id=claims.incident_id,
        camera_id=claims.camera_id,
        purpose=claims.purpose,
        expires_at=claims.expires_at,
        snapshot_url=f"/api/live/{token}/snapshot.jpg",
        mjpeg_url=f"/api/live/{token}/mjpeg",
        video_url=f"/api/live/{token}/video.mp4",
    )


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)  # tickets carry whole seconds


def issue_view(
    ctx: LiveContext, incident_id: str, req: ViewCreate, *, actor: Principal
) -> ViewRead:
    """Grant a ticket to view ``req.camera_id`` for the open incident, or refuse and audit."""
    now = _now()
    with ctx.engine.connect() as conn:
        incident = open_incident(conn, incident_id)
        facts = camera_facts(conn, incident, req.camera_id)
        camera = get_camera(conn, req.camera_id)
    if camera is not None:  # by its viewshed (stored), read at every ticket: never stale
        facts = zone_facts(ctx, facts, camera)
    why = zone_denial(facts, req, actor)
    if why is not None:
        _deny(
            ctx, incident_id, req, actor, why, zones=zone_details(facts.zones), judged=judged(facts)
        )
        raise ProtectedZoneError(why, field="camera_id")
    why = denial(facts, req, actor, max_distance_m=ctx.settings.live_max_distance_m)
    if why is not None:
        _deny(ctx, incident_id, req, actor, why)
        raise TicketDeniedError(why, field="camera_id")
    claims = TicketClaims(
        ticket_id=str(uuid.uuid4()),
        incident_id=incident_id,
        camera_id=req.camera_id,
        user=actor.name,
        role=actor.role.value,
        purpose=req.purpose,
        expires_at=expiry(now=now, ttl_s=ctx.settings.live_ticket_ttl_s),
    )
    limit = ctx.settings.live_max_views_per_user
    with writing(ctx.engine) as conn:
        store.lock_user(conn, actor.name)
        open_incident(conn, incident_id)
        if store.count_live(conn, user_name=actor.name, now=now) >= limit:
            why = (
                f"{actor.name} already holds {limit} live views; end one first: they are "
                "listed at GET /api/live/mine (on the page: My live views)"
            )
            _deny_inside(conn, incident_id, req, actor, why)
        else:
            _store_ticket(
                conn, claims, req, actor, now, zones=zone_details(facts.zones), **judged(facts)
            )
            why = None
    if why is not None:
        raise TooManyViewsError(why, field="camera_id")
    _publish(ctx, "view.opened", claims)
    return _view(claims, ctx.key)


def _deny_inside(
    conn: Connection, incident_id: str, req: ViewCreate, actor: Principal, why: str
) -> None:
    _audit(
        conn,
        actor,
        Action.ticket_denied,
        subject=req.camera_id,
        incident_id=incident_id,
        purpose=req.purpose,
        details={"why": why},
    )


def _store_ticket(
    conn: Connection,
    claims: TicketClaims,
    req: ViewCreate,
    actor: Principal,
    now: datetime,
    *,
    zones: list[dict[str, str]],
    zones_judged_by: str | None = None,
) -> None:
    store.insert_ticket(
        conn,
        id=claims.ticket_id,
        incident_id=claims.incident_id,
        camera_id=claims.camera_id,
        user_name=actor.name,
        role=actor.role.value,
        purpose=req.purpose,
        reason=req.reason,
        issued_at=now,
        expires_at=claims.expires_at,
        session_epoch=actor.session_epoch,
        last_seen_at=now,
    )
    _audit(
        conn,
        actor,
        Action.ticket_issued,
        subject=claims.camera_id,
        incident_id=claims.incident_id,
        purpose=req.purpose,
        details={
            "ticket_id": claims.ticket_id,
            "expires_at": claims.expires_at,
            "reason": req.reason,
            **({"protected_zones": zones} if zones else {}),
            **({"zones_judged_by": zones_judged_by} if zones_judged_by else {}),
        },
    )
    if zones:  # a supervisor looked into a protected zone: the approval is its own event
        _audit(
            conn,
            actor,
            Action.protected_view_approved,
            subject=claims.camera_id,
            incident_id=claims.incident_id,
            purpose=req.purpose,
            details={"ticket_id": claims.ticket_id, "reason": req.reason, "protected_zones": zones},
        )


def _publish(ctx: LiveContext, kind: ViewKind, claims: TicketClaims) -> None:
    if ctx.bus is not None:
        ctx.bus.publish(
            ViewChanged(
                kind=kind,
                incident_id=claims.incident_id,
                ticket_id=claims.ticket_id,
                camera_id=claims.camera_id,
                user=claims.user,
                expires_at=claims.expires_at,
            )
        )


def _own_ticket(conn: Connection, incident_id: str, ticket_id: str, actor: Principal) -> RowMapping:
    row = store.get_ticket(conn, ticket_id)
    if row is None or row["incident_id"] != incident_id:
        raise NotFoundError(
            f"no ticket {ticket_id!r} for incident {incident_id}", field="ticket_id"
        )
    if row["user_name"] != actor.name and actor.role != Role.supervisor:
        raise PermissionDeniedError("only the ticket's holder or a supervisor may change it")
    return row


def renew_view(ctx: LiveContext, incident_id: str, ticket_id: str, *, actor: Principal) -> ViewRead:
    """A fresh expiry (and token) for a live ticket while its incident is open.

    The ticket is judged again first, as its holder with the reason it was opened with: a
    protected zone drawn, or a camera made restricted, since it was issued ends it here
    (revoked ``RULES_CHANGED``, announced) rather than renewing it while the incident lasts.
    """
    now = _now()
    with ctx.engine.connect() as conn:
        incident = open_incident(conn, incident_id)
        row = _own_ticket(conn, incident_id, ticket_id, actor)
        camera = get_camera(conn, row["camera_id"])
        facts = camera_facts(conn, incident, row["camera_id"]) if camera is not None else None
    if camera is None or facts is None:
        why: str | None = f"camera {row['camera_id']} was removed from the registry"
    else:
        why = _no_longer_allowed(ctx, row, facts, camera)
    if why is not None and row["revoked_at"] is None:
        with writing(ctx.engine) as conn:
            ended = revoke_ticket(conn, row, because=RULES_CHANGED, now=now)
        if ended and ctx.bus is not None:
            ctx.bus.publish(
                ViewChanged(
                    kind="view.revoked",
                    incident_id=incident_id,
                    ticket_id=ticket_id,
                    because=RULES_CHANGED,
                )
            )
        raise TicketRevokedError(f"ticket {ticket_id} was revoked: {why}", field="ticket_id")
    with writing(ctx.engine) as conn:
        open_incident(conn, incident_id)
        row = _own_ticket(conn, incident_id, ticket_id, actor)
        if row["revoked_at"] is not None:
            raise TicketRevokedError(f"ticket {ticket_id} was revoked", field="ticket_id")
        if row["expires_at"] <= now:
            raise TicketExpiredError(f"ticket {ticket_id} has expired", field="ticket_id")
        expires_at = expiry(now=now, ttl_s=ctx.settings.live_ticket_ttl_s)
        store.renew(conn, ticket_id, expires_at=expires_at, now=now)
        _audit(
            conn,
            actor,
            "ticket_renewed",
            subject=row["camera_id"],
            incident_id=incident_id,
            purpose=row["purpose"],
            details={"ticket_id": ticket_id, "expires_at": expires_at},
        )
    claims = _claims(row, expires_at=expires_at)
    _publish(ctx, "view.renewed", claims)
    return _view(claims, ctx.key)


def _no_longer_allowed(
    ctx: LiveContext, row: RowMapping, facts: CameraFacts, camera: Mapping[str, Any]
) -> str | None:
    """Why the ticket ``row`` would be refused now (zones, restricted), None if it would not.

    Only definite findings end a running view: a camera edited since its viewshed was made
    (only its wider sector is known), or a PTZ head that cannot say where it points now
    (moving, controlled, unanswered) keeps the zone judgement it was issued with; a PTZ
    camera camroute cannot ask at all (no ONVIF address) is judged by its circle, as at issue.
    """
    holder = Principal(name=row["user_name"], role=Role(row["role"]), kind="user")
    asked = ViewCreate.model_construct(
        camera_id=row["camera_id"], purpose=row["purpose"], reason=row["reason"]
    )
    zones: list[ProtectedHit] | None
    if camera["kind"] == "ptz":
        zones = camera_zone_hits(ctx.engine, camera)  # its circle
        if zones and ctx.aimed_zones is not None:
            aimed = ctx.aimed_zones(camera)
            if aimed is not None:
                zones = aimed
            elif camera["onvif_url"]:  # askable, just not now: ask at the next renewal
                zones = None
    else:
        zones = viewshed_zone_hits(ctx.engine, camera)
    why = None if zones is None else zone_denial(replace(facts, zones=tuple(zones)), asked, holder)
    # Only what an administrator changes: the caller moving away does not end a view.
    near = replace(facts, ranked=True)
    return why or denial(near, asked, holder, max_distance_m=ctx.settings.live_max_distance_m)


def view_read(row: RowMapping, key: bytes) -> ViewRead:
    """The view a stored ticket grants, with its ticket (signed again: the same token)."""
    return _view(_claims(row, expires_at=row["expires_at"]), key)


def _claims(row: RowMapping, *, expires_at: datetime) -> TicketClaims:
    return TicketClaims(
        ticket_id=row["id"],
        incident_id=row["incident_id"],
        camera_id=row["camera_id"],
        user=row["user_name"],
        role=row["role"],
        purpose=row["purpose"],
        expires_at=expires_at,
    )


def end_view(ctx: LiveContext, incident_id: str, ticket_id: str, *, actor: Principal) -> None:
    """Revoke a ticket before its time (the view was closed); frees one of the user's slots."""
    with writing(ctx.engine) as conn:
        row = _own_ticket(conn, incident_id, ticket_id, actor)
        if not store.revoke(conn, ticket_id, now=datetime.now(UTC), because="ended"):
            return
        _audit(
            conn,
            actor,
            "ticket_revoked",
            subject=row["camera_id"],
            incident_id=incident_id,
            details={"ticket_id": ticket_id, "because": "ended"},
        )
    _publish(ctx, "view.ended", _claims(row, expires_at=row["expires_at"]))


def revoke_ticket(conn: Connection, row: RowMapping, *, because: str, now: datetime) -> bool:
    """Revoke the ticket ``row`` and audit it as its holder's; False if already revoked."""
    if not store.revoke(conn, row["id"], now=now, because=because):
        return False
    record(
        conn,
        actor=row["user_name"],
        role=row["role"],
        action="ticket_revoked",
        subject=row["camera_id"],
        incident_id=row["incident_id"],
        details={"ticket_id": row["id"], "because": because},
    )
    return True


def live_deadline(
    engine: Engine, claims: TicketClaims, *, now: datetime, seen_every_s: float | None = None
) -> datetime:
    """The ticket's current expiry from the store; raises if revoked, expired or unknown.

    A ticket whose holder was disabled, changed role or logged out is revoked here, at use.
    With ``seen_every_s``, the use is noted (at most that often) so the ticket is not taken
    for an orphan.
    """
    with engine.connect() as conn:
        row = store.get_ticket(conn, claims.ticket_id)
        problem = None if row is None else _holder_problem(conn, row)
    if row is None or row["revoked_at"] is not None:
        raise TicketRevokedError(f"ticket {claims.ticket_id} was revoked", field="ticket")
    if problem is not None:
        with writing(engine) as conn:
            revoke_ticket(conn, row, because=problem, now=now)
        why = f"ticket {claims.ticket_id} was revoked: {problem}"
        raise TicketRevokedError(why, field="ticket")
    if row["expires_at"] <= now:
        raise TicketExpiredError(f"ticket {claims.ticket_id} has expired", field="ticket")
    seen_at = row["last_seen_at"] or row["issued_at"]
    if seen_every_s is not None and (now - seen_at).total_seconds() >= seen_every_s:
        with writing(engine) as conn:
            store.touch(conn, claims.ticket_id, now=now)
    expires_at: datetime = row["expires_at"]
    return expires_at


def note_seen(engine: Engine, ticket_id: str) -> None:
    """Note that a stream client used (or just left) the ticket now."""
    with writing(engine) as conn:
        store.touch(conn, ticket_id, now=datetime.now(UTC))


def _holder_problem(conn: Connection, row: RowMapping) -> str | None:
    return holder_problem(
        conn, name=row["user_name"], role=row["role"], session_epoch=row["session_epoch"]
    )
