"""One bounded ONVIF PTZ link to a camera (edge: network I/O).

The same client as the probe (``onvif-zeep-async``, bundled WSDLs, no schema fetched). A
link's whole use, connect included, runs under one deadline, so a hung camera costs at most
that long, never a hung request. What the camera said about itself on an earlier link is
used where kept (:mod:`camroute.ptz.known`). Failures become the typed errors of
:mod:`camroute.ptz.errors`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import zeep.helpers
from onvif.exceptions import ONVIFError

from camroute.cameras.onvif_client import _Camera, channel_profiles, explain, media_profile
from camroute.errors import CamrouteError
from camroute.ptz.aim import Preset, PtzPosition
from camroute.ptz.errors import NoPtzError, PtzRefusedError, PtzTimeoutError, PtzUpstreamError
from camroute.ptz.known import Known, KnownDevices
from camroute.ptz.models import PtzStatus

POLL_S: Final = 0.05
SAME_UNITS: Final = 1e-4  # two readings this close: the head has stopped
T = TypeVar("T")
A = TypeVar("A")


@dataclass(frozen=True)
class PtzAccount:
    """Where the camera's ONVIF device service is, the account that opens it, its channel.

    ``channel``: the camera's video channel on an NVR (1, 2, ...), whose first profile with a
    PTZ configuration the link drives; None: the device's first.
    """

    url: str
    username: str | None
    password: str | None
    channel: int | None = None


def _plain(value: Any) -> Any:
    return zeep.helpers.serialize_object(value, dict)  # type: ignore[no-untyped-call]


def _at(data: Any, *path: str) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, Mapping) else None
    return data


def _position(raw: Any) -> PtzPosition | None:
    pan, tilt = _at(raw, "PanTilt", "x"), _at(raw, "PanTilt", "y")
    zoom = _at(raw, "Zoom", "x")
    if pan is None or tilt is None:
        return None
    return PtzPosition(pan=float(pan), tilt=float(tilt), zoom=float(zoom or 0.0))


class _Decided(Exception):  # noqa: N818 (a carrier, not an error of its own)
    """What a decision made on an open link raised: passed on as it is, not as the camera's."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(repr(error))
        self.error = error


class PtzLink:
    """An open PTZ service on one camera, driving one media profile."""

    def __init__(
        self,
        service: Any,
        profile_token: str,
        deadline: asyncio.Timeout | None = None,
        *,
        doing: str = "the request",
    ) -> None:
        self._service = service
        self.profile_token = profile_token
        self._deadline = deadline
        self.doing = doing  # what a failure now is said to have stopped (the user reads it)
        self.answered = 0  # requests the camera has answered on this link

    async def _ask(self, operation: str, request: dict[str, Any]) -> Any:
        answer = await getattr(self._service, operation)(request)
        self.answered += 1
        return answer

    def off_the_clock(self, decide: Callable[[A], T], given: A) -> T:
        """``decide(given)``, run here and not counted against the camera's time.

        A decision reads and writes the store (the zones, the lock): a slow store must neither
        be blamed on the camera nor leave a lock taken for a move the deadline then cancels.
        It runs in this thread, so the deadline cannot fire during it; the deadline is then
        moved on by the time it took. What it raises is passed on unchanged.
        """
        loop = asyncio.get_running_loop()
        began = loop.time()
        try:
            decided = decide(given)
        except BaseException as exc:
            raise _Decided(exc) from exc
        deadline = self._deadline
        if deadline is not None and (when := deadline.when()) is not None:
            deadline.reschedule(when + loop.time() - began)
        return decided

    async def status(self) -> PtzStatus:
        """Where the head is and whether it still moves (GetStatus)."""
        raw = _plain(await self._ask("GetStatus", {"ProfileToken": self.profile_token}))
        position = _position(_at(raw, "Position"))
        if position is None:
            raise PtzUpstreamError("GetStatus named no pan/tilt position")
        moves = [_at(raw, "MoveStatus", axis) for axis in ("PanTilt", "Zoom")]
        moving = any(str(m).upper() == "MOVING" for m in moves if m is not None)
        return PtzStatus(position=position, moving=moving)

    async def absolute_move(self, goal: PtzPosition) -> None:
        """Start an AbsoluteMove to ``goal`` (the camera answers before it gets there)."""
        await self._ask(
            "AbsoluteMove",
            {
                "ProfileToken": self.profile_token,
                "Position": {"PanTilt": {"x": goal.pan, "y": goal.tilt}, "Zoom": {"x": goal.zoom}},
            },
        )

    async def goto_preset(self, token: str) -> None:
        """Start moving to a stored preset."""
        request = {"ProfileToken": self.profile_token, "PresetToken": token}
        await self._ask("GotoPreset", request)

    async def goto_home(self) -> None:
        """Start moving to the home position."""
        await self._ask("GotoHomePosition", {"ProfileToken": self.profile_token})

    async def presets(self) -> list[Preset]:
        """The camera's stored presets (those without a position are kept, position None)."""
        raw = _plain(await self._ask("GetPresets", {"ProfileToken": self.profile_token}))
        return [
            Preset(
                token=str(_at(item, "token")),
                name=_at(item, "Name"),
                position=_position(_at(item, "PTZPosition")),
            )
            for item in raw or []
            if _at(item, "token")
        ]

    async def settle(self, goal: PtzPosition | None, *, poll_s: float = POLL_S) -> PtzStatus:
        """Poll GetStatus until the head stops: at ``goal``, or still over three readings.

        Some heads report IDLE for a moment before they start, hence the three readings.
        """
        last: PtzStatus | None = None
        still = 0
        while True:
            now = await self.status()
            same = last is not None and now.position.distance(last.position) <= SAME_UNITS
            still = still + 1 if same and not now.moving else 0
            at_goal = goal is not None and now.position.distance(goal) <= SAME_UNITS
            if not now.moving and (at_goal or still >= 2):
                return now
            last = now
            await asyncio.sleep(poll_s)


async def _profile_token(camera: _Camera, channel: int | None) -> str:
    media = await camera.create_media_service()
    profiles = _plain(await media.GetProfiles()) or []
    if channel is not None:  # an NVR: only the profiles of the camera's own video source
        named = [p for p in profiles if _at(p, "token")]
        ours = {p.token for p in channel_profiles([media_profile(p) for p in named], channel)}
        profiles = [p for p in named if str(_at(p, "token")) in ours]
    with_ptz = [p for p in profiles if _at(p, "PTZConfiguration") is not None]
    chosen = (with_ptz or profiles or [None])[0]
    token = _at(chosen, "token")
    if not token:
        raise NoPtzError("the camera has no media profile with a PTZ configuration")
    return str(token)


def _translate(exc: BaseException, *, timeout_s: float, doing: str) -> CamrouteError:
    if isinstance(exc, CamrouteError):
        return exc
    probe = explain(exc, timeout_s=timeout_s)
    if probe.kind == "timeout":
        return PtzTimeoutError(f"the camera did not finish {doing} within {timeout_s:g} s")
    if probe.kind == "refused":
        return PtzRefusedError(f"the camera refused {doing}: {probe.reason}")
    return PtzUpstreamError(f"{doing} failed ({probe.kind}): {probe.reason}")


def _stale_facts_could_say(exc: BaseException, timeout_s: float) -> bool:
    """A refusal (a SOAP fault: no such profile) or a request not through (moved path)."""
    if isinstance(exc, CamrouteError):
        return False  # ours, from what the camera answered
    try:
        kind = explain(exc, timeout_s=timeout_s).kind
    except Exception:  # not the client's: passed on as it is
        return False
    return kind in ("refused", "unreachable")


class _Unproven(Exception):  # noqa: N818 (a signal to ask again, never seen outside)
    """A link on kept facts failed before the camera answered anything on it."""


async def on_link(
    account: PtzAccount,
    body: Callable[[PtzLink], Awaitable[T]],
    *,
    timeout_s: float,
    doing: str,
    known: KnownDevices | None = None,
) -> T:
    """``body`` on a PTZ link to the camera, the whole of it (connect included) in ``timeout_s``.

    With ``known``, the camera's service addresses and PTZ profile are those it gave on an
    earlier link, which saves the two discovery round trips. If the camera refuses such a
    link, or a request on it does not get through, before it has answered anything on it (a
    reset renamed its profiles, a firmware moved a service), the facts are forgotten and
    ``body`` runs once more on a link that asks again, within the same deadline. Not after a
    timeout, an unreadable answer or refused credentials: asking again cannot mend those. A
    body's first request is a reading or an absolute move (to a position, a preset, home),
    so if the camera acted on it and its answer was lost, sending it again leaves the head
    where the first would have.
    """
    until = asyncio.get_running_loop().time() + timeout_s
    kept = known.get(account) if known is not None else None
    if known is not None and kept is not None:
        try:
            return await _attempt(account, body, kept, until, timeout_s, doing, known)
        except _Unproven:
            known.forget(account)
    return await _attempt(account, body, None, until, timeout_s, doing, known)


async def _attempt(
    account: PtzAccount,
    body: Callable[[PtzLink], Awaitable[T]],
    kept: Known | None,
    until: float,
    timeout_s: float,
    doing: str,
    known: KnownDevices | None,
) -> T:
    camera = _Camera(account.url, account.username, account.password)
    link: PtzLink | None = None
    try:
        async with asyncio.timeout_at(until) as deadline:
            if kept is None:
                await camera.update_xaddrs()
            else:
                camera.xaddrs = dict(kept.xaddrs)
            try:
                service = await camera.create_ptz_service()
            except ONVIFError as exc:
                raise NoPtzError("the camera offers no ONVIF PTZ service") from exc
            if kept is not None:
                token = kept.profile_token
            else:
                token = await _profile_token(camera, account.channel)
            if known is not None and kept is None:
                known.remember(account, Known(tuple(camera.xaddrs.items()), token))
            link = PtzLink(service, token, deadline, doing=doing)
            return await body(link)
    except _Decided as decided:
        raise decided.error from None  # ours (a refusal, or a defect): not the camera's
    except Exception as exc:
        if known is not None:
            unanswered = link is None or link.answered == 0
            if kept is not None and unanswered and _stale_facts_could_say(exc, timeout_s):
                raise _Unproven from exc
            known.forget(account)
        step = doing if link is None else link.doing
        raise _translate(exc, timeout_s=timeout_s, doing=step) from exc
    finally:
        await camera.close()
