"""A fake ONVIF camera for the tests: SOAP 1.2 over HTTP on loopback, in a thread.

It answers the operations ``onvif-zeep-async`` sends when camroute probes a camera
(GetServices / GetCapabilities, GetSystemDateAndTime, GetDeviceInformation, GetProfiles,
GetStreamUri, GetSnapshotUri, PTZ GetNodes / GetConfigurationOptions) and checks the
WS-UsernameToken PasswordDigest of each authenticated request, answering a SOAP Fault
``ter:NotAuthorized`` when it does not match, as real cameras do.

Requests are parsed with defusedxml (no entity expansion). The PTZ head is its own object
(:class:`PtzHead`) so the aiming tests of issue #13 can give it a speed, an offset and
``AbsoluteMove`` / ``GetStatus`` without touching the rest.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

from defusedxml.ElementTree import fromstring

SOAP = "http://www.w3.org/2003/05/soap-envelope"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
NS = {
    "tds": "http://www.onvif.org/ver10/device/wsdl",
    "trt": "http://www.onvif.org/ver10/media/wsdl",
    "tptz": "http://www.onvif.org/ver20/ptz/wsdl",
    "tt": "http://www.onvif.org/ver10/schema",
    "ter": "http://www.onvif.org/ver10/error",
}
GENERIC_PAN_TILT = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace"
GENERIC_ZOOM = "http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace"
# Operations a camera answers without credentials (ONVIF Core, "pre-auth" access class).
UNAUTHENTICATED = frozenset({"GetSystemDateAndTime"})


@dataclass
class Profile:
    """One media profile: a name, an encoder setting, and the stream it serves."""

    token: str
    name: str
    encoding: str
    width: int
    height: int
    ptz: bool = False


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


def _profiles() -> list[Profile]:
    return [
        Profile("Profile_1", "mainStream", "H265", 2560, 1440, ptz=True),
        Profile("Profile_2", "subStream", "H264", 640, 360, ptz=True),
    ]


@dataclass
class FakeCamera:
    """What the device says and how it misbehaves; change fields between requests."""

    username: str = "admin"
    password: str = "Cam-pass-1"
    manufacturer: str = "HIKVISION"
    model: str = "DS-2DE4425IW-DE"
    firmware: str = "V5.7.3 build 220112"
    profiles: list[Profile] = field(default_factory=_profiles)
    ptz: PtzHead | None = field(default_factory=PtzHead)
    # The host:port the device puts in the URIs it returns (set by :func:`running`).
    address: str = ""
    # The host:port put into the service addresses instead (a camera behind NAT, or one
    # pointing elsewhere); empty: its own address.
    advertised: str = ""
    # Operation name -> raw body answered instead (a broken firmware, for the fault tests).
    broken: dict[str, bytes] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def stream_uri(self, token: str) -> str:
        """The RTSP URI of one profile (Hikvision style: channel 1, stream 01 / 02)."""
        index = [p.token for p in self.profiles].index(token) + 1
        return f"rtsp://{self.address.split(':')[0]}:554/Streaming/Channels/10{index}"

    def snapshot_uri(self, token: str) -> str:
        """The JPEG snapshot URI of one profile."""
        return f"http://{self.address}/ISAPI/Streaming/channels/101/picture?p={token}"


def digest_ok(header: Element | None, *, username: str, password: str) -> bool:
    """Whether ``header`` holds a UsernameToken whose PasswordDigest fits ``password``.

    PasswordDigest = Base64(SHA-1(nonce bytes + Created text + password)), OASIS
    WS-Security UsernameToken Profile 1.0, section 3.1.
    """
    token = None if header is None else header.find(f".//{{{WSSE}}}UsernameToken")
    if token is None:
        return False
    user = token.findtext(f"{{{WSSE}}}Username")
    given = token.findtext(f"{{{WSSE}}}Password")
    nonce = token.findtext(f"{{{WSSE}}}Nonce")
    created = token.findtext(f"{{{WSU}}}Created")
    if None in (user, given, nonce, created):
        return False
    assert nonce is not None
    assert created is not None
    digest = hashlib.sha1(
        base64.b64decode(nonce) + created.encode() + password.encode(), usedforsecurity=False
    ).digest()
    return user == username and given == base64.b64encode(digest).decode()


def _envelope(body: str) -> bytes:
    prefixes = " ".join(f'xmlns:{p}="{uri}"' for p, uri in NS.items())
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="{SOAP}" {prefixes}>'
        f"<env:Body>{body}</env:Body></env:Envelope>"
    ).encode()


def fault(subcode: str, reason: str) -> bytes:
    """A SOAP 1.2 Sender fault with an ONVIF ``ter:`` subcode."""
    return _envelope(
        "<env:Fault><env:Code><env:Value>env:Sender</env:Value>"
        f"<env:Subcode><env:Value>ter:{subcode}</env:Value></env:Subcode></env:Code>"
        f'<env:Reason><env:Text xml:lang="en">{escape(reason)}</env:Text></env:Reason>'
        "</env:Fault>"
    )


def _services(cam: FakeCamera, _: Element) -> str:
    base = f"http://{cam.advertised or cam.address}/onvif"
    rows = [("tds", "device_service"), ("trt", "Media"), ("tptz", "PTZ")]
    if cam.ptz is None:
        rows.pop()
    services = "".join(
        f"<tds:Service><tds:Namespace>{NS[p]}</tds:Namespace><tds:XAddr>{base}/{path}"
        "</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor>"
        "</tds:Version></tds:Service>"
        for p, path in rows
    )
    return f"<tds:GetServicesResponse>{services}</tds:GetServicesResponse>"


def _device_information(cam: FakeCamera, _: Element) -> str:
    return (
        f"<tds:GetDeviceInformationResponse><tds:Manufacturer>{escape(cam.manufacturer)}"
        f"</tds:Manufacturer><tds:Model>{escape(cam.model)}</tds:Model>"
        f"<tds:FirmwareVersion>{escape(cam.firmware)}</tds:FirmwareVersion>"
        "<tds:SerialNumber>DS0000000001</tds:SerialNumber><tds:HardwareId>88</tds:HardwareId>"
        "</tds:GetDeviceInformationResponse>"
    )


def _system_date_and_time(_: FakeCamera, __: Element) -> str:
    return (
        "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
        "<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>"
        "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
    )


def _profile_xml(profile: Profile, ptz: bool) -> str:
    ptz_xml = (
        '<tt:PTZConfiguration token="PTZ_1"><tt:Name>PTZ</tt:Name><tt:UseCount>2</tt:UseCount>'
        "<tt:NodeToken>PTZNODE_1</tt:NodeToken></tt:PTZConfiguration>"
        if ptz and profile.ptz
        else ""
    )
    return (
        f'<trt:Profiles token="{profile.token}" fixed="true"><tt:Name>{profile.name}</tt:Name>'
        f'<tt:VideoEncoderConfiguration token="VE_{profile.token}"><tt:Name>{profile.name}'
        f"</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>{profile.encoding}</tt:Encoding>"
        f"<tt:Resolution><tt:Width>{profile.width}</tt:Width><tt:Height>{profile.height}"
        "</tt:Height></tt:Resolution><tt:Quality>4</tt:Quality>"
        "<tt:SessionTimeout>PT5S</tt:SessionTimeout></tt:VideoEncoderConfiguration>"
        f"{ptz_xml}</trt:Profiles>"
    )


def _get_profiles(cam: FakeCamera, _: Element) -> str:
    body = "".join(_profile_xml(p, cam.ptz is not None) for p in cam.profiles)
    return f"<trt:GetProfilesResponse>{body}</trt:GetProfilesResponse>"


def _media_uri(tag: str, uri: str) -> str:
    return (
        f"<trt:{tag}Response><trt:MediaUri><tt:Uri>{escape(uri)}</tt:Uri>"
        "<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>"
        "<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout>"
        f"</trt:MediaUri></trt:{tag}Response>"
    )


def _token(request: Element) -> str:
    return request.findtext(f"{{{NS['trt']}}}ProfileToken") or ""


def _stream_uri(cam: FakeCamera, request: Element) -> str:
    return _media_uri("GetStreamUri", cam.stream_uri(_token(request)))


def _snapshot_uri(cam: FakeCamera, request: Element) -> str:
    return _media_uri("GetSnapshotUri", cam.snapshot_uri(_token(request)))


def _ptz_nodes(cam: FakeCamera, _: Element) -> str:
    assert cam.ptz is not None
    return (
        '<tptz:GetNodesResponse><tptz:PTZNode token="PTZNODE_1" FixedHomePosition="false">'
        f"<tt:Name>PTZ</tt:Name><tt:SupportedPTZSpaces>{cam.ptz.spaces_xml()}"
        "</tt:SupportedPTZSpaces><tt:MaximumNumberOfPresets>300</tt:MaximumNumberOfPresets>"
        "<tt:HomeSupported>true</tt:HomeSupported></tptz:PTZNode></tptz:GetNodesResponse>"
    )


def _ptz_options(cam: FakeCamera, _: Element) -> str:
    assert cam.ptz is not None
    return (
        "<tptz:GetConfigurationOptionsResponse><tptz:PTZConfigurationOptions>"
        f"<tt:Spaces>{cam.ptz.spaces_xml()}</tt:Spaces><tt:PTZTimeout><tt:Min>PT1S</tt:Min>"
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


def _absolute_move(cam: FakeCamera, request: Element) -> str:
    assert cam.ptz is not None
    target = _vector(request, "Position", cam.ptz.position())
    why = cam.ptz.out_of_range(target)
    if why is not None:
        raise SoapFaultError("InvalidPosition", why)
    cam.ptz.move_to(target)
    return "<tptz:AbsoluteMoveResponse/>"


def _ptz_status(cam: FakeCamera, _: Element) -> str:
    assert cam.ptz is not None
    head = cam.ptz
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


Operation = Callable[[FakeCamera, Element], str]
PTZ_OPERATIONS = frozenset({"GetNodes", "GetConfigurationOptions", "AbsoluteMove", "GetStatus"})
OPERATIONS: dict[str, Operation] = {
    "GetServices": _services,
    "GetDeviceInformation": _device_information,
    "GetSystemDateAndTime": _system_date_and_time,
    "GetProfiles": _get_profiles,
    "GetStreamUri": _stream_uri,
    "GetSnapshotUri": _snapshot_uri,
    "GetNodes": _ptz_nodes,
    "GetConfigurationOptions": _ptz_options,
    "AbsoluteMove": _absolute_move,
    "GetStatus": _ptz_status,
}


def answer(cam: FakeCamera, body: bytes) -> tuple[int, bytes]:
    """The HTTP status and SOAP envelope the device sends for one request ``body``."""
    envelope = fromstring(body)
    request = envelope.find(f"{{{SOAP}}}Body/*")
    if request is None:
        return 400, fault("InvalidArgVal", "no SOAP body")
    name = request.tag.rsplit("}", 1)[-1]
    cam.calls.append(name)
    auth = digest_ok(
        envelope.find(f"{{{SOAP}}}Header"), username=cam.username, password=cam.password
    )
    if name not in UNAUTHENTICATED and not auth:
        return 400, fault("NotAuthorized", "Sender not Authorized")
    if name in cam.broken:
        return 200, cam.broken[name]
    operation = OPERATIONS.get(name)
    if operation is None or (cam.ptz is None and name in PTZ_OPERATIONS):
        return 400, fault("ActionNotSupported", f"{name} is not supported")
    try:
        return 200, _envelope(operation(cam, request))
    except SoapFaultError as refused:
        return 400, fault(refused.subcode, refused.reason)


class _Handler(BaseHTTPRequestHandler):
    camera: FakeCamera

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        status, payload = answer(self.camera, self.rfile.read(length))
        self.send_response(status)
        self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: pytest shows failures, not every request."""


@contextmanager
def running(camera: FakeCamera) -> Iterator[str]:
    """Serve ``camera`` on a free loopback port; yields its ONVIF device URL."""
    handler = type("Handler", (_Handler,), {"camera": camera})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    camera.address = f"127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{camera.address}/onvif/device_service"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def silent() -> Iterator[str]:
    """A device that accepts connections and never answers (a hung camera)."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # the kernel completes the handshakes; nobody ever reads
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/onvif/device_service"
