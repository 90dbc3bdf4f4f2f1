"""The fake ONVIF camera's PTZ head and its SOAP operations (PTZ service, ver20).

Kept apart so the aiming work of issue #13 can give the head its own offset, inverted tilt
or zoom curve, and add operations (GotoPreset, Stop, ...) next to these.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

NS = {
    "tptz": "http://www.onvif.org/ver20/ptz/wsdl",
    "tt": "http://www.onvif.org/ver10/schema",
}
GENERIC_PAN_TILT = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace"
GENERIC_ZOOM = "http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace"

Position = tuple[float, float, float]  # pan, tilt, zoom in the head's own spaces


@dataclass
class PtzHead:
    """The camera's PTZ node: its spaces, and a head that moves at a finite speed.

    ``AbsoluteMove`` starts a move from where the head is now towards the target, each axis
    at its speed (space units per second); ``GetStatus`` answers the position at that
    moment. The clock is injectable so aiming tests can step time instead of sleeping.
    """

    pan_range: tuple[float, float] = (-1.0, 1.0)
    tilt_range: tuple[float, float] = (-1.0, 1.0)
    zoom_range: tuple[float, float] = (0.0, 1.0)
    pan_tilt_space: str = GENERIC_PAN_TILT
    zoom_space: str = GENERIC_ZOOM
    speed_per_s: Position = (1.0, 1.0, 0.5)
    clock: Callable[[], float] = time.monotonic
    start: Position = (0.0, 0.0, 0.0)
    target: Position = (0.0, 0.0, 0.0)
    started_at: float = 0.0

    def position(self) -> Position:
        """Where the head is now: each axis moved towards its target at its speed."""
        elapsed = self.clock() - self.started_at
        moved = []
        for a, b, speed in zip(self.start, self.target, self.speed_per_s, strict=True):
            step = speed * elapsed
            moved.append(b if abs(b - a) <= step else a + step * (1 if b > a else -1))
        return moved[0], moved[1], moved[2]

    def moving(self) -> bool:
        """Whether any axis has not reached its target yet."""
        return self.position() != self.target

    def out_of_range(self, target: Position) -> str | None:
        """Why ``target`` is outside the head's spaces, or None."""
        ranges = (self.pan_range, self.tilt_range, self.zoom_range)
        for name, value, (low, high) in zip(("pan", "tilt", "zoom"), target, ranges, strict=True):
            if not low <= value <= high:
                return f"{name} {value} outside [{low}, {high}]"
        return None

    def move_to(self, target: Position) -> None:
        """Start moving from the current position towards ``target``."""
        self.start, self.target, self.started_at = self.position(), target, self.clock()

    def spaces_xml(self) -> str:
        """``tt:PTZSpaces`` content: the absolute pan/tilt and zoom position spaces."""
        (p0, p1), (t0, t1), (z0, z1) = self.pan_range, self.tilt_range, self.zoom_range
        return (
            f"<tt:AbsolutePanTiltPositionSpace><tt:URI>{self.pan_tilt_space}</tt:URI>"
            f"{_range('XRange', p0, p1)}{_range('YRange', t0, t1)}"
            "</tt:AbsolutePanTiltPositionSpace>"
            f"<tt:AbsoluteZoomPositionSpace><tt:URI>{self.zoom_space}</tt:URI>"
            f"{_range('XRange', z0, z1)}</tt:AbsoluteZoomPositionSpace>"
        )


def _range(tag: str, low: float, high: float) -> str:
    return f"<tt:{tag}><tt:Min>{low}</tt:Min><tt:Max>{high}</tt:Max></tt:{tag}>"


def nodes(head: PtzHead, _: Element) -> str:
    """GetNodes: the one node and its spaces."""
    return (
        '<tptz:GetNodesResponse><tptz:PTZNode token="PTZNODE_1" FixedHomePosition="false">'
        f"<tt:Name>PTZ</tt:Name><tt:SupportedPTZSpaces>{head.spaces_xml()}"
        "</tt:SupportedPTZSpaces><tt:MaximumNumberOfPresets>300</tt:MaximumNumberOfPresets>"
        "<tt:HomeSupported>true</tt:HomeSupported></tptz:PTZNode></tptz:GetNodesResponse>"
    )


def configuration_options(head: PtzHead, _: Element) -> str:
    """GetConfigurationOptions: the same spaces and the move timeout range."""
    return (
        "<tptz:GetConfigurationOptionsResponse><tptz:PTZConfigurationOptions>"
        f"<tt:Spaces>{head.spaces_xml()}</tt:Spaces><tt:PTZTimeout><tt:Min>PT1S</tt:Min>"
        "<tt:Max>PT60S</tt:Max></tt:PTZTimeout></tptz:PTZConfigurationOptions>"
        "</tptz:GetConfigurationOptionsResponse>"
    )


def _vector(request: Element, name: str, current: Position) -> Position:
    """The target of a move request; axes it leaves out keep their current value."""
    tt = NS["tt"]
    pan_tilt = request.find(f"{{{NS['tptz']}}}{name}/{{{tt}}}PanTilt")
    zoom = request.find(f"{{{NS['tptz']}}}{name}/{{{tt}}}Zoom")
    pan, tilt, z = current
    if pan_tilt is not None:
        pan, tilt = float(pan_tilt.get("x", pan)), float(pan_tilt.get("y", tilt))
    if zoom is not None:
        z = float(zoom.get("x", z))
    return pan, tilt, z


class SoapFaultError(Exception):
    """An operation's refusal, answered as a SOAP fault with this ``ter:`` subcode."""

    def __init__(self, subcode: str, reason: str) -> None:
        super().__init__(reason)
        self.subcode, self.reason = subcode, reason


def absolute_move(head: PtzHead, request: Element) -> str:
    """AbsoluteMove: start moving, or refuse a target outside the spaces."""
    target = _vector(request, "Position", head.position())
    why = head.out_of_range(target)
    if why is not None:
        raise SoapFaultError("InvalidPosition", why)
    head.move_to(target)
    return "<tptz:AbsoluteMoveResponse/>"


def status(head: PtzHead, _: Element) -> str:
    """GetStatus: where the head is now and whether it still moves."""
    pan, tilt, zoom = head.position()
    state = "MOVING" if head.moving() else "IDLE"
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        "<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position>"
        f'<tt:PanTilt x="{pan}" y="{tilt}" space="{head.pan_tilt_space}"/>'
        f'<tt:Zoom x="{zoom}" space="{head.zoom_space}"/></tt:Position>'
        f"<tt:MoveStatus><tt:PanTilt>{state}</tt:PanTilt><tt:Zoom>{state}</tt:Zoom>"
        f"</tt:MoveStatus><tt:UtcTime>{now}</tt:UtcTime></tptz:PTZStatus>"
        "</tptz:GetStatusResponse>"
    )


Operation = Callable[[PtzHead, Element], str]
OPERATIONS: dict[str, Operation] = {
    "GetNodes": nodes,
    "GetConfigurationOptions": configuration_options,
    "AbsoluteMove": absolute_move,
    "GetStatus": status,
}
