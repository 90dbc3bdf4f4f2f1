from __future__ import annotations

import socket

import httpx
import pytest
from fastapi import FastAPI

from camroute.demo.servers import ServerThread, bind_socket
from camroute.errors import ConflictError


def test_busy_port_is_refused_with_the_port_named() -> None:
    taken = bind_socket("127.0.0.1", 0)
    port = taken.getsockname()[1]
    try:
        with pytest.raises(ConflictError, match=f"127.0.0.1:{port}"):
            bind_socket("127.0.0.1", port)
    finally:
        taken.close()


def test_server_thread_serves_then_stops_and_frees_its_port() -> None:
    app = FastAPI()

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"pong": "yes"}

    server = ServerThread(app, bind_socket("127.0.0.1", 0), name="t")
    port = server.port
    server.start(timeout_s=20)
    assert server.alive
    assert httpx.get(f"http://127.0.0.1:{port}/ping").json() == {"pong": "yes"}
    server.stop()
    assert not server.alive
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_app_that_fails_to_start_is_reported() -> None:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def broken(_app: FastAPI):  # type: ignore[no-untyped-def]
        raise RuntimeError("no store")
        yield

    server = ServerThread(FastAPI(lifespan=broken), bind_socket("127.0.0.1", 0), name="broken")
    with pytest.raises(RuntimeError, match="broken did not start"):
        server.start(timeout_s=20)
    assert not server.alive
