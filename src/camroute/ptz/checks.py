"""An aim's checks that need the camera's answers, run on the move's own link.

Before the head turns: the sweep from where it points (read on the link), the lock, the
preset it may go to instead, and the other live views its picture would show a protected
zone to. The zones at the computed goal are judged before the link opens
(:func:`camroute.ptz.guard.goal_zones`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from camroute.errors import CamrouteError
from camroute.ptz.aim import AimSolution, Preset, PtzPosition, Target, good_presets
from camroute.ptz.context import PtzContext, Setup
from camroute.ptz.guard import Asking, swept_zones, take_control, zones_at, zones_on_the_way
from camroute.ptz.models import PtzStatus
from camroute.ptz.viewers import close_other_views
from camroute.routing.models import ProtectedHit


@dataclass
class MoveChecks:
    """One aim's checks on its link: ``goal``, then ``preset`` (which the aim always asks).

    The head may go to a stored preset instead of the computed position (it lands exactly).
    A preset may show more than the computed move (zoomed out, a little off), so it is judged
    by its own picture and its own sweep: one reaching a protected zone the computed move
    does not is passed over (the narrower view is the one to take), whoever asks and why.
    Once the end is known, the views its zones would be shown to are closed.
    """

    ctx: PtzContext
    setup: Setup
    target: Target
    solution: AimSolution
    asking: Asking
    take_over: bool
    zones: list[ProtectedHit]  # those at the end, then those swept over too
    until: datetime | None = None
    refusals: list[CamrouteError] = field(default_factory=list)  # audited where raised
    start: PtzPosition | None = None  # where the head pointed before the move
    closed: list[str] = field(default_factory=list)  # whose views the move's zones closed
    sending: bool = False  # the move is sent once ``preset`` returns

    def goal(self, before: PtzStatus) -> PtzPosition:
        """Judge the sweep from ``before``, then take the lock."""
        self.start = before.position
        try:
            self.zones = swept_zones(
                self.ctx,
                self.setup,
                self.solution.position,
                self.asking,
                start=before.position,
                at_goal=self.zones,
            )
            self.until = take_control(
                self.ctx,
                self.setup.camera_id,
                actor=self.asking.actor,
                incident_id=self.asking.incident_id,
                ticket_id=self.asking.ticket_id,
                take_over=self.take_over,
            )
        except CamrouteError as exc:
            self.refusals.append(exc)
            raise
        return self.solution.position

    def preset(self, presets: list[Preset]) -> Preset | None:
        """The preset to go to (None: the computed move); the views to close are closed."""
        chosen = self._pick(presets)
        self.close_views(wait=True)  # the streams stop before the head turns
        self.sending = True
        return chosen

    def close_views(self, *, wait: bool = False) -> None:
        """Close the live views the move's zones would be shown to (see ``ptz.viewers``)."""
        closed = close_other_views(
            self.ctx,
            self.setup.camera_id,
            actor=self.asking.actor,
            incident_id=self.asking.incident_id,
            zones=self.zones,
            wait=wait,
        )
        self.closed = sorted({*self.closed, *closed})

    def _pick(self, presets: list[Preset]) -> Preset | None:
        if self.start is None:  # cannot happen: the goal is judged first
            return None
        cal, pose = self.setup.calibration, self.setup.pose
        allowed = {h.zone_id for h in self.zones}
        for preset in good_presets(presets, cal, pose, self.target, self.solution):
            assert preset.position is not None  # good presets say where they point
            at_end = zones_at(self.ctx, self.setup, preset.position)
            seen = {h.zone_id for h in at_end}
            passed = zones_on_the_way(self.ctx, self.setup, self.start, preset.position)
            if seen | {h.zone_id for h in passed} <= allowed:
                self.zones = [*at_end, *(h for h in passed if h.zone_id not in seen)]
                return preset
        return None
