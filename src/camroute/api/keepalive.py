"""Close each keep-alive connection after a number of answers (nginx's ``keepalive_requests``).

With several worker processes on one listening socket, a worker that wakes to a burst of new
connections accepts all of them, and keep-alive holds them there: measured, one of two
workers served 70-100 % of the requests while the other idled. A connection that ends after
``max_requests`` answers comes back through ``accept``, which the less busy worker (the one
waiting in the event loop) wins more often, so the load evens out within seconds. Every HTTP
client reconnects on ``Connection: close``; the cost is one TCP handshake per that many
requests.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Connections remembered at once; the least recently used is forgotten first (it only loses
# its count, so it is closed later than it would have been).
MAX_TRACKED = 10_000


class RecycleConnections:
    """Answer with ``Connection: close`` once a connection has had ``max_requests`` answers."""

    def __init__(self, app: ASGIApp, *, max_requests: int) -> None:
        self.app = app
        self.max_requests = max_requests
        self._counts: dict[tuple[str, int], int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or self.max_requests <= 0 or client is None:
            await self.app(scope, receive, send)
            return
        key = (client[0], client[1])
        count = self._counts.pop(key, 0) + 1
        if count < self.max_requests:
            self._counts[key] = count  # re-inserted last: the dict's order is recency
            if len(self._counts) > MAX_TRACKED:
                del self._counts[next(iter(self._counts))]
            await self.app(scope, receive, send)
            return

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"connection", b"close")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, closing)
