"""``GET /api/events``: server-sent events of incident and view changes for the map."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from camroute.auth.deps import Role, require_roles
from camroute.events.bus import Event, EventBus

router = APIRouter(tags=["events"])
HEARTBEAT_S = 15.0
VIEWERS = (Role.dispatcher, Role.supervisor)


def sse_frame(event: Event) -> bytes:
    """One SSE message: ``id``, ``event`` (the kind) and one JSON ``data`` line.

    Examples
    --------
    >>> frame = sse_frame(Event(kind="incident.created", data={"a": 1}, id="e1", at="t"))
    >>> frame.decode().splitlines()[:2]
    ['id: e1', 'event: incident.created']
    >>> frame.endswith(b'"data":{"a":1}}' + bytes([10, 10]))
    True
    """
    return b"id: %s\nevent: %s\ndata: %s\n\n" % (
        event.id.encode(),
        event.kind.encode(),
        event.to_json(),
    )


async def _stream(bus: EventBus, heartbeat_s: float) -> AsyncIterator[bytes]:
    async with bus.subscribe() as sub:
        # The first bytes tell the client it is subscribed: nothing published after them is lost.
        yield b"retry: 3000\n: subscribed\n\n"
        while True:
            try:
                event = await asyncio.wait_for(sub.queue.get(), heartbeat_s)
            except TimeoutError:
                yield b": ping\n\n"
                continue
            yield sse_frame(event)


@router.get(
    "/api/events",
    dependencies=[Depends(require_roles(*VIEWERS))],
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def events(request: Request) -> StreamingResponse:
    """Stream incident and view events (``text/event-stream``) until the client leaves."""
    bus: EventBus = request.app.state.events
    return StreamingResponse(
        _stream(bus, HEARTBEAT_S),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
