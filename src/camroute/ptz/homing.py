"""Giving a camera back: release the control lock, and send idle cameras to their home preset.

A camera camroute moved goes home once nobody controls it and no live ticket on it remains,
whichever way the last ticket ended (closed tile, expiry, incident closed, logout): a loop
in the app looks every few seconds, and a release looks at once.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import Connection

from camroute.auth.models import Principal
from camroute.errors import CamrouteError, NotFoundError
from camroute.live import store as tickets
from camroute.ptz import store
from camroute.ptz.context import Actor, PtzContext, audit_event, camera_setup, now_utc
from camroute.ptz.guard import zones_at
from camroute.ptz.models import PtzAction, ReleaseResult
from camroute.ptz.onvif_ptz import go_home
from camroute.ptz.viewers import close_other_views
from camroute.store.txn import writing

SYSTEM = "camroute"  # the audit actor of returns home nobody asked for
# Cameras whose last return home failed: audited once, retried quietly until it works.
_failing: set[str] = set()


def release_view(
    ctx: PtzContext, incident_id: str, ticket_id: str, *, actor: Principal
) -> ReleaseResult:
    """Give up control of the ticket's camera; it goes home if nobody watches it any more."""
    who, now = Actor.of(actor), now_utc()
    with writing(ctx.engine) as conn:
        row = tickets.get_ticket(conn, ticket_id)
        if row is None or row["incident_id"] != incident_id:
            raise NotFoundError(f"no ticket {ticket_id!r} for incident {incident_id}")
        camera_id = row["camera_id"]
        control = store.ensure_control(conn, camera_id, now=now)
        mine = control.holder == who.name or (who.supervisor and control.holder is not None)
        if mine:
            store.release(conn, camera_id, now=now)
            audit_event(conn, who, PtzAction.released, camera_id, incident_id, ticket_id=ticket_id)
    home = camera_id in return_idle_home(ctx, only=[camera_id])
    return ReleaseResult(camera_id=camera_id, released=mine, returned_home=home)


def _idle(conn: Connection, camera_id: str, now: datetime) -> bool:
    control = store.ensure_control(conn, camera_id, now=now)
    locked = control.lock_until is not None and control.lock_until > now and control.holder
    return not locked and not tickets.live_on_camera(conn, camera_id, now=now)


def return_idle_home(ctx: PtzContext, *, only: list[str] | None = None) -> list[str]:
    """Send home every camera camroute moved that nobody watches or controls any more."""
    now, gone = now_utc(), []
    with ctx.engine.connect() as conn:
        away = [c for c in store.away_cameras(conn) if only is None or c in only]
        idle = [c for c in away if _idle(conn, c, now)]
    robot = Actor(SYSTEM, "system")
    for camera_id in idle:
        try:
            with ctx.engine.connect() as conn:
                setup = camera_setup(conn, camera_id, cipher=ctx.cipher)
            status = asyncio.run(go_home(setup.account, timeout_s=ctx.timeout_s, known=ctx.known))
        except CamrouteError as exc:
            if camera_id not in _failing:
                _failing.add(camera_id)
                with writing(ctx.engine) as conn:
                    audit_event(
                        conn, robot, PtzAction.refused, camera_id, None, why=exc.detail, home=True
                    )
            continue
        _failing.discard(camera_id)
        # Nobody watched when it left; a ticket issued on the way must not see a zone at home.
        zones = zones_at(ctx, setup, status.position)
        closed = close_other_views(ctx, camera_id, actor=robot, incident_id=None, zones=zones)
        with writing(ctx.engine) as conn:
            before = store.ensure_control(conn, camera_id, now=now).position
            store.at_home(conn, camera_id, status.position, now=now_utc())
            audit_event(
                conn,
                robot,
                PtzAction.returned_home,
                camera_id,
                None,
                **{"from": before.model_dump() if before else None},
                to=status.position.model_dump(),
                closed_views=closed or None,
            )
        gone.append(camera_id)
    return gone


async def home_loop(ctx: PtzContext, *, every_s: float) -> None:
    """Run :func:`return_idle_home` every ``every_s`` seconds, in a worker thread."""
    while True:
        await asyncio.sleep(every_s)
        try:
            await asyncio.to_thread(return_idle_home, ctx)
        except CamrouteError:
            continue  # the next round tries again; each failure is audited
