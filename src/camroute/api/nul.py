r"""Refuse NUL (U+0000) in request strings at the edge, with a 422 naming where it was.

PostgreSQL cannot store a NUL in text (``text fields cannot contain NUL``: a 500, and an
emergency call lost) while SQLite stores it: the same request must get the same answer on
both stores, and a NUL is never meaningful in a name, an address or an id. A pure ASGI
middleware looks where strings enter, before routing, parsing and authentication:

- the query string (path parameters, named only after routing, are checked by the app-wide
  dependency :func:`refuse_nul_in_path`);
- JSON bodies, whatever their declared type (``/api/calls`` reads its own): a NUL can only be
  written there as the escape ``\u0000``, so only a body containing it is parsed to find the
  field (``address``, ``location.civic``);
- form bodies (URL-encoded or multipart, e.g. the login form).

Other bodies (PIDF-LO, AML SMS, geo URIs) are the location parsers' to read: they refuse a
NUL themselves as a ``location_parse_error`` (:func:`camroute.location.values.refuse_nul`).
Headers cannot carry a NUL (the HTTP server refuses it). Bodies are buffered here, after
:class:`camroute.api.limits.BodyLimitMiddleware` has bounded them.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import Headers, QueryParams, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from camroute.errors import InvalidInputError

NUL = "\x00"
REASON = "contains a NUL character (U+0000)"
PROBLEM_JSON = "application/problem+json"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulMiddleware:
    """A 422 ``invalid_input`` problem for a NUL in the path, the query, a JSON or form body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        field = _query_field(scope)
        messages = await _buffer(receive)
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        if field is None:
            field = await _body_field(scope, body)
        if field is not None:
            await _refuse(field, scope, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _buffer(receive: Receive) -> list[Message]:
    """Every message up to the end of the body (or the client's disconnect)."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


async def refuse_nul_in_path(request: Request) -> None:
    """App-wide dependency: a path parameter holding a NUL is a 422 naming the parameter.

    Run after routing (the middleware runs before it and cannot know the parameter's name);
    a NUL elsewhere in a path matches no route and is a 404. ``async`` because it never
    blocks: a plain ``def`` would cost every request a hop through the thread pool.
    """
    for name, value in request.path_params.items():
        if isinstance(value, str) and NUL in value:
            raise InvalidInputError(f"{name}: {REASON}", field=str(name))


def _query_field(scope: Scope) -> str | None:
    query = scope.get("query_string", b"")
    if b"%00" not in query and b"\x00" not in query:
        return None
    for key, value in QueryParams(query).multi_items():
        if NUL in key or NUL in value:
            return _shown(key)
    return None


async def _body_field(scope: Scope, body: bytes) -> str | None:
    if b"\\u0000" in body:
        field = _json_field(body)
        if field is not None:
            return field
    media_type = Headers(scope=scope).get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type in _FORM_TYPES and (b"%00" in body or b"\x00" in body):
        return await _form_field(scope, body)
    return None


def _json_field(body: bytes) -> str | None:
    """The dotted path of the first string (or key) holding a NUL; None if none, or not JSON."""
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the route says what is wrong with it
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and NUL in value:
            return path or "body"
        for key, child in _children(value):
            name = f"{path}.{_shown(str(key))}" if path else _shown(str(key))
            if NUL in str(key):
                return name
            stack.append((name, child))
    return None


def _children(value: Any) -> list[tuple[Any, Any]]:
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list):
        return list(enumerate(value))
    return []


async def _form_field(scope: Scope, body: bytes) -> str | None:
    async def once() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(scope, once).form()
    except (HTTPException, MultiPartException, ValueError):
        return None  # a malformed form is the route's to refuse
    try:
        for key, value in form.multi_items():
            text = value.filename or "" if isinstance(value, UploadFile) else value
            if NUL in key or NUL in text:
                return _shown(key)
        return None
    finally:
        await form.close()


def _shown(name: str) -> str:
    r"""A field name fit for the problem body (the NUL itself shown as ``\0``)."""
    return name.replace(NUL, "\\0")[:64]


async def _refuse(field: str, scope: Scope, send: Send) -> None:
    error = InvalidInputError(f"{field}: {REASON}", field=field)
    body = error.to_problem()
    body["instance"] = _shown(scope.get("path", ""))

    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    response = JSONResponse(body, status_code=error.status, media_type=PROBLEM_JSON)
    await response(scope, no_body, send)
