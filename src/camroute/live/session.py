"""One relayed view: check the ticket, fetch from the REGISTERED camera url, audit, pass bytes.

The ticket is checked on every request and, during an MJPEG stream, against the store every
``RECHECK_S`` (so a renewal extends the stream and a revocation or expiry ends it). The stream
also ends when no frame has started for ``live_stale_after_s``. Stream close is audited with
the bytes relayed and the duration, also when the client goes away. A failed fetch is one
``camera_unreachable`` problem to the client whatever the cause; the cause goes to the server
log and to a ``relay_failed`` audit event (the ticket's first, then once a minute). Each use
(a snapshot, a stream's recheck, a client leaving) is noted on the ticket, at most every quarter
of ``live_orphan_grace_s``: a ticket left unused for the grace is ended (:mod:`camroute.live.mine`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio
import httpx
from fastapi.responses import Response, StreamingResponse

from camroute.audit.service import Action, record
from camroute.cameras.secrets import cipher_for
from camroute.cameras.store import get_stream_source
from camroute.errors import CamrouteError, UpstreamError
from camroute.events.bus import EventBus
from camroute.live.camauth import AuthSchemes
from camroute.live.parts import MediaRefusedError
from camroute.live.relay import Limits, MjpegUpstream, Upstream, fetch_snapshot, open_mjpeg
from camroute.live.rules import TicketDeniedError
from camroute.live.service import live_deadline, note_seen
from camroute.live.tally import SnapshotSummary, SnapshotTally
from camroute.live.tickets import TicketClaims, TicketExpiredError, verify_ticket
from camroute.live.upstream import CameraUnreachableError
from camroute.settings import Settings
from camroute.store.txn import writing

RECHECK_S = 1.0
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RelayContext:
    """What the relay needs from the running app."""

    engine: Any
    settings: Settings
    key: bytes
    client: httpx.AsyncClient
    bus: EventBus | None = None
    viewer: str | None = None  # the user the request's own credentials name, if any
    tally: SnapshotTally | None = None  # None: every snapshot is audited
    auth_schemes: AuthSchemes | None = None  # None: every request waits for the challenge


def stamp(at: datetime) -> str:
    """ISO 8601 UTC with milliseconds, for the ``Last-Frame-At`` header.

    Examples
    --------
    >>> stamp(datetime(2026, 11, 22, 1, 2, 3, 456789, tzinfo=UTC))
    '2026-11-22T01:02:03.456Z'
    """
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _upstream(ctx: RelayContext, camera_id: str, *, kind: str) -> Upstream:
    source = get_stream_source(
        ctx.engine, camera_id, cipher=cipher_for(ctx.settings.credentials_key)
    )
    url = source.snapshot_url if kind == "snapshot" else source.mjpeg_url
    if not url:
        raise UpstreamError(f"camera {camera_id} has no {kind} url registered", field="camera_id")
    # Credentials go only to the registered URL's own host: redirects are never followed.
    auth = (source.username, source.password or "") if source.username else None
    return Upstream(url=url, auth=auth, camera_id=camera_id, schemes=ctx.auth_schemes)


def relay_limits(settings: Settings) -> Limits:
    """How far and how long one fetch from a camera may go (the settings' live limits)."""
    return Limits(
        networks=settings.camera_allow_list(),
        timeout_s=settings.live_upstream_timeout_s,
        deadline_s=settings.live_fetch_deadline_s,
        max_bytes=settings.live_snapshot_max_bytes,
        stale_after_s=settings.live_stale_after_s,
    )


async def _failed(ctx: RelayContext, claims: TicketClaims, exc: CameraUnreachableError) -> None:
    """Log and audit why a fetch failed (the client is told only that it did)."""
    log.warning("camera %s not relayed: %s", claims.camera_id, exc.detail)
    summary = (
        ctx.tally.add(f"{claims.ticket_id}/failed", size_bytes=0)
        if ctx.tally is not None
        else SnapshotSummary(snapshots=1, bytes=0, first=True)
    )
    if summary is not None:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(
                lambda: _audit(
                    ctx, claims, "relay_failed", reason=exc.detail, failures=summary.snapshots
                )
            )


def _audit(ctx: RelayContext, claims: TicketClaims, action: Action | str, **details: Any) -> None:
    with writing(ctx.engine) as conn:
        record(
            conn,
            actor=claims.user,
            role=claims.role,
            action=action,
            subject=claims.camera_id,
            incident_id=claims.incident_id,
            purpose=claims.purpose,
            details={"ticket_id": claims.ticket_id, **details},
        )


async def _admit(ctx: RelayContext, token: str) -> tuple[TicketClaims, datetime]:
    try:
        claims = verify_ticket(token, key=ctx.key)
    except TicketExpiredError as exc:
        if exc.claims is not None:
            await _audit_expired(ctx, exc.claims)
        raise
    if ctx.viewer is not None and ctx.viewer != claims.user:
        raise TicketDeniedError(
            f"this ticket was issued to {claims.user}, not {ctx.viewer}", field="ticket"
        )
    try:
        deadline = await _recheck(ctx, claims)
    except TicketExpiredError:
        await _audit_expired(ctx, claims)
        raise
    return claims, deadline


async def _audit_expired(ctx: RelayContext, claims: TicketClaims) -> None:
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(lambda: _audit(ctx, claims, Action.ticket_expired))


async def relay_snapshot(ctx: RelayContext, token: str) -> Response:
    """The camera's current snapshot, bytes untouched, with ``Last-Frame-At``.

    Audited when it is the ticket's first, then once a minute with the count since
    (:mod:`camroute.live.tally`).
    """
    claims, _deadline = await _admit(ctx, token)
    upstream = await anyio.to_thread.run_sync(
        lambda: _upstream(ctx, claims.camera_id, kind="snapshot")
    )
    started = time.monotonic()
    try:
        snap = await fetch_snapshot(ctx.client, upstream, relay_limits(ctx.settings))
    except CameraUnreachableError as exc:
        await _failed(ctx, claims, exc)
        raise
    size = len(snap.content)
    summary = (
        ctx.tally.add(claims.ticket_id, size_bytes=size)
        if ctx.tally is not None
        else SnapshotSummary(snapshots=1, bytes=size, first=True)
    )
    if summary is not None:
        await anyio.to_thread.run_sync(
            lambda: _audit(
                ctx,
                claims,
                "snapshot_relayed",
                snapshots=summary.snapshots,
                bytes=summary.bytes,
                first=summary.first,
                duration_s=round(time.monotonic() - started, 3),
            )
        )
    headers = {"Last-Frame-At": stamp(snap.received_at)}
    return Response(snap.content, media_type=snap.media_type, headers=headers)


async def relay_mjpeg(ctx: RelayContext, token: str) -> StreamingResponse:
    """The camera's MJPEG stream, bytes untouched, for as long as the ticket lives."""
    claims, deadline = await _admit(ctx, token)
    upstream = await anyio.to_thread.run_sync(
        lambda: _upstream(ctx, claims.camera_id, kind="mjpeg")
    )
    try:
        opened = await open_mjpeg(ctx.client, upstream, relay_limits(ctx.settings))
    except CameraUnreachableError as exc:
        await _failed(ctx, claims, exc)
        raise
    await anyio.to_thread.run_sync(lambda: _audit(ctx, claims, Action.stream_opened))
    now = datetime.now(UTC)
    first = opened.clock.last_frame_at or now
    headers = {
        "Last-Frame-At": stamp(first),
        "Frame-Age-S": f"{opened.clock.age_s(now=now) or 0.0:.3f}",
        "X-Accel-Buffering": "no",
    }
    return StreamingResponse(
        _pump(ctx, opened, claims, deadline), media_type=opened.media_type, headers=headers
    )


@dataclass
class _Tally:
    sent: int = 0
    ended: str = "client_left"
    reason: str | None = None


async def _pump(
    ctx: RelayContext, up: MjpegUpstream, claims: TicketClaims, deadline: datetime
) -> AsyncIterator[bytes]:
    tally, started = _Tally(), time.monotonic()
    reader: asyncio.Task[bytes] | None = None
    try:
        for chunk in up.head:
            tally.sent += len(chunk)
            yield chunk
        every_s = recheck_s(ctx.settings)
        next_check = time.monotonic() + every_s
        while True:
            reader = reader or asyncio.create_task(_next(up.chunks))
            await asyncio.wait({reader}, timeout=every_s)
            if time.monotonic() >= next_check or datetime.now(UTC) >= deadline:
                deadline = await _recheck(ctx, claims)
                next_check = time.monotonic() + every_s
            if _stale(ctx, up):
                tally.ended = "stale"
                return
            if not reader.done():
                continue
            chunk, reader = reader.result(), None
            up.guard.feed(chunk)  # a bad part ends the stream before its bytes pass
            up.clock.feed(chunk, at=datetime.now(UTC))
            tally.sent += len(chunk)
            yield chunk
    except StopAsyncIteration:
        tally.ended = "upstream_ended"
    except httpx.HTTPError:
        tally.ended = "upstream_failed"
    except CamrouteError as exc:  # the ticket expired or was revoked, or a part was refused
        tally.ended = exc.code
        tally.reason = exc.detail if isinstance(exc, MediaRefusedError) else None
    finally:
        with anyio.CancelScope(shield=True):
            if reader is not None:
                await _settle(reader)
            await _close(ctx, up, claims, tally, time.monotonic() - started)


async def _settle(reader: asyncio.Task[bytes]) -> None:
    """End a pending read; take the error of a finished one, if the camera broke off.

    Left unretrieved (the stream ended stale, the client left, the server stopped), asyncio
    would log that error with a traceback as never retrieved.
    """
    if not reader.done():
        reader.cancel()
        await asyncio.wait({reader})
    if not reader.cancelled():
        reader.exception()


async def _next(chunks: AsyncIterator[bytes]) -> bytes:
    return await anext(chunks)


def _stale(ctx: RelayContext, up: MjpegUpstream) -> bool:
    age = up.clock.age_s(now=datetime.now(UTC))
    return age is not None and age > ctx.settings.live_stale_after_s


def recheck_s(settings: Settings) -> float:
    """How often a stream rechecks its ticket: ``RECHECK_S``, or a quarter of the grace.

    A live stream must note its use well within ``live_orphan_grace_s``.

    Examples
    --------
    >>> recheck_s(Settings(_env_file=None, live_orphan_grace_s=20.0))
    1.0
    >>> recheck_s(Settings(_env_file=None, live_orphan_grace_s=1.0))
    0.25
    """
    return min(RECHECK_S, settings.live_orphan_grace_s / 4)


async def _recheck(ctx: RelayContext, claims: TicketClaims) -> datetime:
    every_s = ctx.settings.live_orphan_grace_s / 4
    return await anyio.to_thread.run_sync(
        lambda: live_deadline(ctx.engine, claims, now=datetime.now(UTC), seen_every_s=every_s)
    )


async def _close(
    ctx: RelayContext, up: MjpegUpstream, claims: TicketClaims, tally: _Tally, duration_s: float
) -> None:
    await up.aclose()
    if tally.reason is not None:
        log.warning("camera %s stream ended: %s", claims.camera_id, tally.reason)
    if tally.ended == TicketExpiredError.code:
        await _audit_expired(ctx, claims)
    if tally.ended == "client_left":  # the orphan grace runs from the moment it left
        await anyio.to_thread.run_sync(lambda: note_seen(ctx.engine, claims.ticket_id))
    await anyio.to_thread.run_sync(
        lambda: _audit(
            ctx,
            claims,
            Action.stream_closed,
            bytes=tally.sent,
            duration_s=round(duration_s, 3),
            frames=up.clock.frames,
            ended=tally.ended,
            **({"reason": tally.reason} if tally.reason else {}),
        )
    )
