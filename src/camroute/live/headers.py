"""Headers on every relay response, the camera's bytes and the problems alike.

Relayed bytes come from a camera, not from us, yet they are served under the app's origin:
the browser must never sniff them into something else, run them as a document, frame them,
hand them to another site or keep them in a cache.
"""

from __future__ import annotations

from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

RELAY_PATH_PREFIX: Final = "/api/live/"
RELAY_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class RelayHeaders:
    """ASGI middleware: :data:`RELAY_HEADERS` on every response under ``/api/live/``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; set the headers when the response starts."""
        if scope["type"] != "http" or not scope["path"].startswith(RELAY_PATH_PREFIX):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in RELAY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
