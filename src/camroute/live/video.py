"""The ticket-bound video relay: a camera's RTSP stream as fragmented MP4, never decoded.

``GET /api/live/{ticket}/video.mp4`` admits the ticket like the MJPEG relay (same purpose,
expiry, revocation, audit of bytes and duration), joins the camera's shared feed
(:mod:`camroute.live.hub`) and streams its init segment and fragments. The codec string
(``avc1.…`` / ``hvc1.…``) is the ``X-Video-Codec`` header, for ``MediaSource.isTypeSupported``;
``?stream=sub`` asks for the camera's H.264 sub-stream when the browser cannot play the main
one (:mod:`camroute.cameras.substream`). The camera's address and credentials stay here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit

import anyio
from fastapi.responses import StreamingResponse

from camroute.audit.service import Action
from camroute.cameras.model import split_userinfo
from camroute.cameras.secrets import cipher_for
from camroute.cameras.store import get_stream_source
from camroute.cameras.substream import sub_stream_url
from camroute.errors import CamrouteError, NotFoundError
from camroute.live.hub import VideoHub, VideoSource, Viewer
from camroute.live.service import note_seen
from camroute.live.session import (
    RelayContext,
    _admit,
    _audit,
    _audit_expired,
    _failed,
    _recheck,
    recheck_s,
    stamp,
)
from camroute.live.tickets import TicketClaims, TicketExpiredError
from camroute.live.upstream import CameraUnreachableError, checked_address

RTSP_PORTS = {"rtsp": 554, "rtsps": 322}


class Stream(StrEnum):
    """Which of a camera's streams: its main stream, or the H.264 sub-stream."""

    main = "main"
    sub = "sub"


class NoVideoError(NotFoundError):
    """The camera has no RTSP stream registered (the page uses MJPEG or snapshots)."""

    code: ClassVar[str] = "no_video"
    title: ClassVar[str] = "No video stream"


class NoSubStreamError(NotFoundError):
    """The camera has no known sub-stream (the page falls back to snapshots)."""

    code: ClassVar[str] = "no_sub_stream"
    title: ClassVar[str] = "No sub-stream"


def _rtsp_url(ctx: RelayContext, camera_id: str, stream: Stream) -> tuple[str, str | None, str]:
    source = get_stream_source(
        ctx.engine, camera_id, cipher=cipher_for(ctx.settings.credentials_key)
    )
    if not source.rtsp_url:
        raise NoVideoError(f"camera {camera_id} has no rtsp url", field="camera_id")
    url, user, password = split_userinfo(source.rtsp_url)
    if stream is Stream.sub:
        sub = sub_stream_url(url)
        if sub is None:
            raise NoSubStreamError(f"camera {camera_id} has no known sub-stream", field="stream")
        url = sub
    user = source.username or user
    password = source.password if source.username else password
    return url, user, password or ""


async def video_source(ctx: RelayContext, camera_id: str, stream: Stream) -> VideoSource:
    """The camera's RTSP source, its host resolved once and checked against the networks.

    ffmpeg is given the checked address, so a DNS answer that changes after the check cannot
    send it (and the credentials) elsewhere.
    """
    url, user, password = await anyio.to_thread.run_sync(lambda: _rtsp_url(ctx, camera_id, stream))
    parts = urlsplit(url)
    if parts.scheme not in RTSP_PORTS or not parts.hostname:
        raise CameraUnreachableError(f"the URL scheme {parts.scheme!r} cannot be relayed")
    port = parts.port or RTSP_PORTS[parts.scheme]
    address = await checked_address(parts.hostname, port, ctx.settings.camera_allow_list())
    host = f"[{address}]" if address.version == 6 else str(address)
    pinned = urlunsplit(parts._replace(netloc=f"{host}:{port}"))
    return VideoSource(pinned, username=user or None, password=password)


async def relay_video(
    ctx: RelayContext, hub: VideoHub, token: str, *, stream: Stream = Stream.main
) -> StreamingResponse:
    """The camera's stream as fMP4, bytes of its frames untouched, while the ticket lives."""
    claims, deadline = await _admit(ctx, token)
    try:
        source = await video_source(ctx, claims.camera_id, stream)
        viewer = await hub.join(f"{claims.camera_id}/{stream.value}", source)
    except CameraUnreachableError as exc:
        await _failed(ctx, claims, exc)
        raise
    await anyio.to_thread.run_sync(
        lambda: _audit(ctx, claims, Action.stream_opened, kind="video", stream=stream.value)
    )
    age_s = viewer.feed.age_s() or 0.0
    headers = {
        "X-Video-Codec": viewer.feed.codec,
        "Last-Frame-At": stamp(datetime.now(UTC) - timedelta(seconds=age_s)),
        "Cache-Control": "no-store",
        "X-Accel-Buffering": "no",
    }
    return StreamingResponse(
        _pump(ctx, hub, viewer, claims, deadline),
        media_type=f'video/mp4; codecs="{viewer.feed.codec}"',
        headers=headers,
    )


async def _pump(
    ctx: RelayContext, hub: VideoHub, viewer: Viewer, claims: TicketClaims, deadline: datetime
) -> AsyncIterator[bytes]:
    sent, ended, started = 0, "client_left", time.monotonic()
    every_s = recheck_s(ctx.settings)
    next_check = time.monotonic() + every_s
    try:
        while True:
            data: bytes | None = b""
            try:
                async with asyncio.timeout(every_s):
                    data = await viewer.queue.get()
            except TimeoutError:
                pass
            if time.monotonic() >= next_check or datetime.now(UTC) >= deadline:
                deadline = await _recheck(ctx, claims)
                next_check = time.monotonic() + every_s
            if data is None:
                ended = "upstream_ended"
                return
            if data:
                sent += len(data)
                yield data
    except CamrouteError as exc:  # the ticket expired or was revoked
        ended = exc.code
    finally:
        with anyio.CancelScope(shield=True):
            hub.leave(viewer)
            await _closed(ctx, claims, sent=sent, ended=ended, started=started)


async def _closed(
    ctx: RelayContext, claims: TicketClaims, *, sent: int, ended: str, started: float
) -> None:
    if ended == TicketExpiredError.code:
        await _audit_expired(ctx, claims)
    if ended == "client_left":  # the orphan grace runs from the moment it left
        await anyio.to_thread.run_sync(lambda: note_seen(ctx.engine, claims.ticket_id))
    duration_s = round(time.monotonic() - started, 3)
    await anyio.to_thread.run_sync(
        lambda: _audit(
            ctx,
            claims,
            Action.stream_closed,
            kind="video",
            bytes=sent,
            duration_s=duration_s,
            ended=ended,
        )
    )
