"""One request-body limit for every route, enforced before routing, parsing and authentication.

A body is read before the route's dependencies run (FastAPI parses JSON and forms first), so a
limit checked in a route or after authentication comes too late: 300 MB sent without
credentials was read whole before the 401. This pure ASGI middleware sits in front of all of
it: a declared ``Content-Length`` over the limit is refused before a byte is read, and a body
without one (chunked) is counted as it arrives and refused as soon as the count passes the
limit; nothing beyond the limit is ever handed to the app. No route takes a larger upload
(camera imports go through the CLI), so the limit is the same everywhere.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from camroute.errors import PayloadTooLargeError

PROBLEM_JSON = "application/problem+json"


class BodyLimitMiddleware:
    """Refuse request bodies larger than ``max_bytes`` with a 413 problem, whatever the route."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            error = PayloadTooLargeError(
                f"body of {declared} bytes exceeds the limit of {self.max_bytes} bytes",
                field="body",
            )
            await _refuse(error, scope, receive, send)
            return
        guard = _CountingGuard(receive, send, max_bytes=self.max_bytes)
        try:
            await self.app(scope, guard.receive, guard.send)
        except PayloadTooLargeError:
            if guard.error is None:
                raise
        if guard.error is not None and not guard.app_responded:
            await _refuse(guard.error, scope, receive, send)


class _CountingGuard:
    """Wraps receive/send: counts body bytes and stops the app at the limit.

    Once over the limit, the app's own answer (whatever it made of the interrupted body, e.g.
    FastAPI's 400 for a body it could not parse) is kept from the client: the 413 goes out.
    """

    def __init__(self, receive: Receive, send: Send, *, max_bytes: int) -> None:
        self._receive = receive
        self._send = send
        self._max_bytes = max_bytes
        self._received_bytes = 0
        self.error: PayloadTooLargeError | None = None
        self.app_responded = False  # a response had started before the limit was passed

    async def receive(self) -> Message:
        if self.error is not None:
            return {"type": "http.disconnect"}  # never hand over more of a refused body
        message = await self._receive()
        if message["type"] == "http.request":
            self._received_bytes += len(message.get("body", b""))
            if self._received_bytes > self._max_bytes:
                self.error = PayloadTooLargeError(
                    f"body exceeds the limit of {self._max_bytes} bytes", field="body"
                )
                raise self.error
        return message

    async def send(self, message: Message) -> None:
        if self.error is not None and not self.app_responded:
            return  # the 413 goes out instead, once the app has returned
        if message["type"] == "http.response.start":
            self.app_responded = True
        await self._send(message)


def _declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    if value is None or not value.strip().isdigit():
        return None  # the server refuses a malformed length itself
    return int(value)


async def _refuse(error: PayloadTooLargeError, scope: Scope, receive: Receive, send: Send) -> None:
    body = error.to_problem()
    body["instance"] = scope.get("path", "")
    # Close the connection: the client may still be sending the rest of the body.
    response = JSONResponse(
        body, status_code=error.status, media_type=PROBLEM_JSON, headers={"Connection": "close"}
    )
    await response(scope, receive, send)
