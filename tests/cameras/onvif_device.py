"""A fake ONVIF camera for the tests: SOAP 1.2 over HTTP on loopback, in a thread.

It answers the operations ``onvif-zeep-async`` sends when camroute probes a camera
(GetServices / GetCapabilities, GetSystemDateAndTime, GetDeviceInformation, GetProfiles,
GetStreamUri, GetSnapshotUri, PTZ GetNodes / GetConfigurationOptions) and checks the
WS-UsernameToken PasswordDigest of each authenticated request, answering a SOAP Fault
``ter:NotAuthorized`` when it does not match, as real cameras do.

Requests are parsed with defusedxml (no entity expansion). The PTZ head lives in
``onvif_ptz.py`` (moves at a finite speed: ``AbsoluteMove`` / ``GetStatus``), so the aiming
tests of issue #13 can give it an offset, inverted tilt or a zoom curve without touching this.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

from defusedxml.ElementTree import fromstring

from . import onvif_ptz as ptz
from .onvif_ptz import PtzHead

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
    source: str = "VideoSource_1"  # an NVR has one per channel


def nvr_profiles(channels: int) -> list[Profile]:
    """An NVR's profiles: a main (H.265) and a sub (H.264) stream on each channel."""
    return [
        Profile(f"Ch{c}_{s}", f"{s}Stream{c}", enc, w, h, source=f"VideoSource_{c}")
        for c in range(1, channels + 1)
        for s, enc, w, h in (("main", "H265", 1920, 1080), ("sub", "H264", 640, 360))
    ]


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
        """The RTSP URI of one profile (Hikvision style: channel, then stream 01 / 02)."""
        profile = next(p for p in self.profiles if p.token == token)
        sources = list(dict.fromkeys(p.source for p in self.profiles))
        index = [p.token for p in self.profiles if p.source == profile.source].index(token) + 1
        channel = sources.index(profile.source) + 1
        return f"rtsp://{self.address.split(':')[0]}:554/Streaming/Channels/{channel}0{index}"

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
        f'<tt:VideoSourceConfiguration token="VSC_{profile.source}"><tt:Name>{profile.source}'
        f"</tt:Name><tt:UseCount>2</tt:UseCount><tt:SourceToken>{profile.source}"
        f'</tt:SourceToken><tt:Bounds x="0" y="0" width="{profile.width}" '
        f'height="{profile.height}"/></tt:VideoSourceConfiguration>'
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


Operation = Callable[[FakeCamera, Element], str]
OPERATIONS: dict[str, Operation] = {
    "GetServices": _services,
    "GetDeviceInformation": _device_information,
    "GetSystemDateAndTime": _system_date_and_time,
    "GetProfiles": _get_profiles,
    "GetStreamUri": _stream_uri,
    "GetSnapshotUri": _snapshot_uri,
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
    try:
        if name in OPERATIONS:
            return 200, _envelope(OPERATIONS[name](cam, request))
        if name in ptz.OPERATIONS and cam.ptz is not None:
            return 200, _envelope(ptz.OPERATIONS[name](cam.ptz, request))
    except ptz.SoapFaultError as refused:
        return 400, fault(refused.subcode, refused.reason)
    return 400, fault("ActionNotSupported", f"{name} is not supported")


Answer = Callable[[Any, bytes], tuple[int, bytes]]


class _Handler(BaseHTTPRequestHandler):
    camera: FakeCamera
    answer: Answer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        status, payload = type(self).answer(self.camera, self.rfile.read(length))
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on a delayed answer: that is what the test wanted

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: pytest shows failures, not every request."""


@contextmanager
def running(camera: FakeCamera, answer: Answer = answer) -> Iterator[str]:
    """Serve ``camera`` on a free loopback port; yields its ONVIF device URL.

    ``answer`` makes the device's replies (a richer fake passes its own).
    """
    handler = type("Handler", (_Handler,), {"camera": camera, "answer": staticmethod(answer)})
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
