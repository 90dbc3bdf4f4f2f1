"""The stream relay: snapshot and MJPEG bytes passed through unchanged, with the frame age.

The relay never decodes a frame. For MJPEG it only watches for the multipart boundary (or,
without one, the JPEG start-of-image marker) in the byte stream, to know when the last frame
began; that time is the ``Last-Frame-At`` header and the stream's staleness clock.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from camroute.errors import UpstreamError

JPEG_SOI = b"\xff\xd8\xff"
_BOUNDARY = re.compile(r'boundary="?([^";,\s]+)"?', re.IGNORECASE)
FIRST_FRAME_MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Upstream:
    """Where a camera's bytes come from: its REGISTERED url and credentials (server side)."""

    url: str
    auth: tuple[str, str] | None = None

    def httpx_auth(self) -> httpx.BasicAuth | None:
        """Basic credentials for httpx, if the camera has any."""
        return httpx.BasicAuth(*self.auth) if self.auth else None


@dataclass(frozen=True)
class Snapshot:
    """One relayed snapshot: the camera's bytes untouched and when they arrived."""

    content: bytes
    media_type: str
    received_at: datetime


def frame_marker(content_type: str) -> bytes:
    """The byte sequence that starts each frame: ``--boundary``, else the JPEG SOI marker.

    Examples
    --------
    >>> frame_marker("multipart/x-mixed-replace;boundary=ffmpeg")
    b'--ffmpeg'
    >>> frame_marker('multipart/x-mixed-replace; boundary="--frame"')
    b'----frame'
    >>> frame_marker("image/jpeg") == JPEG_SOI
    True
    """
    match = _BOUNDARY.search(content_type)
    return b"--" + match.group(1).encode() if match else JPEG_SOI


@dataclass
class FrameClock:
    """Time of the last frame start seen in a byte stream (markers split across chunks too).

    Examples
    --------
    >>> clock = FrameClock(marker=b"--fr")
    >>> t1, t2 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC)
    >>> clock.feed(b"xx--", at=t1), clock.last_frame_at is None
    (0, True)
    >>> clock.feed(b"fr yy", at=t2), clock.last_frame_at == t2
    (1, True)
    """

    marker: bytes
    last_frame_at: datetime | None = None
    frames: int = 0
    _tail: bytes = field(default=b"", repr=False)

    def feed(self, chunk: bytes, *, at: datetime) -> int:
        """Account for ``chunk`` received at ``at``; return how many frames began in it."""
        window = self._tail + chunk
        found = window.count(self.marker)
        if found:
            self.frames += found
            self.last_frame_at = at
        keep = len(self.marker) - 1
        self._tail = window[-keep:] if keep else b""
        return found

    def age_s(self, *, now: datetime) -> float | None:
        """Seconds since the last frame began (None before the first)."""
        if self.last_frame_at is None:
            return None
        return max((now - self.last_frame_at).total_seconds(), 0.0)


def _failure(camera_id: str, exc: Exception) -> UpstreamError:
    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "unreachable"
    return UpstreamError(f"camera {camera_id} {kind}", field="camera_id")


async def fetch_snapshot(
    client: httpx.AsyncClient, upstream: Upstream, *, camera_id: str, timeout_s: float
) -> Snapshot:
    """GET the camera's snapshot; any failure is a quick :class:`UpstreamError` (502)."""
    try:
        resp = await client.get(upstream.url, auth=upstream.httpx_auth(), timeout=timeout_s)
    except httpx.HTTPError as exc:
        raise _failure(camera_id, exc) from exc
    if resp.status_code != 200:
        raise UpstreamError(
            f"camera {camera_id} answered HTTP {resp.status_code}", field="camera_id"
        )
    media_type = resp.headers.get("content-type", "image/jpeg")
    return Snapshot(content=resp.content, media_type=media_type, received_at=datetime.now(UTC))


@dataclass
class MjpegUpstream:
    """An open upstream MJPEG response, read up to its first frame start."""

    response: httpx.Response
    chunks: AsyncIterator[bytes]
    media_type: str
    clock: FrameClock
    head: list[bytes]

    async def aclose(self) -> None:
        """Close the upstream connection."""
        await self.response.aclose()


async def open_mjpeg(
    client: httpx.AsyncClient,
    upstream: Upstream,
    *,
    camera_id: str,
    timeout_s: float,
    read_timeout_s: float,
) -> MjpegUpstream:
    """Connect and read until the first frame starts, within ``timeout_s`` (else 502).

    Later reads may wait ``read_timeout_s`` for the next bytes before the stream is dropped.
    """
    timeout = httpx.Timeout(timeout_s, read=max(timeout_s, read_timeout_s))
    request = client.build_request("GET", upstream.url, timeout=timeout)
    try:
        response = await client.send(request, auth=upstream.httpx_auth(), stream=True)
    except httpx.HTTPError as exc:
        raise _failure(camera_id, exc) from exc
    if response.status_code != 200:
        await response.aclose()
        raise UpstreamError(
            f"camera {camera_id} answered HTTP {response.status_code}", field="camera_id"
        )
    media_type = response.headers.get("content-type", "multipart/x-mixed-replace")
    opened = MjpegUpstream(
        response=response,
        chunks=response.aiter_raw(),
        media_type=media_type,
        clock=FrameClock(marker=frame_marker(media_type)),
        head=[],
    )
    try:
        await asyncio.wait_for(_read_first_frame(opened, camera_id=camera_id), timeout_s)
    except (httpx.HTTPError, TimeoutError) as exc:
        await opened.aclose()
        raise _failure(camera_id, exc) from exc
    except UpstreamError:
        await opened.aclose()
        raise
    return opened


async def _read_first_frame(opened: MjpegUpstream, *, camera_id: str) -> None:
    size = 0
    async for chunk in opened.chunks:
        opened.head.append(chunk)
        size += len(chunk)
        if opened.clock.feed(chunk, at=datetime.now(UTC)):
            return
        if size > FIRST_FRAME_MAX_BYTES:
            break
    raise UpstreamError(f"camera {camera_id} sent no MJPEG frame", field="camera_id")
