"""Move one camera over ONVIF PTZ and read where it stopped (edge: network I/O).

Each operation is one link (:mod:`camroute.ptz.link`): bounded by one deadline, on what the
camera said about itself before where that is kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import zeep.exceptions

from camroute.ptz.aim import Preset, PtzPosition
from camroute.ptz.known import KnownDevices
from camroute.ptz.link import PtzAccount, PtzLink, on_link
from camroute.ptz.models import PtzStatus


@dataclass(frozen=True)
class Moved:
    """One move: where the head was, where it settled, the preset used (if any), how long."""

    before: PtzStatus
    after: PtzStatus
    preset: Preset | None
    took_s: float


async def _presets_or_none(link: PtzLink) -> list[Preset]:
    try:
        return await link.presets()
    except zeep.exceptions.Fault:
        return []  # presets are optional: a camera that has none still aims


async def move_and_settle(
    account: PtzAccount,
    *,
    goal: PtzPosition | Callable[[PtzStatus], PtzPosition],
    choose: Callable[[list[Preset]], Preset | None] | None = None,
    timeout_s: float = 8.0,
    known: KnownDevices | None = None,
) -> Moved:
    """Move to ``goal`` (or to the preset ``choose`` picks from the camera's), until it stops.

    ``goal`` may be decided from where the head points before the move, on the same link (a
    link costs a connection and a few requests, each a round trip to the camera): a callable
    given the head's status, which refuses the move by raising before anything is sent (see
    :meth:`PtzLink.off_the_clock`). ``choose`` runs after it, also off the camera's clock (it
    may judge a preset against the store).
    """
    started = time.monotonic()

    async def move(link: PtzLink) -> Moved:
        before = await link.status()
        link.doing = "the move"
        to = goal if isinstance(goal, PtzPosition) else link.off_the_clock(goal, before)
        presets = [] if choose is None else await _presets_or_none(link)
        preset = None if choose is None else link.off_the_clock(choose, presets)
        if preset is not None:
            await link.goto_preset(preset.token)
        else:
            await link.absolute_move(to)
        after = await link.settle(preset.position if preset is not None else to)
        return Moved(before, after, preset, time.monotonic() - started)

    return await on_link(
        account, move, timeout_s=timeout_s, doing="reading its position", known=known
    )


async def read_status(
    account: PtzAccount, *, timeout_s: float = 4.0, known: KnownDevices | None = None
) -> PtzStatus:
    """Where the camera points now."""
    return await on_link(
        account, PtzLink.status, timeout_s=timeout_s, doing="reading its position", known=known
    )


async def read_presets(
    account: PtzAccount, *, timeout_s: float = 4.0, known: KnownDevices | None = None
) -> list[Preset]:
    """The camera's presets."""
    return await on_link(
        account, PtzLink.presets, timeout_s=timeout_s, doing="listing presets", known=known
    )


async def go_home(
    account: PtzAccount, *, timeout_s: float = 8.0, known: KnownDevices | None = None
) -> PtzStatus:
    """Send the camera to its home position and wait until it stops there."""

    async def home(link: PtzLink) -> PtzStatus:
        await link.goto_home()
        return await link.settle(None)

    return await on_link(account, home, timeout_s=timeout_s, doing="returning home", known=known)
