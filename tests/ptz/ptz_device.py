"""A fake ONVIF PTZ camera for the aiming tests: the ONVIF fake of the probe tests, with a head.

The head (:class:`MovingHead`) moves at a finite speed in device units per second, points
where its own (hidden) mounting says: pan 0 faces ``pan_offset_deg`` and pan grows
anticlockwise, tilt is inverted (positive looks down), and its zoom follows a non-linear lens
curve. ``GetStatus`` answers where it really is and whether it still moves. Every PTZ
operation checks the WS-UsernameToken digest like the rest of the device.

Operations not about PTZ go to :func:`onvif_device.answer` unchanged.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring
from tests.cameras.onvif_device import (
    NS,
    SOAP,
    FakeCamera,
    _envelope,
    answer,
    digest_ok,
    fault,
)
from tests.cameras.onvif_device import running as onvif_running
from tests.cameras.onvif_ptz import GENERIC_PAN_TILT, GENERIC_ZOOM, PtzHead

Position = tuple[float, float, float]


@dataclass
class MovingHead(PtzHead):
    """A PTZ head with its own mounting, a finite speed, soft limits and presets."""

    speed_per_s: float = 25.0  # device units per second, every axis
    pan_offset_deg: float = 137.0  # true bearing at pan 0
    pan_sign: int = -1  # pan grows anticlockwise
    pan_deg_per_unit: float = 180.0
    tilt_zero_deg: float = 1.5  # level is not tilt 0 on this mount
    tilt_sign: int = -1  # inverted: positive tilt looks down
    tilt_deg_per_unit: float = 45.0
    # Where the head really stops: narrower than the space it advertises.
    tilt_limit: tuple[float, float] = (-0.5, 1.0)
    presets: dict[str, tuple[str, Position]] = field(default_factory=dict)
    home: Position = (0.0, 0.0, 0.0)
    moves: list[Position] = field(default_factory=list)
    _start: Position = (0.0, 0.0, 0.0)
    _goal: Position = (0.0, 0.0, 0.0)
    _t0: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hfov_deg(self, zoom: float) -> float:
        """The lens: 62 deg wide, 2.2 deg at full zoom, focal length growing as zoom^1.6."""
        return math.degrees(2.0 * math.atan(math.tan(math.radians(31.0)) / (1 + 29 * zoom**1.6)))

    def direction(self, pan: float, tilt: float) -> tuple[float, float]:
        """Where the head truly looks at ``pan``, ``tilt``: (bearing_deg, elevation_deg)."""
        bearing = (self.pan_offset_deg + self.pan_sign * self.pan_deg_per_unit * pan) % 360.0
        return bearing, self.tilt_zero_deg + self.tilt_sign * self.tilt_deg_per_unit * tilt

    def pan_tilt_for(self, bearing_deg: float, elevation_deg: float) -> tuple[float, float]:
        """The exact device pan/tilt facing a direction (what an operator's joystick finds)."""
        turn = ((bearing_deg - self.pan_offset_deg + 180.0) % 360.0) - 180.0
        pan = self.pan_sign * turn / self.pan_deg_per_unit
        tilt = self.tilt_sign * (elevation_deg - self.tilt_zero_deg) / self.tilt_deg_per_unit
        return pan, tilt

    def now(self) -> tuple[Position, bool]:
        """The head's position at this instant, and whether it is still moving."""
        with self._lock:
            travelled = (time.monotonic() - self._t0) * self.speed_per_s
            axes = []
            for a, b in zip(self._start, self._goal, strict=True):
                arrived = travelled >= abs(b - a)
                axes.append(b if arrived else a + math.copysign(travelled, b - a))
            pos = (axes[0], axes[1], axes[2])
            return pos, pos != self._goal

    def move(self, goal: Position) -> None:
        """Start moving to ``goal`` from wherever the head is now."""
        current, _ = self.now()
        with self._lock:
            self._start, self._goal, self._t0 = current, goal, time.monotonic()
            self.moves.append(goal)

    def refusal(self, goal: Position) -> str | None:
        """Why the head will not go to ``goal`` (None: it will)."""
        pan, tilt, zoom = goal
        (p0, p1), (z0, z1), (t0, t1) = self.pan_range, self.zoom_range, self.tilt_limit
        if not (p0 <= pan <= p1 and z0 <= zoom <= z1 and t0 <= tilt <= t1):
            return f"position {pan:.3f},{tilt:.3f},{zoom:.3f} is outside the PTZ limits"
        return None


def _vector(element: Element | None, name: str) -> Element | None:
    return None if element is None else element.find(f"{{{NS['tt']}}}{name}")


def _goal(request: Element, head: MovingHead) -> Position:
    position = request.find(f"{{{NS['tptz']}}}Position")
    current, _ = head.now()
    pan_tilt, zoom = _vector(position, "PanTilt"), _vector(position, "Zoom")
    pan = float(pan_tilt.get("x", current[0])) if pan_tilt is not None else current[0]
    tilt = float(pan_tilt.get("y", current[1])) if pan_tilt is not None else current[1]
    z = float(zoom.get("x", current[2])) if zoom is not None else current[2]
    return pan, tilt, z


def _position_xml(tag: str, pos: Position) -> str:
    return (
        f'<tt:{tag}><tt:PanTilt x="{pos[0]:.6f}" y="{pos[1]:.6f}" space="{GENERIC_PAN_TILT}"/>'
        f'<tt:Zoom x="{pos[2]:.6f}" space="{GENERIC_ZOOM}"/></tt:{tag}>'
    )


def _ok(body: str) -> tuple[int, bytes]:
    return 200, _envelope(body)


def _absolute_move(cam: PtzCamera, request: Element) -> tuple[int, bytes]:
    goal = _goal(request, cam.head)
    why = cam.head.refusal(goal)
    if why is not None:
        return 400, fault("InvalidArgVal", why)
    cam.head.move(goal)
    return _ok("<tptz:AbsoluteMoveResponse/>")


def _status(cam: PtzCamera, _: Element) -> tuple[int, bytes]:
    pos, moving = cam.head.now()
    state = "MOVING" if moving else "IDLE"
    return _ok(
        "<tptz:GetStatusResponse><tptz:PTZStatus>"
        + _position_xml("Position", pos)
        + f"<tt:MoveStatus><tt:PanTilt>{state}</tt:PanTilt><tt:Zoom>{state}</tt:Zoom>"
        "</tt:MoveStatus><tt:UtcTime>2026-12-04T18:00:00Z</tt:UtcTime>"
        "</tptz:PTZStatus></tptz:GetStatusResponse>"
    )


def _presets(cam: PtzCamera, _: Element) -> tuple[int, bytes]:
    rows = "".join(
        f'<tptz:Preset token="{token}"><tt:Name>{name}</tt:Name>'
        + _position_xml("PTZPosition", pos)
        + "</tptz:Preset>"
        for token, (name, pos) in cam.head.presets.items()
    )
    return _ok(f"<tptz:GetPresetsResponse>{rows}</tptz:GetPresetsResponse>")


def _goto_preset(cam: PtzCamera, request: Element) -> tuple[int, bytes]:
    token = request.findtext(f"{{{NS['tptz']}}}PresetToken") or ""
    if token not in cam.head.presets:
        return 400, fault("NoToken", f"no preset {token}")
    cam.head.move(cam.head.presets[token][1])
    return _ok("<tptz:GotoPresetResponse/>")


def _goto_home(cam: PtzCamera, _: Element) -> tuple[int, bytes]:
    cam.head.move(cam.head.home)
    return _ok("<tptz:GotoHomePositionResponse/>")


PtzOperation = Callable[["PtzCamera", Element], tuple[int, bytes]]
PTZ_OPERATIONS: dict[str, PtzOperation] = {
    "AbsoluteMove": _absolute_move,
    "GetStatus": _status,
    "GetPresets": _presets,
    "GotoPreset": _goto_preset,
    "GotoHomePosition": _goto_home,
}


@dataclass
class PtzCamera(FakeCamera):
    """The ONVIF fake with a :class:`MovingHead` (``ptz=None`` makes a camera that cannot move)."""

    head: MovingHead = field(default_factory=MovingHead)
    # Operation name -> seconds the device sits on the request before answering.
    delay_s: dict[str, float] = field(default_factory=dict)
    # The profile token of each PTZ request, in order (which channel's head was driven).
    ptz_tokens: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.ptz is not None:
            self.ptz = self.head


def ptz_answer(cam: PtzCamera, body: bytes) -> tuple[int, bytes]:
    """The device's answer to one request: PTZ operations here, the rest by the ONVIF fake."""
    envelope = fromstring(body)
    request = envelope.find(f"{{{SOAP}}}Body/*")
    name = "" if request is None else request.tag.rsplit("}", 1)[-1]
    time.sleep(cam.delay_s.get(name, 0.0))
    if request is None or name not in PTZ_OPERATIONS or cam.ptz is None:
        return answer(cam, body)
    cam.calls.append(name)
    header = envelope.find(f"{{{SOAP}}}Header")
    if not digest_ok(header, username=cam.username, password=cam.password):
        return 400, fault("NotAuthorized", "Sender not Authorized")
    token = request.findtext(f"{{{NS['tptz']}}}ProfileToken") or ""
    cam.ptz_tokens.append(token)
    if token not in {p.token for p in cam.profiles}:  # a reset renamed them, as real ones do
        return 400, fault("NoProfile", f"no profile {token}")
    return PTZ_OPERATIONS[name](cam, request)


@contextmanager
def running(camera: PtzCamera) -> Iterator[str]:
    """Serve ``camera`` on a free loopback port; yields its ONVIF device URL."""
    with onvif_running(camera, ptz_answer) as url:
        yield url
