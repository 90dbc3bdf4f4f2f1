"""A hostile or broken camera behind the relay: script, wrong media, endless and slow bodies,
and camera URLs that point at the server itself (#18 items 16, 18, 19)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.responses import Response, StreamingResponse
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.audit.tables import audit_events
from camroute.settings import Settings
from camroute.sim.server import free_port, serve_in_thread

from .conftest import LOOPBACK, Api, add_cameras, camera, make_api

PROBLEM = "application/problem+json"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200 + b"\xff\xd9"
SCRIPT_HTML = b"<html><script>fetch('/api/me').then(r => r.text()).then(alert)</script></html>"
SCRIPT_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
)
CAP_BYTES = 64 * 1024
DEADLINE_S = 1.0
RELAY_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
}
SENT: dict[str, int] = {}  # bytes each endless camera produced


def part(body: bytes, kind: str = "image/jpeg") -> bytes:
    return f"--fr\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + (
        body + b"\r\n"
    )


async def _endless(name: str, head: bytes = b"") -> AsyncIterator[bytes]:
    SENT[name] = 0
    if head:
        yield head
    block = b"\xff\xd8" + b"\x00" * (16 * 1024 - 2)
    while True:
        SENT[name] += len(block)
        yield block
        await asyncio.sleep(0)


async def _dribble(head: bytes, byte: bytes) -> AsyncIterator[bytes]:
    yield head
    while True:
        await asyncio.sleep(0.3)  # well inside the per-read timeout
        yield byte


def hostile_app() -> FastAPI:
    """One camera per way of misbehaving, chosen by camera id."""
    app = FastAPI()
    snapshots = {
        "HTML-1": (SCRIPT_HTML, "text/html"),
        "SVG-1": (SCRIPT_SVG, "image/svg+xml"),
        "LABEL-1": (JPEG, "text/html"),  # a JPEG, but labelled as a page
        "FAKE-1": (SCRIPT_HTML, "image/jpeg"),  # labelled JPEG, but a page
        "OK-1": (JPEG, "image/jpeg"),
    }
    streams = {
        "HTML-1": ([SCRIPT_HTML], "text/html"),
        "SVG-1": ([part(SCRIPT_SVG, "image/svg+xml")], "multipart/x-mixed-replace;boundary=fr"),
        "LABEL-1": ([part(JPEG)], "text/html"),
        "NOBOUND-1": ([part(JPEG)], "multipart/x-mixed-replace"),
        "LATER-1": (
            [part(JPEG), part(JPEG), part(SCRIPT_SVG, "image/svg+xml"), part(JPEG)],
            "multipart/x-mixed-replace;boundary=fr",
        ),
    }

    @app.get("/cameras/{camera_id}/snapshot.jpg")
    async def snap(camera_id: str) -> Response:
        if camera_id == "ENDLESS-1":
            return StreamingResponse(_endless("snapshot"), media_type="image/jpeg")
        if camera_id == "DRIBBLE-1":
            return StreamingResponse(_dribble(b"\xff", b"\x00"), media_type="image/jpeg")
        body, kind = snapshots[camera_id]
        return Response(body, media_type=kind)

    @app.get("/cameras/{camera_id}/mjpeg")
    async def stream(camera_id: str) -> StreamingResponse:
        kind = "multipart/x-mixed-replace;boundary=fr"
        if camera_id == "ENDLESS-1":  # one good frame, then one that never ends
            head = part(JPEG) + b"--fr\r\nContent-Type: image/jpeg\r\n\r\n"
            return StreamingResponse(_endless("frame", head), media_type=kind)
        if camera_id == "DRIBBLE-1":
            return StreamingResponse(_dribble(b"--fr\r\nX-Pad: ", b"a"), media_type=kind)
        chunks, kind = streams[camera_id]

        async def gen() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk
                await asyncio.sleep(0.05)

        return StreamingResponse(gen(), media_type=kind)

    return app


@pytest.fixture(scope="module")
def hostile_url() -> Iterator[str]:
    with serve_in_thread(hostile_app()) as url:
        yield url


@pytest.fixture(scope="module")
def silent_url() -> Iterator[str]:
    """A port that accepts connections and never answers (a filtered camera)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


IDS = ["HTML-1", "SVG-1", "LABEL-1", "FAKE-1", "OK-1", "NOBOUND-1", "LATER-1"]


def _hostile_api(tmp_path, networks: list[str], cameras: list[dict[str, Any]]) -> Iterator[Api]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'camroute.db'}",
        camera_networks=networks,
        live_fetch_deadline_s=DEADLINE_S,
        live_snapshot_max_bytes=CAP_BYTES,
        live_stale_after_s=1.0,
    )
    app = create_app(settings)
    with TestClient(app) as client:
        add_cameras(app, cameras)
        yield make_api(app, client)


@pytest.fixture
def api(tmp_path, hostile_url, silent_url, sim_url) -> Iterator[Api]:
    cams = [camera(i, south_m=20 + n, base=hostile_url) for n, i in enumerate(IDS)]
    cams += [
        camera("ENDLESS-1", south_m=40, base=hostile_url),
        camera("DRIBBLE-1", south_m=41, base=hostile_url),
        camera("SILENT-1", south_m=42, base=silent_url),
        camera("DEAD-1", south_m=43, base=f"http://127.0.0.1:{free_port()}"),
        camera("SIM-1", south_m=44, base=sim_url),
    ]
    yield from _hostile_api(tmp_path, LOOPBACK, cams)


def _open(api: Api, camera_id: str) -> dict[str, Any]:
    resp = api.view(api.open_incident(f"C-{camera_id}")["id"], camera_id)
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def _unreachable(resp: Any) -> dict[str, Any]:
    assert resp.status_code == 502, resp.text
    assert resp.headers["content-type"] == PROBLEM
    body = dict(resp.json())
    assert body["code"] == "camera_unreachable"
    assert b"script" not in resp.content  # nothing of the camera's body is echoed
    body.pop("instance")
    return body


def _audit(api: Api, action: str) -> list[dict[str, Any]]:
    with api.app.state.engine.connect() as conn:
        query = sa.select(audit_events.c.details).where(audit_events.c.action == action)
        return [dict(d) for d in conn.execute(query.order_by(audit_events.c.id)).scalars()]


# -- item 16: only the promised media, with headers that keep it inert ---------------------


@pytest.mark.parametrize("camera_id", ["HTML-1", "SVG-1", "LABEL-1", "FAKE-1"])
def test_a_snapshot_that_is_not_a_jpeg_is_refused(api, camera_id) -> None:
    view = _open(api, camera_id)
    _unreachable(api.client.get(view["snapshot_url"]))


def test_a_jpeg_snapshot_is_served_as_image_jpeg_with_the_relay_headers(api) -> None:
    resp = api.client.get(_open(api, "OK-1")["snapshot_url"])
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "image/jpeg"
    assert resp.content == JPEG
    for name, value in RELAY_HEADERS.items():
        assert resp.headers[name] == value


def test_relay_problems_carry_the_relay_headers_too(api) -> None:
    resp = api.client.get(_open(api, "SVG-1")["snapshot_url"])
    _unreachable(resp)
    for name, value in RELAY_HEADERS.items():
        assert resp.headers[name] == value
    forged = api.client.get("/api/live/forged/snapshot.jpg")
    assert forged.status_code == 403
    assert forged.headers["content-security-policy"] == RELAY_HEADERS["content-security-policy"]


@pytest.mark.parametrize("camera_id", ["HTML-1", "SVG-1", "LABEL-1", "NOBOUND-1"])
def test_a_stream_that_is_not_multipart_jpeg_is_refused(api, camera_id) -> None:
    view = _open(api, camera_id)
    _unreachable(api.client.get(view["mjpeg_url"]))


def test_a_stream_ends_before_its_first_part_that_is_not_a_jpeg(api) -> None:
    view = _open(api, "LATER-1")
    with api.client.stream("GET", view["mjpeg_url"]) as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"] == "multipart/x-mixed-replace;boundary=fr"
        for name, value in RELAY_HEADERS.items():
            assert resp.headers[name] == value
        data = b"".join(resp.iter_bytes())
    assert data.count(JPEG) == 2  # the two frames before the SVG part
    assert b"svg" not in data
    closed = _audit(api, "stream_closed")[-1]
    assert closed["ended"] == "camera_unreachable"
    assert "image/svg+xml" in closed["reason"]


def test_simulator_stream_passes_with_its_boundary_and_the_relay_headers(api) -> None:
    view = _open(api, "SIM-1")
    with api.client.stream("GET", view["mjpeg_url"]) as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"] == "multipart/x-mixed-replace;boundary=camrouteframe"
        assert resp.headers["x-content-type-options"] == "nosniff"
        first = next(resp.iter_bytes())
    assert first.startswith(b"--camrouteframe")


# -- item 19: bounded size and time -----------------------------------------------------------


def test_an_endless_snapshot_stops_at_the_size_cap(api) -> None:
    view = _open(api, "ENDLESS-1")
    started = time.monotonic()
    _unreachable(api.client.get(view["snapshot_url"]))
    assert time.monotonic() - started < DEADLINE_S + 1.0
    reason = _audit(api, "relay_failed")[-1]["reason"]
    assert f"over {CAP_BYTES} bytes" in reason
    time.sleep(0.5)
    sent = SENT["snapshot"]
    time.sleep(0.5)
    assert SENT["snapshot"] == sent  # the camera was cut off...
    assert sent < 16 * 1024 * 1024  # ...after at most the socket buffers beyond the cap


def test_a_dribbling_snapshot_ends_at_the_deadline(api) -> None:
    view = _open(api, "DRIBBLE-1")
    started = time.monotonic()
    _unreachable(api.client.get(view["snapshot_url"]))
    took_s = time.monotonic() - started
    assert DEADLINE_S * 0.9 <= took_s < DEADLINE_S + 1.0
    assert "timed out" in _audit(api, "relay_failed")[-1]["reason"]


def test_a_stream_whose_first_frame_never_comes_is_refused_at_the_deadline(api) -> None:
    view = _open(api, "DRIBBLE-1")
    started = time.monotonic()
    _unreachable(api.client.get(view["mjpeg_url"]))
    assert time.monotonic() - started < DEADLINE_S + 1.0


def test_a_frame_over_the_cap_ends_the_stream(api) -> None:
    view = _open(api, "ENDLESS-1")
    started = time.monotonic()
    with api.client.stream("GET", view["mjpeg_url"]) as resp:
        assert resp.status_code == 200
        size = sum(len(chunk) for chunk in resp.iter_bytes())
    assert time.monotonic() - started < 5.0
    assert size <= len(part(JPEG)) + CAP_BYTES + 64 * 1024
    closed = _audit(api, "stream_closed")[-1]
    assert f"over {CAP_BYTES} bytes" in closed["reason"]


# -- item 18: failures all look alike; the reason is logged and audited ---------------------


def test_refused_silent_and_refused_media_look_the_same_to_the_client(api) -> None:
    bodies = []
    for camera_id in ("DEAD-1", "SILENT-1", "HTML-1"):
        view = _open(api, camera_id)
        bodies.append(_unreachable(api.client.get(view["snapshot_url"])))
    assert bodies[0] == bodies[1] == bodies[2]
    assert "127.0.0.1" not in str(bodies)
    reasons = [d["reason"] for d in _audit(api, "relay_failed")]
    assert "ConnectError" in reasons[0]
    assert "timed out" in reasons[1]
    assert "text/html" in reasons[2]


def test_failures_of_one_ticket_are_audited_once_a_minute(api) -> None:
    view = _open(api, "DEAD-1")
    for _ in range(3):
        _unreachable(api.client.get(view["snapshot_url"]))
    mine = [d for d in _audit(api, "relay_failed") if d["ticket_id"] == view["ticket_id"]]
    assert len(mine) == 1


@pytest.fixture
def default_api(tmp_path, sim_url) -> Iterator[Api]:
    """Default camera networks: the loopback cameras, and the app itself, are off limits."""
    yield from _hostile_api(
        tmp_path,
        list(Settings(_env_file=None).camera_networks),  # type: ignore[call-arg]
        [
            camera("SIM-1", south_m=30, base=sim_url),
            camera("DEAD-1", south_m=35, base=f"http://127.0.0.1:{free_port()}"),
            camera("NAME-1", south_m=36, base=sim_url.replace("127.0.0.1", "localhost")),
            camera("META-1", south_m=37, base="http://169.254.169.254"),
        ],
    )


def test_loopback_cameras_are_refused_by_default_like_a_dead_one(default_api) -> None:
    api = default_api
    bodies = []
    for camera_id in ("SIM-1", "NAME-1", "META-1", "DEAD-1"):
        view = _open(api, camera_id)
        for url in (view["snapshot_url"], view["mjpeg_url"]):
            bodies.append(_unreachable(api.client.get(url)))
    assert all(body == bodies[0] for body in bodies)
    reasons = [d["reason"] for d in _audit(api, "relay_failed")]
    assert "address 127.0.0.1 is outside the camera networks" in reasons[0]
    assert reasons[1].startswith("localhost: address 127.0.0.1")  # after resolution
    assert "never a camera" in reasons[2]
