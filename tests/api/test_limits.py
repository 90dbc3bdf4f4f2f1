"""One body limit for every route, before parsing and before authentication.

The receive side is instrumented here, in the test: ``_Counting`` wraps the whole app and
counts the body bytes the server handed to it, whatever the app then did with them.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.settings import Settings
from camroute.sim.server import serve_in_thread

LIMIT_BYTES = 64 * 1024
CHUNK_BYTES = 16 * 1024
SENT_BYTES = 8 * 1024 * 1024  # 128 times the limit
PROBLEM = "application/problem+json"

T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on a fresh loop in a worker thread (a browser test may own this thread's)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


class _Counting:
    """An ASGI wrapper that counts the request-body bytes the app pulled from the server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.read_bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counted() -> Message:
            message = await receive()
            self.read_bytes += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


def _settings(tmp_path: Path) -> Settings:
    url = f"sqlite:///{tmp_path / 'camroute.db'}"
    return Settings(_env_file=None, database_url=url, max_body_bytes=LIMIT_BYTES)  # type: ignore[call-arg]


async def _chunks() -> AsyncIterator[bytes]:
    for _ in range(SENT_BYTES // CHUNK_BYTES):
        yield b"x" * CHUNK_BYTES
        await asyncio.sleep(0)


async def _post(
    tmp_path: Path, path: str, headers: dict[str, str], *, with_key: bool = False
) -> tuple[httpx.Response, int]:
    app = create_app(_settings(tmp_path))
    counting = _Counting(app)
    async with app.router.lifespan_context(app):
        if with_key:
            actor = {"actor": "cli:test", "actor_role": "cli"}
            new = create_api_key(app.state.engine, name="cad", role=Role.integration, **actor)
            headers = {**headers, "X-API-Key": new.key}
        transport = httpx.ASGITransport(app=counting)
        async with httpx.AsyncClient(transport=transport, base_url="http://camroute") as client:
            response = await client.post(path, content=_chunks(), headers=headers)
    return response, counting.read_bytes


def _assert_413(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["code"] == "payload_too_large"
    assert f"limit of {LIMIT_BYTES} bytes" in body["detail"]
    assert body["errors"][0]["field"] == "body"
    return body


@pytest.mark.parametrize(
    ("path", "content_type", "with_key"),
    [
        ("/api/cameras", "application/json", False),  # a pydantic body, parsed before auth
        ("/api/auth/login", "application/x-www-form-urlencoded", False),  # a form, public
        ("/api/calls", "application/json", True),  # raw bodies the routes read after auth
        ("/api/locate", "text/plain", True),
    ],
)
def test_chunked_body_without_length_is_cut_at_the_limit(
    tmp_path: Path, path: str, content_type: str, with_key: bool
) -> None:
    headers = {"Content-Type": content_type}
    response, read_bytes = _run(_post(tmp_path, path, headers, with_key=with_key))
    _assert_413(response)
    assert read_bytes <= LIMIT_BYTES + CHUNK_BYTES  # never buffered beyond the limit


def test_declared_length_over_the_limit_is_refused_unread_before_auth(tmp_path: Path) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": str(300 * 1024 * 1024)}
    response, read_bytes = _run(_post(tmp_path, "/api/cameras", headers))
    body = _assert_413(response)
    assert str(300 * 1024 * 1024) in body["detail"]
    assert read_bytes == 0


def test_small_body_still_reaches_auth(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path))

    async def post() -> httpx.Response:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://camroute") as c:
                return await c.post("/api/cameras", json={"id": "CAM-1"})

    assert _run(post()).status_code == 401


def test_real_server_answers_413_before_the_body_arrives(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path))
    with serve_in_thread(app, lifespan="on") as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                b"POST /api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 314572800\r\n\r\n"
            )
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)  # times out (fails) if the server waits for the body
                if not chunk:
                    break
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"application/problem+json" in answer
