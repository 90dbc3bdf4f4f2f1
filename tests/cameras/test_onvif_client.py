"""``cameras/onvif_client.py`` against the fake ONVIF device of ``onvif_device.py``."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import onvif.client
import pytest
import zeep.exceptions

from camroute.cameras.onvif_client import OnvifProbeError, _Camera, load_wsdls, probe_device
from camroute.cameras.onvif_model import OnvifDevice

from .onvif_device import FakeCamera, Profile, digest_ok, running, silent
from .onvif_ptz import PtzHead


def _probe(url: str, *, password: str = "Cam-pass-1", timeout_s: float = 5.0) -> OnvifDevice:
    return asyncio.run(probe_device(url, username="admin", password=password, timeout_s=timeout_s))


def _failure(url: str, **options: Any) -> OnvifProbeError:
    with pytest.raises(OnvifProbeError) as caught:
        _probe(url, **options)
    return caught.value


@pytest.fixture(scope="module", autouse=True)
def _wsdls_parsed() -> None:
    """Parse the WSDLs before the timed probes, as ``probe_cameras`` does."""
    asyncio.run(load_wsdls())


@pytest.fixture
def camera() -> Iterator[tuple[FakeCamera, str]]:
    fake = FakeCamera()
    with running(fake) as url:
        yield fake, url


def test_probe_reads_device_profiles_streams_and_ptz(camera: tuple[FakeCamera, str]) -> None:
    fake, url = camera
    device = _probe(url)
    assert (device.info.manufacturer, device.info.model) == ("HIKVISION", "DS-2DE4425IW-DE")
    assert device.info.firmware == "V5.7.3 build 220112"
    assert [(p.token, p.encoding, p.width_px) for p in device.profiles] == [
        ("Profile_1", "H265", 2560),
        ("Profile_2", "H264", 640),
    ]
    main, sub = device.profile(device.main_token), device.profile(device.sub_token)
    assert main is not None
    assert sub is not None
    assert main.stream_uri == "rtsp://127.0.0.1:554/Streaming/Channels/101"
    assert sub.stream_uri == "rtsp://127.0.0.1:554/Streaming/Channels/102"
    assert (
        main.snapshot_uri
        == f"http://{fake.address}/ISAPI/Streaming/channels/101/picture?p=Profile_1"
    )
    assert device.ptz is not None
    assert device.ptz.node_token == "PTZNODE_1"
    assert (device.ptz.pan, device.ptz.zoom) is not None
    assert device.ptz.pan.min == -1.0
    assert device.ptz.pan.max == 1.0
    assert device.ptz.zoom.max == 1.0  # type: ignore[union-attr]
    assert "GetDeviceInformation" in fake.calls
    assert "GetNodes" in fake.calls


def test_probe_loads_the_bundled_wsdls_without_any_network(
    camera: tuple[FakeCamera, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No WSDL or XSD is fetched: any name lookup other than loopback fails the probe."""
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(str(host))
        if str(host) not in ("127.0.0.1", "localhost"):
            raise OSError(f"network access to {host} in an offline test")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    monkeypatch.setattr(onvif.client, "_DOCUMENT_CACHE", {})  # parse the WSDLs again
    asyncio.run(load_wsdls())
    _, url = camera
    assert _probe(url).info.manufacturer == "HIKVISION"
    assert set(looked_up) <= {"127.0.0.1", "localhost"}


def test_wrong_password_is_not_authorized(camera: tuple[FakeCamera, str]) -> None:
    fake, url = camera
    error = _failure(url, password="guess")
    assert error.kind == "not_authorized"
    assert "refused the ONVIF username/password" in error.reason
    assert "GetDeviceInformation" not in fake.calls


def test_device_that_never_answers_times_out() -> None:
    with silent() as url:
        error = _failure(url, timeout_s=0.5)
    assert error.kind == "timeout"
    assert error.reason == "no complete answer within 0.5 s"


def test_closed_port_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the probe: nobody listens
    error = _failure(f"http://127.0.0.1:{port}/onvif/device_service")
    assert error.kind == "unreachable"
    assert "cannot connect" in error.reason


@pytest.mark.parametrize(
    ("operation", "body", "says"),
    [
        ("GetProfiles", b"<html>Internal error</html", "not valid ONVIF"),
        ("GetDeviceInformation", b"\x00\x01not xml", "not valid ONVIF"),
    ],
)
def test_malformed_answer_is_reported(
    camera: tuple[FakeCamera, str], operation: str, body: bytes, says: str
) -> None:
    fake, url = camera
    fake.broken[operation] = body
    error = _failure(url)
    assert error.kind == "malformed"
    assert says in error.reason


def test_stream_uri_that_is_not_rtsp_is_malformed(camera: tuple[FakeCamera, str]) -> None:
    fake, url = camera
    fake.stream_uri = lambda token: "file:///etc/passwd"  # type: ignore[method-assign]
    error = _failure(url)
    assert error.kind == "malformed"
    assert "GetStreamUri answered 'file:///etc/passwd'" in error.reason


def test_camera_without_ptz_service_is_fixed() -> None:
    fake = FakeCamera(ptz=None, profiles=[Profile("p1", "main", "H264", 1920, 1080)])
    with running(fake) as url:
        device = _probe(url)
    assert device.ptz is None
    assert (device.main_token, device.sub_token) == ("p1", None)


def test_credentials_in_a_stream_uri_are_dropped(camera: tuple[FakeCamera, str]) -> None:
    fake, url = camera
    fake.stream_uri = lambda token: f"rtsp://admin:Cam-pass-1@127.0.0.1:554/{token}"  # type: ignore[method-assign]
    main = _probe(url).profiles[0]
    assert main.stream_uri == "rtsp://127.0.0.1:554/Profile_1"


def test_fake_device_checks_the_digest() -> None:
    """The fake's own check: a digest made with another password does not pass."""
    from defusedxml.ElementTree import fromstring

    header = fromstring(
        '<h xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"'
        ' xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">'
        "<o:UsernameToken><o:Username>admin</o:Username>"
        "<o:Password>tuOSpGlFlIXsozq4HFNeeGeFLEI=</o:Password><o:Nonce>LKqI6G/AikKCQrN0zqZFlg==</o:Nonce>"
        "<u:Created>2010-09-16T07:50:45Z</u:Created></o:UsernameToken></h>"
    )
    # The worked example of the OASIS UsernameToken Profile 1.1 (password "userpassword").
    assert digest_ok(header, username="admin", password="userpassword")
    assert not digest_ok(header, username="admin", password="other")


def test_advertised_service_addresses_are_asked_at_the_registered_origin(
    camera: tuple[FakeCamera, str],
) -> None:
    """A camera behind NAT (or a hostile one) names another host: it is never contacted."""
    fake, url = camera
    fake.advertised = "10.255.0.1:8000"
    device = _probe(url, timeout_s=3.0)
    assert device.info.manufacturer == "HIKVISION"
    assert "GetProfiles" in fake.calls


def test_importing_the_client_leaves_the_root_logger_alone() -> None:
    """onvif.client calls logging.basicConfig(INFO) on import; camroute's import undoes it."""
    code = (
        "import logging, camroute.cameras.onvif_client, onvif.client;"
        "r = logging.getLogger(); print(len(r.handlers), r.level)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["0", str(logging.WARNING)]


def test_fake_ptz_head_moves_at_finite_speed_and_reports_its_position() -> None:
    """The fake head #13 aims: AbsoluteMove starts a move, GetStatus reads it on the way."""
    now = [100.0]
    head = PtzHead(speed_per_s=(0.5, 0.5, 0.25), clock=lambda: now[0])
    fake = FakeCamera(ptz=head)

    async def scenario(url: str) -> list[Any]:
        camera = _Camera(url, "admin", "Cam-pass-1")
        try:
            await camera.update_xaddrs()
            ptz = await camera.create_ptz_service()
            target = {"PanTilt": {"x": 0.5, "y": -0.25}, "Zoom": {"x": 0.5}}
            await ptz.AbsoluteMove({"ProfileToken": "Profile_1", "Position": target})
            now[0] += 0.5  # half a second later: pan 0.25 of 0.5, tilt -0.25 reached
            halfway = await ptz.GetStatus({"ProfileToken": "Profile_1"})
            now[0] += 10
            settled = await ptz.GetStatus({"ProfileToken": "Profile_1"})
            refused = None
            try:
                far = {"PanTilt": {"x": 1.5, "y": 0}}
                await ptz.AbsoluteMove({"ProfileToken": "Profile_1", "Position": far})
            except zeep.exceptions.Fault as fault:
                refused = fault.message
            return [halfway, settled, refused]
        finally:
            await camera.close()

    with running(fake) as url:
        halfway, settled, refused = asyncio.run(scenario(url))
    assert (halfway.Position.PanTilt.x, halfway.Position.PanTilt.y) == (0.25, -0.25)
    assert halfway.Position.Zoom.x == 0.125
    assert halfway.MoveStatus.PanTilt == "MOVING"
    assert (settled.Position.PanTilt.x, settled.Position.Zoom.x) == (0.5, 0.5)
    assert settled.MoveStatus.PanTilt == "IDLE"
    assert refused == "pan 1.5 outside [-1.0, 1.0]"
