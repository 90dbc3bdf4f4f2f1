"""The stream relay: snapshot and MJPEG bytes passed through unchanged, with the frame age.

The relay never decodes a frame, but it only passes what the endpoint promises: a snapshot
must say ``image/jpeg`` and start with the JPEG marker, a stream must be
``multipart/x-mixed-replace`` whose every part is such a JPEG (:mod:`camroute.live.parts`).
Each fetch is bounded in bytes and time (``CAMROUTE_LIVE_SNAPSHOT_MAX_BYTES``,
``CAMROUTE_LIVE_FETCH_DEADLINE_S``) and goes only to the camera networks
(:mod:`camroute.live.upstream`). For MJPEG the boundary in the byte stream marks when the last
frame began; that time is the ``Last-Frame-At`` header and the stream's staleness clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from camroute.cameras.networks import CameraNetworks
from camroute.live.camauth import AuthSchemes, ChallengeAuth, send_with_auth
from camroute.live.parts import (
    JPEG_SOI,
    JPEG_TYPES,
    MediaRefusedError,
    PartGuard,
    media_type,
    mjpeg_boundary,
    mjpeg_type,
)
from camroute.live.upstream import CameraUnreachableError, failure, pinned_request


@dataclass(frozen=True)
class Limits:
    """Where and how much one relayed fetch may read."""

    networks: CameraNetworks
    timeout_s: float  # connect, and each read
    deadline_s: float  # a whole snapshot; an MJPEG stream up to its first frame
    max_bytes: int  # a snapshot, or one MJPEG frame
    stale_after_s: float = 5.0  # MJPEG: the longest wait for the next bytes


@dataclass(frozen=True)
class Upstream:
    """Where a camera's bytes come from: its REGISTERED url and credentials (server side)."""

    url: str
    auth: tuple[str, str] | None = None
    camera_id: str | None = None
    schemes: AuthSchemes | None = field(default=None, compare=False)  # the app's, shared

    def httpx_auth(self) -> ChallengeAuth | None:
        """The camera's credentials: as the answer to its challenge, or at once if Basic is known.

        Basic goes unasked only to a camera known to accept it at this very URL origin.
        """
        if not self.auth:
            return None
        camera = (self.camera_id, self.url) if self.camera_id is not None else None
        return ChallengeAuth(*self.auth, schemes=self.schemes, camera=camera)


@dataclass(frozen=True)
class Snapshot:
    """One relayed snapshot: the camera's bytes untouched and when they arrived."""

    content: bytes
    media_type: str
    received_at: datetime


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


def _check_snapshot_head(response: httpx.Response, *, max_bytes: int) -> None:
    if response.status_code != 200:
        raise CameraUnreachableError(f"answered HTTP {response.status_code}")
    kind = media_type(response.headers.get("content-type", ""))
    if kind not in JPEG_TYPES:
        raise MediaRefusedError(f"the snapshot is {kind[:60] or 'untyped'}, not image/jpeg")
    if response.headers.get("content-encoding", "identity").lower() != "identity":
        raise MediaRefusedError("the snapshot is content-encoded")
    declared = response.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > max_bytes:
        raise CameraUnreachableError(f"the snapshot declares {declared[:20]} bytes")


async def _read_capped(response: httpx.Response, *, max_bytes: int) -> bytes:
    """The body, counted as it arrives: refused at the first chunk past ``max_bytes``."""
    body = bytearray()
    async for chunk in response.aiter_raw():
        if len(body) + len(chunk) > max_bytes:
            raise CameraUnreachableError(f"the snapshot is over {max_bytes} bytes")
        body += chunk
    return bytes(body)


async def fetch_snapshot(client: httpx.AsyncClient, upstream: Upstream, limits: Limits) -> Snapshot:
    """GET the camera's JPEG snapshot within the limits; else :class:`CameraUnreachableError`."""
    try:
        async with asyncio.timeout(limits.deadline_s):
            request = await pinned_request(
                client, upstream.url, limits.networks, timeout=httpx.Timeout(limits.timeout_s)
            )
            response = await send_with_auth(client, request, upstream.httpx_auth())
            try:
                _check_snapshot_head(response, max_bytes=limits.max_bytes)
                content = await _read_capped(response, max_bytes=limits.max_bytes)
            finally:
                await response.aclose()
    except (httpx.HTTPError, TimeoutError) as exc:
        raise failure(exc) from exc
    if not content.startswith(JPEG_SOI):
        raise MediaRefusedError("the snapshot does not start with the JPEG marker")
    return Snapshot(content=content, media_type="image/jpeg", received_at=datetime.now(UTC))


@dataclass
class MjpegUpstream:
    """An open upstream MJPEG response, read up to its first checked frame."""

    response: httpx.Response
    chunks: AsyncIterator[bytes]
    media_type: str  # ours: the checked boundary, nothing else of the camera's header
    clock: FrameClock
    guard: PartGuard
    head: list[bytes]

    async def aclose(self) -> None:
        """Close the upstream connection."""
        await self.response.aclose()


async def open_mjpeg(
    client: httpx.AsyncClient, upstream: Upstream, limits: Limits
) -> MjpegUpstream:
    """Connect and read until the first frame is checked, within ``limits.deadline_s``.

    Later reads may wait ``limits.stale_after_s`` for the next bytes before the stream ends.
    """
    timeout = httpx.Timeout(limits.timeout_s, read=max(limits.timeout_s, limits.stale_after_s))
    response: httpx.Response | None = None
    try:
        async with asyncio.timeout(limits.deadline_s):
            request = await pinned_request(client, upstream.url, limits.networks, timeout=timeout)
            response = await send_with_auth(client, request, upstream.httpx_auth())
            opened = _checked_stream(response, max_bytes=limits.max_bytes)
            await _read_first_frame(opened)
    except (httpx.HTTPError, TimeoutError, CameraUnreachableError) as exc:
        if response is not None:
            await response.aclose()
        raise failure(exc) from exc
    return opened


def _checked_stream(response: httpx.Response, *, max_bytes: int) -> MjpegUpstream:
    if response.status_code != 200:
        raise CameraUnreachableError(f"answered HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "")
    boundary = mjpeg_boundary(content_type)
    if boundary is None:
        kind = media_type(content_type)[:60] or "untyped"
        raise MediaRefusedError(f"the stream is {kind}, not multipart MJPEG with a boundary")
    if response.headers.get("content-encoding", "identity").lower() != "identity":
        raise MediaRefusedError("the stream is content-encoded")
    return MjpegUpstream(
        response=response,
        chunks=response.aiter_raw(),
        media_type=mjpeg_type(boundary),
        clock=FrameClock(marker=b"--" + boundary.encode("ascii")),
        guard=PartGuard(boundary, max_part_bytes=max_bytes),
        head=[],
    )


async def _read_first_frame(opened: MjpegUpstream) -> None:
    async for chunk in opened.chunks:
        opened.guard.feed(chunk)
        opened.clock.feed(chunk, at=datetime.now(UTC))
        opened.head.append(chunk)
        if opened.guard.frames:
            return
    raise CameraUnreachableError("the stream ended before its first frame")
