"""Aiming a live ticket's camera: the ticket and incident checks around :func:`service.aim`.

A ticket aims its own camera: its holder (or a supervisor) while it is live and the incident
open, at the caller's location, or near it (farther needs a supervisor: privacy).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, RowMapping

from camroute.auth.models import Principal
from camroute.errors import NotFoundError, PermissionDeniedError
from camroute.incidents.service import get_incident, open_incident
from camroute.live import store as tickets
from camroute.live.tickets import TicketExpiredError, TicketRevokedError
from camroute.ptz.aim import Target
from camroute.ptz.context import Actor, PtzContext, camera_setup, now_utc
from camroute.ptz.geometry import CameraPose, direction_to
from camroute.ptz.models import AimRequest, AimResult
from camroute.ptz.service import aim


def live_ticket(
    conn: Connection, incident_id: str, ticket_id: str, actor: Actor, now: datetime
) -> RowMapping:
    row = tickets.get_ticket(conn, ticket_id)
    if row is None or row["incident_id"] != incident_id:
        raise NotFoundError(
            f"no ticket {ticket_id!r} for incident {incident_id}", field="ticket_id"
        )
    if row["user_name"] != actor.name and not actor.supervisor:
        raise PermissionDeniedError("only the ticket's holder or a supervisor may aim its camera")
    if row["revoked_at"] is not None:
        raise TicketRevokedError(f"ticket {ticket_id} was revoked", field="ticket_id")
    if row["expires_at"] <= now:
        raise TicketExpiredError(f"ticket {ticket_id} has expired", field="ticket_id")
    return row


def incident_target(engine: Engine, incident_id: str) -> Target:
    incident = get_incident(engine, incident_id)
    route = incident.route
    if route is None:
        raise NotFoundError(f"incident {incident_id} has no location to aim at", field="target")
    return Target(lon=route.lon, lat=route.lat, uncertainty_m=route.uncertainty_m)


def _check_override(ctx: PtzContext, target: Target, incident: Target, who: Actor) -> None:
    """A dispatcher may aim near the caller only; farther needs a supervisor (privacy)."""
    away_m = direction_to(
        CameraPose(lon=incident.lon, lat=incident.lat, mount_height_m=0.0),
        lon=target.lon,
        lat=target.lat,
    ).distance_m
    limit_m = ctx.max_override_m + incident.uncertainty_m
    if away_m > limit_m and not who.supervisor:
        raise PermissionDeniedError(
            f"the target is {away_m:.0f} m from the caller's area (at most {limit_m:.0f} m): "
            "a supervisor must aim farther",
            field="target",
        )


def aim_view(
    ctx: PtzContext, incident_id: str, ticket_id: str, req: AimRequest, *, actor: Principal
) -> AimResult:
    """Aim the camera of a live ticket at the incident's location (or ``req.target``)."""
    who = Actor.of(actor)
    with ctx.engine.connect() as conn:
        open_incident(conn, incident_id)
        row = live_ticket(conn, incident_id, ticket_id, who, now_utc())
        setup = camera_setup(conn, row["camera_id"], cipher=ctx.cipher)
    at_caller = incident_target(ctx.engine, incident_id)
    target = req.target or at_caller
    if req.target is not None:
        _check_override(ctx, req.target, at_caller, who)
    return aim(
        ctx,
        setup,
        target,
        actor=who,
        incident_id=incident_id,
        ticket_id=ticket_id,
        take_over=req.take_over,
        reason=req.reason,
    )
