from __future__ import annotations

import asyncio
import socket

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from camroute.api import keepalive
from camroute.api.keepalive import RecycleConnections
from camroute.sim.server import serve_in_thread


def _plain(max_requests: int) -> RecycleConnections:
    async def hello(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok", headers={"X-Mine": "kept"})

    return RecycleConnections(Starlette(routes=[Route("/", hello)]), max_requests=max_requests)


async def _closes(app: RecycleConnections, client: tuple[str, int], n: int) -> list[bool]:
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        answers = [await http.get("/") for _ in range(n)]
    assert all(a.headers["x-mine"] == "kept" for a in answers)  # the app's headers stay
    return [a.headers.get("connection") == "close" for a in answers]


def test_every_nth_answer_on_a_connection_closes_it_and_the_count_restarts() -> None:
    app = _plain(3)
    assert asyncio.run(_closes(app, ("10.0.0.1", 5000), 7)) == [
        False, False, True, False, False, True, False,
    ]  # fmt: skip
    # another connection (another client port) has its own count
    assert asyncio.run(_closes(app, ("10.0.0.1", 5001), 2)) == [False, False]


def test_zero_never_closes() -> None:
    assert not any(asyncio.run(_closes(_plain(0), ("10.0.0.1", 5000), 5)))


def test_the_counts_are_bounded(monkeypatch) -> None:
    monkeypatch.setattr(keepalive, "MAX_TRACKED", 4)
    app = _plain(100)
    for port in range(10):
        asyncio.run(_closes(app, ("10.0.0.2", port), 1))
    assert list(app._counts) == [("10.0.0.2", p) for p in (6, 7, 8, 9)]  # the latest kept


def _raw_get(sock: socket.socket) -> bytes:
    sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    data = b""
    while not data.endswith(b"ok"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def test_the_real_server_closes_the_connection_after_the_nth_answer() -> None:
    with serve_in_thread(_plain(2)) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            first, second = _raw_get(sock), _raw_get(sock)
            assert b"connection: close" not in first.lower()
            assert b"connection: close" in second.lower()
            assert sock.recv(4096) == b""  # the server hung up: the client opens anew
