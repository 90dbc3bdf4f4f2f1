"""``GET /api/events``: server-sent events of incident and view changes for the map."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from camroute.auth.deps import Role, require_roles
from camroute.events.bus import EventBus, Subscription
from camroute.events.models import Event, Refetch

HEARTBEAT_S = 15.0
VIEWERS = (Role.dispatcher, Role.supervisor)


class EventStreamResponse(StreamingResponse):
    """A ``text/event-stream`` body (so OpenAPI files the event schema under that type)."""

    media_type = "text/event-stream"


def sse_frame(event: Event) -> bytes:
    """One SSE message: ``id``, ``event`` (the kind) and the event as one JSON ``data`` line.

    Examples
    --------
    >>> event = Event(kind="incident.created", incident_id="i1", id="e1", at="2026-01-01T00:00Z")
    >>> frame = sse_frame(event).decode()
    >>> frame.splitlines()[:2]
    ['id: e1', 'event: incident.created']
    >>> frame.endswith('"at":"2026-01-01T00:00:00Z"}' + chr(10) + chr(10))
    True
    """
    return b"id: %s\nevent: %s\ndata: %s\n\n" % (
        event.id.encode(),
        event.kind.encode(),
        event.to_json(),
    )


async def _wait(sub: Subscription, heartbeat_s: float) -> bytes:
    try:
        return sse_frame(await asyncio.wait_for(sub.queue.get(), heartbeat_s))
    except TimeoutError:
        return b": ping\n\n"


async def _stream(bus: EventBus, heartbeat_s: float) -> AsyncIterator[bytes]:
    async with bus.subscribe() as sub:
        # The first bytes tell the client it is subscribed: nothing published after them is lost.
        yield b"retry: 3000\n: subscribed\n\n"
        told = 0  # how many of the dropped events this map was told about
        while True:
            if sub.dropped > told:  # the queue overflowed: this map must reload what it shows
                told = sub.dropped
                yield sse_frame(Refetch(reason="fell_behind"))
            yield await _wait(sub, heartbeat_s)


def events_router(event_schema: Any) -> APIRouter:
    """The SSE route, documenting ``event_schema`` (the app's event union) as its body."""
    router = APIRouter(tags=["events"])

    @router.get(
        "/api/events",
        dependencies=[Depends(require_roles(*VIEWERS))],
        response_class=EventStreamResponse,
        responses={
            200: {
                "model": event_schema,
                "description": (
                    "A stream of server-sent events. Each message has `id`, `event` (the kind) "
                    "and one `data` line: the event as JSON, one of the schemas here, told "
                    "apart by `kind`. Comment lines (`: ping`) keep the connection open."
                ),
            }
        },
    )
    async def events(request: Request) -> EventStreamResponse:
        """Stream incident and view events (``text/event-stream``) until the client leaves."""
        bus: EventBus = request.app.state.events
        return EventStreamResponse(
            _stream(bus, HEARTBEAT_S),
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return router
