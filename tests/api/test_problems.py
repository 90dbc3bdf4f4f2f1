"""Server errors are logged once, and a live-view ticket in the path never reaches the log."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.errors import UpstreamError
from camroute.settings import Settings
from camroute.sim.server import serve_in_thread

TICKET = "eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOiJzZWNyZXQtdGlja2V0In0.c2lnbmF0dXJlLXNlY3JldA"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    probe = APIRouter()

    @probe.get("/api/live/{ticket}/probe-upstream")
    def upstream(ticket: str) -> None:
        raise UpstreamError("camera CAM-1 did not answer within 2 s")

    @probe.get("/api/live/{ticket}/probe-crash")
    def crash(ticket: str) -> None:
        raise RuntimeError(f"relay broke on /api/live/{ticket}/probe-crash")

    app.include_router(probe)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(("path", "status"), [("probe-upstream", 502), ("probe-crash", 500)])
def test_error_log_has_no_ticket(
    client: TestClient, caplog: pytest.LogCaptureFixture, path: str, status: int
) -> None:
    with caplog.at_level(logging.ERROR, logger="camroute.api.problems"):
        r = client.get(f"/api/live/{TICKET}/{path}")
    assert r.status_code == status
    logged = [rec for rec in caplog.records if rec.name == "camroute.api.problems"]
    assert len(logged) == 1
    assert f"/api/live/[ticket]/{path}" in caplog.text
    assert TICKET not in caplog.text


def test_server_traceback_of_a_500_has_no_ticket(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/api/live/{ticket}/probe-raise")
    def crash(ticket: str) -> None:
        raise RuntimeError(f"relay broke on /api/live/{ticket}/probe-raise")

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    server_log = logging.getLogger("uvicorn.error")
    with serve_in_thread(app, lifespan="on") as base:
        server_log.addHandler(handler)  # after uvicorn configured its loggers
        try:
            r = httpx.get(f"{base}/api/live/{TICKET}/probe-raise")
            deadline = time.monotonic() + 10.0  # the server logs after the 500 is sent
            while "probe-raise" not in out.getvalue() and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            server_log.removeHandler(handler)
    assert r.status_code == 500
    assert "relay broke on /api/live/[ticket]/probe-raise" in out.getvalue()
    assert TICKET not in out.getvalue()
