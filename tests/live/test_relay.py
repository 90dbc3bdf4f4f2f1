from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from camroute.cameras.networks import CameraNetworks
from camroute.live.parts import mjpeg_boundary
from camroute.live.relay import FrameClock, Limits, Upstream, fetch_snapshot
from camroute.live.upstream import CameraUnreachableError, ForbiddenAddressError, pinned_request

T0 = datetime(2026, 11, 22, tzinfo=UTC)
JPEG_HEAD = {"content-type": "image/jpeg"}


@pytest.mark.parametrize(
    ("content_type", "boundary"),
    [
        ("multipart/x-mixed-replace;boundary=ffmpeg", "ffmpeg"),
        ("multipart/x-mixed-replace; boundary=camrouteframe", "camrouteframe"),
        ('multipart/x-mixed-replace; boundary="myboundary"', "myboundary"),
        ("Multipart/X-Mixed-Replace; BOUNDARY=Ab12; charset=x", "Ab12"),
        ('multipart/x-mixed-replace; boundary="--frame"', "--frame"),
        ("multipart/x-mixed-replace", None),  # no boundary: nothing to check parts against
        ('multipart/x-mixed-replace; boundary="a b"', None),
        ('multipart/x-mixed-replace; boundary=x"><script>', None),
        ("multipart/x-mixed-replace; boundary=" + "b" * 71, None),  # RFC 2046: 70 at most
        ("text/html; boundary=x", None),
        ("", None),
    ],
)
def test_mjpeg_boundary(content_type: str, boundary: str | None) -> None:
    assert mjpeg_boundary(content_type) == boundary


@pytest.mark.parametrize(
    ("chunks", "frames"),
    [
        ([b"--b\r\nX--b\r\nY"], 2),
        ([b"-", b"-", b"b"], 1),  # split one byte at a time
        ([b"xx--", b"b--", b"b"], 2),
        ([b"--c--c"], 0),
        ([], 0),
    ],
)
def test_frame_clock_counts_markers_across_chunks(chunks: list[bytes], frames: int) -> None:
    clock = FrameClock(marker=b"--b")
    for n, chunk in enumerate(chunks):
        clock.feed(chunk, at=T0 + timedelta(seconds=n))
    assert clock.frames == frames
    assert (clock.last_frame_at is None) == (frames == 0)


def test_frame_age_is_measured_from_the_last_frame_start() -> None:
    clock = FrameClock(marker=b"--b")
    assert clock.age_s(now=T0) is None
    clock.feed(b"--b jpeg", at=T0)
    clock.feed(b" more bytes of the same frame", at=T0 + timedelta(seconds=3))
    assert clock.age_s(now=T0 + timedelta(seconds=4)) == 4.0
    clock.feed(b"--b", at=T0 + timedelta(seconds=5))
    assert clock.age_s(now=T0 + timedelta(seconds=5.5)) == 0.5


# -- the relay's fetch, against a fake camera at the HTTP edge -------------------------------


class _Endless(httpx.AsyncByteStream):
    """An endless JPEG-looking body that counts the bytes the relay pulled from it."""

    def __init__(self, chunk_bytes: int = 4096) -> None:
        self.pulled = 0
        self._chunk = b"\xff\xd8" + b"\x00" * (chunk_bytes - 2)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            self.pulled += len(self._chunk)
            yield self._chunk


def _limits(**over: Any) -> Limits:
    values: dict[str, Any] = {
        "networks": CameraNetworks.of(["10.0.0.0/8"]),
        "timeout_s": 1.0,
        "deadline_s": 1.0,
        "max_bytes": 64 * 1024,
    }
    return Limits(**{**values, **over})


def test_snapshot_reading_stops_at_the_cap() -> None:
    body = _Endless()

    def camera(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "image/jpeg"}, stream=body)

    async def run() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(camera)) as client:
            with pytest.raises(CameraUnreachableError, match="over 65536 bytes"):
                await fetch_snapshot(client, Upstream("http://10.0.0.5/s.jpg"), _limits())

    asyncio.run(run())
    assert 64 * 1024 < body.pulled <= 64 * 1024 + 4096


def test_a_declared_oversize_snapshot_is_not_read_at_all() -> None:
    body = _Endless()

    def camera(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "image/jpeg", "content-length": str(1 << 30)}
        return httpx.Response(200, headers=headers, stream=body)

    async def run() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(camera)) as client:
            with pytest.raises(CameraUnreachableError, match="declares 1073741824 bytes"):
                await fetch_snapshot(client, Upstream("http://10.0.0.5/s.jpg"), _limits())

    asyncio.run(run())
    assert body.pulled == 0


def test_the_request_goes_to_the_checked_address_under_the_camera_host_name() -> None:
    seen: list[httpx.Request] = []

    def camera(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers=JPEG_HEAD, stream=httpx.ByteStream(b"\xff\xd8x"))

    async def run() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(camera)) as client:
            nets = CameraNetworks.of(["127.0.0.0/8"])
            request = await pinned_request(
                client, "https://localhost:8443/s.jpg?x=1", nets, timeout=httpx.Timeout(1.0)
            )
            assert str(request.url) == "https://127.0.0.1:8443/s.jpg?x=1"
            assert request.headers["host"] == "localhost:8443"
            assert request.extensions["sni_hostname"] == "localhost"  # TLS checks the name
            snap = await fetch_snapshot(
                client, Upstream("http://localhost/s.jpg"), _limits(networks=nets)
            )
            assert snap.media_type == "image/jpeg"

    asyncio.run(run())
    assert seen[0].url.host == "127.0.0.1"
    assert seen[0].headers["host"] == "localhost"


def test_an_ipv6_camera_is_pinned_with_its_brackets() -> None:
    async def run() -> httpx.Request:
        async with httpx.AsyncClient() as client:
            nets = CameraNetworks.of(["fc00::/7"])
            url = "http://[fd00::5]:8080/s.jpg?a=b"
            return await pinned_request(client, url, nets, timeout=httpx.Timeout(1.0))

    request = asyncio.run(run())
    assert str(request.url) == "http://[fd00::5]:8080/s.jpg?a=b"
    assert request.headers["host"] == "[fd00::5]:8080"


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/s.jpg",  # resolves to loopback
        "http://0x7f000001/s.jpg",
        "http://[::ffff:127.0.0.1]/s.jpg",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
    ],
)
def test_addresses_outside_the_camera_networks_are_never_contacted(url: str) -> None:
    seen: list[httpx.Request] = []

    def camera(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers=JPEG_HEAD, stream=httpx.ByteStream(b"\xff\xd8x"))

    async def run() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(camera)) as client:
            with pytest.raises(CameraUnreachableError):
                await fetch_snapshot(client, Upstream(url), _limits())

    asyncio.run(run())
    assert seen == []


def test_a_camera_name_with_any_forbidden_address_is_refused(monkeypatch) -> None:
    """A name answering with a camera address and a loopback one is refused, not raced."""

    async def two_answers(self, host, port, **kwargs):  # the resolver is the edge here
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", two_answers)

    async def run() -> None:
        async with httpx.AsyncClient() as client:
            with pytest.raises(ForbiddenAddressError, match=r"127\.0\.0\.1"):
                await pinned_request(
                    client,
                    "http://cam.example/s.jpg",
                    _limits().networks,
                    timeout=httpx.Timeout(1.0),
                )

    asyncio.run(run())
