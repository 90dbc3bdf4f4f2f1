"""The protected zones a PTZ camera sees where it points now, for the live-ticket rules.

The ranking marks a PTZ camera with every zone its range circle reaches: it *could* turn
there. Refusing its ticket for that alone would take a city's PTZ cameras near any school
off the map, so when the circle reaches a zone the ticket rules ask the head where it points
(``GetStatus``, bounded by the settle timeout) and judge the picture it gives now, as a move
would be judged (:mod:`camroute.ptz.protected`). When the head does not answer, is still
moving (a move or a return home under way ends elsewhere), is controlled by someone (who may
turn it at any moment: a move may be starting), has no ONVIF address, or is not a PTZ
camera, there is no answer here and the circle decides (fail safe).
Aiming into the zone afterwards is refused by the move rule.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from camroute.errors import CamrouteError
from camroute.ptz import store
from camroute.ptz.context import PtzContext, camera_setup, now_utc
from camroute.ptz.onvif_ptz import read_status
from camroute.ptz.protected import aimed_at, zones_in_view
from camroute.routing.models import ProtectedHit

JUDGED_BY = "ptz_current_aim"  # the audit's word for a ticket judged by the head's aim


def zones_at_current_aim(ctx: PtzContext, camera: Mapping[str, Any]) -> list[ProtectedHit] | None:
    """The zones the PTZ camera's picture reaches now; None when its aim cannot be read."""
    if camera["kind"] != "ptz":
        return None
    try:
        with ctx.engine.connect() as conn:
            setup = camera_setup(conn, str(camera["id"]), cipher=ctx.cipher)
            if store.controlled(conn, setup.camera_id, now=now_utc()):
                return None  # its holder may turn it at any moment (a move may be starting)
        status = asyncio.run(read_status(setup.account, timeout_s=ctx.timeout_s, known=ctx.known))
    except CamrouteError:
        return None
    if status.moving:  # its picture is on its way elsewhere: the circle decides
        return None
    bearing, hfov = aimed_at(setup.calibration, status.position)
    index = ctx.index() if ctx.index is not None else None
    return zones_in_view(ctx.engine, camera, bearing_deg=bearing, hfov_deg=hfov, index=index)
