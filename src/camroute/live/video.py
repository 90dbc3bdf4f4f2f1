"""The ticket-bound video relay: a camera's RTSP stream as fragmented MP4, never decoded.

``GET /api/live/{ticket}/video.mp4`` admits the ticket like the MJPEG relay (same purpose,
expiry, revocation, audit of bytes and duration), joins the camera's shared feed
(:mod:`camroute.live.hub`) and streams its init segment and fragments. The codec string
(``avc1.…`` / ``hvc1.…``) is the ``X-Video-Codec`` header, for ``MediaSource.isTypeSupported``.
``?h265=0`` says the browser cannot play H.265: a camera whose main stream is H.265 (as its ONVIF
profile states, else as read from the stream) is then given its H.264 sub-stream
(:mod:`camroute.live.codec`); ``?stream=sub`` asks for the sub-stream outright. The sub-stream
is the one the probe found, else the vendor path rule's (:mod:`camroute.cameras.substream`).
The camera's address and credentials stay here.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit

import anyio
from fastapi.responses import StreamingResponse

from camroute.audit.service import Action
from camroute.cameras.model import split_userinfo
from camroute.cameras.onvif_store import get_device
from camroute.cameras.secrets import cipher_for
from camroute.cameras.store import get_stream_source
from camroute.cameras.substream import sub_stream_url
from camroute.errors import CamrouteError, NotFoundError
from camroute.live.codec import (
    H265,
    NoSubStreamError,
    Stream,
    choose_stream,
    encoding_at,
    encoding_name,
)
from camroute.live.hub import VideoHub, Viewer
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
from camroute.live.source import VideoSource
from camroute.live.tickets import TicketClaims, TicketExpiredError
from camroute.live.upstream import CameraUnreachableError, checked_address

RTSP_PORTS = {"rtsp": 554, "rtsps": 322}


class NoVideoError(NotFoundError):
    """The camera has no RTSP stream registered (the page uses MJPEG or snapshots)."""

    code: ClassVar[str] = "no_video"
    title: ClassVar[str] = "No video stream"


@dataclass(frozen=True)
class CameraStreams:
    """A camera's main and sub-stream URLs (no user info), account, and stated encodings."""

    main_url: str
    sub_url: str | None
    username: str | None
    password: str = field(repr=False)
    main_encoding: str | None = None
    sub_encoding: str | None = None

    def url(self, stream: Stream) -> str:
        if stream is Stream.main:
            return self.main_url
        if self.sub_url is None:
            raise NoSubStreamError("the camera has no known sub-stream", field="stream")
        return self.sub_url


def camera_streams(ctx: RelayContext, camera_id: str) -> CameraStreams:
    """The camera's streams: the probe's sub-stream URL, else the vendor path rule.

    The encodings are those its last ONVIF probe stated for the profiles at these URLs.
    """
    source = get_stream_source(
        ctx.engine, camera_id, cipher=cipher_for(ctx.settings.credentials_key)
    )
    if not source.rtsp_url:
        raise NoVideoError(f"camera {camera_id} has no rtsp url", field="camera_id")
    url, user, password = split_userinfo(source.rtsp_url)
    sub = split_userinfo(source.rtsp_sub_url)[0] if source.rtsp_sub_url else sub_stream_url(url)
    with ctx.engine.connect() as conn:
        device = get_device(conn, camera_id)
    return CameraStreams(
        main_url=url,
        sub_url=sub,
        username=source.username or user,
        password=(source.password if source.username else password) or "",
        main_encoding=encoding_at(device, url),
        sub_encoding=encoding_at(device, sub),
    )


async def video_source(ctx: RelayContext, url: str, streams: CameraStreams) -> VideoSource:
    """The stream at ``url``, its host resolved once and checked against the networks.

    ffmpeg is given the checked address, so a DNS answer that changes after the check cannot
    send it (and the credentials) elsewhere.
    """
    parts = urlsplit(url)
    if parts.scheme not in RTSP_PORTS or not parts.hostname:
        raise CameraUnreachableError(f"the URL scheme {parts.scheme!r} cannot be relayed")
    port = parts.port or RTSP_PORTS[parts.scheme]
    address = await checked_address(parts.hostname, port, ctx.settings.camera_allow_list())
    host = f"[{address}]" if address.version == 6 else str(address)
    pinned = urlunsplit(parts._replace(netloc=f"{host}:{port}"))
    return VideoSource(pinned, username=streams.username or None, password=streams.password)


async def _join(
    ctx: RelayContext, hub: VideoHub, camera_id: str, streams: CameraStreams, stream: Stream
) -> Viewer:
    source = await video_source(ctx, streams.url(stream), streams)
    return await hub.join(f"{camera_id}/{stream.value}", source)


async def open_stream(
    ctx: RelayContext,
    hub: VideoHub,
    camera_id: str,
    *,
    asked: Stream,
    h265_ok: bool | None,
) -> tuple[Viewer, Stream, str]:
    """A viewer of the stream this browser can play, which stream, and how it was chosen.

    ``known``: the codec was known (ONVIF profile, or learned from an earlier feed), no
    stream was opened to find it; ``probe``: the main stream was opened and its codec read.
    """
    streams = await anyio.to_thread.run_sync(lambda: camera_streams(ctx, camera_id))
    learned = encoding_name(hub.codecs.get(f"{camera_id}/{Stream.main.value}"))
    main_encoding = streams.main_encoding or learned
    decide = functools.partial(
        choose_stream,
        asked,
        h265_ok=h265_ok,
        has_sub=streams.sub_url is not None,
        sub_encoding=streams.sub_encoding,
    )
    stream = decide(main_encoding=main_encoding)
    if stream is not None:
        return await _join(ctx, hub, camera_id, streams, stream), stream, "known"
    viewer = await _join(ctx, hub, camera_id, streams, Stream.main)
    if encoding_name(viewer.feed.codec) != H265:
        return viewer, Stream.main, "probe"
    hub.leave(viewer)  # the browser cannot play it; the feed lingers for those who can
    stream = decide(main_encoding=H265) or Stream.sub
    return await _join(ctx, hub, camera_id, streams, stream), stream, "probe"


async def relay_video(
    ctx: RelayContext,
    hub: VideoHub,
    token: str,
    *,
    stream: Stream = Stream.main,
    h265_ok: bool | None = None,
) -> StreamingResponse:
    """The camera's stream as fMP4, bytes of its frames untouched, while the ticket lives."""
    claims, deadline = await _admit(ctx, token)
    try:
        viewer, chosen, how = await open_stream(
            ctx, hub, claims.camera_id, asked=stream, h265_ok=h265_ok
        )
    except CameraUnreachableError as exc:
        await _failed(ctx, claims, exc)
        raise
    await anyio.to_thread.run_sync(
        lambda: _audit(ctx, claims, Action.stream_opened, kind="video", stream=chosen.value)
    )
    age_s = viewer.feed.age_s() or 0.0
    headers = {
        "X-Video-Codec": viewer.feed.codec,
        "X-Video-Stream": chosen.value,
        "X-Video-Chosen-By": how,
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
