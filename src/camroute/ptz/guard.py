"""Who may move a PTZ camera, and where to: its lock, and the protected zones a move reaches.

Every refusal is audited in its own transaction before it is raised, so the audit log holds
it whatever the caller does next. Nothing here talks to the camera: the head's position is
given by the caller, read on the link that then moves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from camroute.errors import CamrouteError
from camroute.ptz import store
from camroute.ptz.aim import PtzPosition
from camroute.ptz.context import Actor, PtzContext, Setup, audit_event, now_utc
from camroute.ptz.errors import DoNotMoveError, PtzLockedError
from camroute.ptz.models import PtzAction
from camroute.ptz.protected import (
    PtzProtectedZoneError,
    aimed_at,
    move_refusal,
    swept,
    zones_in_view,
)
from camroute.routing.index import CameraIndex
from camroute.routing.models import ProtectedHit
from camroute.store.txn import writing
from camroute.zones.rules import zone_details


@dataclass(frozen=True)
class Asking:
    """Who asks for a move, why, and for which incident and ticket (what the audit names)."""

    actor: Actor
    reason: str | None
    incident_id: str | None
    ticket_id: str | None


def refused(ctx: PtzContext, asking: Asking, camera_id: str, **details: Any) -> None:
    """Record a refused move in its own transaction (the caller raises the error after)."""
    with writing(ctx.engine) as conn:
        audit_event(
            conn,
            asking.actor,
            PtzAction.refused,
            camera_id,
            asking.incident_id,
            ticket_id=asking.ticket_id,
            **details,
        )


def _locked(control: store.Control, camera_id: str) -> PtzLockedError:
    until = control.lock_until.strftime("%H:%M:%S UTC") if control.lock_until else "?"
    detail = (
        f"camera {camera_id} is controlled by {control.holder} ({control.holder_role}) until "
        f"{until}; ask them, or a supervisor to take over"
    )
    return PtzLockedError(
        detail,
        holder=control.holder,
        holder_role=control.holder_role,
        lock_until=control.lock_until,
    )


def take_control(
    ctx: PtzContext,
    camera_id: str,
    *,
    actor: Actor,
    incident_id: str | None,
    ticket_id: str | None,
    take_over: bool = False,
) -> datetime:
    """Take or renew the camera's lock for ``actor``; refusals are audited, then raised."""
    now = now_utc()
    until = now + timedelta(seconds=ctx.lock_s)
    refusal: CamrouteError | None = None
    with writing(ctx.engine) as conn:
        control = store.ensure_control(conn, camera_id, now=now)
        ids = {"ticket_id": ticket_id}
        if control.do_not_move:
            refusal = DoNotMoveError(f"camera {camera_id} is marked do-not-move", field="camera_id")
        elif control.held_by_other(actor.name, now=now) and not (take_over and actor.supervisor):
            refusal = _locked(control, camera_id)
        if refusal is None and not store.claim(
            conn,
            camera_id,
            user=actor.name,
            role=actor.role,
            incident_id=incident_id,
            ticket_id=ticket_id,
            until=until,
            now=now,
            force=take_over,
        ):
            control = store.ensure_control(conn, camera_id, now=now)  # lost a race: who won
            refusal = _locked(control, camera_id)
        if refusal is not None:
            audit_event(
                conn, actor, PtzAction.refused, camera_id, incident_id, why=refusal.detail, **ids
            )
        elif take_over and control.held_by_other(actor.name, now=now):
            audit_event(
                conn,
                actor,
                PtzAction.taken_over,
                camera_id,
                incident_id,
                taken_from=control.holder,
                **ids,
            )
    if refusal is not None:
        raise refusal
    return until


def zones_at(ctx: PtzContext, setup: Setup, goal: PtzPosition) -> list[ProtectedHit]:
    """The protected zones the picture at ``goal`` reaches (``never`` first)."""
    bearing, hfov = aimed_at(setup.calibration, goal)
    return zones_in_view(
        ctx.engine, setup.camera, bearing_deg=bearing, hfov_deg=hfov, index=_index(ctx)
    )


def zones_on_the_way(
    ctx: PtzContext, setup: Setup, start: PtzPosition, goal: PtzPosition
) -> list[ProtectedHit]:
    """The protected zones the picture passes over turning from ``start`` to ``goal``."""
    middle, opening = swept(setup.calibration, start, goal)
    return zones_in_view(
        ctx.engine, setup.camera, bearing_deg=middle, hfov_deg=opening, index=_index(ctx)
    )


def goal_zones(
    ctx: PtzContext, setup: Setup, goal: PtzPosition, asking: Asking
) -> list[ProtectedHit]:
    """The protected zones the view at the move's goal reaches, if their policies allow it."""
    hits = zones_at(ctx, setup, goal)
    why = move_refusal(hits, supervisor=asking.actor.supervisor, reason=asking.reason)
    _refuse_if(ctx, setup, asking, why, hits)
    return hits


def swept_zones(
    ctx: PtzContext,
    setup: Setup,
    goal: PtzPosition,
    asking: Asking,
    *,
    start: PtzPosition,
    at_goal: list[ProtectedHit],
) -> list[ProtectedHit]:
    """``at_goal`` and the zones the picture passes over turning from ``start``, if allowed."""
    seen = {h.zone_id for h in at_goal}
    passed = [h for h in zones_on_the_way(ctx, setup, start, goal) if h.zone_id not in seen]
    why = move_refusal(
        passed, supervisor=asking.actor.supervisor, reason=asking.reason, on_the_way=True
    )
    hits = [*at_goal, *passed]
    _refuse_if(ctx, setup, asking, why, hits)
    return hits


def _index(ctx: PtzContext) -> CameraIndex | None:
    return ctx.index() if ctx.index is not None else None


def _refuse_if(
    ctx: PtzContext, setup: Setup, asking: Asking, why: str | None, hits: list[ProtectedHit]
) -> None:
    if why is None:
        return
    refused(
        ctx,
        asking,
        setup.camera_id,
        why=why,
        code=PtzProtectedZoneError.code,
        protected_zones=zone_details(hits),
    )
    raise PtzProtectedZoneError(why, zones=hits)
