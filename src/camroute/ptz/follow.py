"""A live tile's PTZ state, and aim-follow: a location update of the incident re-aims its camera.

Aim-follow is a per-ticket switch the dispatcher turns on from the tile. When a call's
location update lands (``incident.updated`` on the event bus), every ticket of that incident
that follows is re-aimed as its holder, through the same rules as a click: the ticket must be
live, the lock free or the holder's, the camera movable, and the new view clear of protected
zones. A ``supervisor`` zone refuses a follow unless its holder is a supervisor who gave a
written reason when turning it on (kept with the follow). Every re-aim and refusal is audited
(``ptz_moved`` with ``follow`` and the reason, ``ptz_refused``). On PostgreSQL every
replica hears the update; :func:`store.claim_follow` lets exactly one of them move the camera.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy import Connection

from camroute.auth.models import Principal, Role
from camroute.errors import CamrouteError
from camroute.events.bus import EventBus
from camroute.incidents.events import IncidentChanged
from camroute.incidents.service import get_incident, open_incident
from camroute.live import store as tickets
from camroute.ptz import store
from camroute.ptz.context import Actor, PtzContext, audit_event, camera_setup, now_utc
from camroute.ptz.models import AimResult, ControlRead, PtzAction, PtzTileRead
from camroute.ptz.service import aim
from camroute.ptz.views import incident_target, live_ticket
from camroute.store.txn import reading, writing

log = logging.getLogger(__name__)


def location_key(location_count: int) -> str:
    """The incident version a follow answers to: its number of locations so far."""
    return f"loc-{location_count}"


def control_read(control: store.Control, user: str, *, now: datetime) -> ControlRead:
    """The lock as a viewer sees it: only a live lock has a holder."""
    live = control.lock_until is not None and control.lock_until > now and control.holder
    return ControlRead(
        camera_id=control.camera_id,
        holder=control.holder if live else None,
        holder_role=control.holder_role if live else None,
        lock_until=control.lock_until if live else None,
        yours=bool(live) and control.holder == user,
        do_not_move=control.do_not_move,
    )


def _tile(conn: Connection, row: dict[str, object], user: str, now: datetime) -> PtzTileRead:
    camera_id, ticket_id = str(row["camera_id"]), str(row["id"])
    control = store.ensure_control(conn, camera_id, now=now)
    last = control.last_aim
    mine = last is not None and last.get("ticket_id") == ticket_id
    return PtzTileRead(
        camera_id=camera_id,
        ticket_id=ticket_id,
        control=control_read(control, user, now=now),
        follow=store.follows(conn, ticket_id),
        last_aim=AimResult.model_validate(last) if mine else None,
    )


def tile_state(
    ctx: PtzContext, incident_id: str, ticket_id: str, *, actor: Principal
) -> PtzTileRead:
    """The PTZ state of a live ticket's camera (its holder or a supervisor may ask)."""
    who, now = Actor.of(actor), now_utc()
    with writing(ctx.engine) as conn:
        row = live_ticket(conn, incident_id, ticket_id, who, now)
        return _tile(conn, dict(row), who.name, now)


def set_follow(
    ctx: PtzContext,
    incident_id: str,
    ticket_id: str,
    on: bool,
    *,
    actor: Principal,
    reason: str | None = None,
) -> PtzTileRead:
    """Turn aim-follow on or off for the ticket (audited); the current location is not re-aimed.

    ``reason``: the holder's written reason, with which each re-aim is judged (a supervisor's
    lets them into ``supervisor`` zones, as it would a click's).
    """
    who, now = Actor.of(actor), now_utc()
    seen = location_key(get_incident(ctx.engine, incident_id).location_count)
    with writing(ctx.engine) as conn:
        open_incident(conn, incident_id)
        row = live_ticket(conn, incident_id, ticket_id, who, now)
        camera_id = str(row["camera_id"])
        if on:
            camera_setup(conn, camera_id, cipher=ctx.cipher)  # a camera that cannot move: 422
        store.set_follow(
            conn,
            ticket_id,
            incident_id=incident_id,
            camera_id=camera_id,
            enabled=on,
            by=who.name,
            now=now,
            key=seen,  # the location on screen now is not followed again
            reason=reason,
        )
        audit_event(
            conn,
            who,
            PtzAction.follow,
            camera_id,
            incident_id,
            ticket_id=ticket_id,
            follow=on,
            reason=reason if on else None,
        )
        return _tile(conn, dict(row), who.name, now)


def follow_incident(ctx: PtzContext, incident_id: str, *, key: str) -> list[AimResult]:
    """Re-aim every following ticket's camera of ``incident_id`` at its new location."""
    if ctx.followed is not None and not ctx.followed.may_follow(incident_id):
        return []
    with reading(ctx.engine) as conn:
        ticket_ids = store.following(conn, incident_id)
    done: list[AimResult] = []
    for ticket_id in ticket_ids:
        result = _follow_one(ctx, incident_id, ticket_id, key=key)
        if result is not None:
            done.append(result)
    return done


def _follow_one(ctx: PtzContext, incident_id: str, ticket_id: str, *, key: str) -> AimResult | None:
    now = now_utc()
    with writing(ctx.engine) as conn:
        if not store.claim_follow(conn, ticket_id, key=key, now=now):
            return None  # another replica took this update
        row = tickets.get_ticket(conn, ticket_id)
        reason = store.follow_reason(conn, ticket_id)
    if row is None:
        return None
    holder = Actor(row["user_name"], row["role"], row["role"] == Role.supervisor.value)
    try:
        with ctx.engine.connect() as conn:
            open_incident(conn, incident_id)
            live_ticket(conn, incident_id, ticket_id, holder, now)
            setup = camera_setup(conn, row["camera_id"], cipher=ctx.cipher)
        target = incident_target(ctx.engine, incident_id)
        return aim(
            ctx,
            setup,
            target,
            actor=holder,
            incident_id=incident_id,
            ticket_id=ticket_id,
            reason=reason,
            follow=True,
        )
    except CamrouteError as exc:  # refusals of the move are audited where they happen
        log.info("aim-follow of ticket %s not done: %s", ticket_id, exc.detail)
        return None


async def follow_loop(ctx: PtzContext, bus: EventBus) -> None:
    """Re-aim following cameras at every location update the bus carries (runs in the app)."""
    async with bus.subscribe() as sub:
        while True:
            event = await sub.queue.get()
            if not isinstance(event, IncidentChanged) or event.kind != "incident.updated":
                continue
            if ctx.followed is not None and ctx.followed.surely_unfollowed(event.incident_id):
                continue  # the usual case: no thread, no statement
            key = location_key(event.incident.location_count)
            try:
                await asyncio.to_thread(follow_incident, ctx, event.incident_id, key=key)
            except Exception:  # a failed round must not end the loop; the next update retries
                log.exception("aim-follow of incident %s failed", event.incident_id)
