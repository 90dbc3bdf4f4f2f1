from __future__ import annotations

import asyncio
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.events.bus import QUEUE_SIZE, EventBus
from camroute.events.router import _stream
from camroute.incidents.events import ViewChanged, parse_event
from camroute.incidents.models import IncidentSummary
from camroute.settings import Settings
from camroute.sim.server import ServeProcess, serve_in_thread
from camroute.store import make_engine, migrate

CALL = {
    "call_id": "E-1",
    "hotline": "114",
    "location": {"lon": 106.698, "lat": 10.7725, "uncertainty_m": 30},
}


def make_keys(url: str, suffix: str = "") -> dict[str, dict[str, str]]:
    engine = make_engine(url)
    migrate(engine)
    keys = {
        name: {
            "X-API-Key": create_api_key(
                engine, name=name + suffix, role=role, actor="t", actor_role="t"
            ).key
        }
        for name, role in {
            "cad": Role.integration,
            "ann": Role.dispatcher,
            "aud": Role.auditor,
        }.items()
    }
    engine.dispose()
    return keys


class SseReader:
    """Reads ``GET /api/events`` in a thread; ``next_event`` returns parsed events."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.status: int | None = None
        self.media_type = ""
        self._thread = threading.Thread(target=self._run, args=(base, headers), daemon=True)
        self._thread.start()
        self.wait_line(": subscribed")

    def _run(self, base: str, headers: dict[str, str]) -> None:
        try:
            with httpx.stream("GET", f"{base}/api/events", headers=headers, timeout=None) as r:
                self.status, self.media_type = r.status_code, r.headers["content-type"]
                for line in r.iter_lines():
                    self.lines.put(line)
        except httpx.HTTPError:
            pass

    def wait_line(self, wanted: str, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                if self.lines.get(timeout=0.2) == wanted:
                    return
            except queue.Empty:
                continue
        raise AssertionError(f"no line {wanted!r} within {timeout_s} s")

    def next_event(self, timeout_s: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if line.startswith("data: "):
                return dict(orjson.loads(line[6:]))
        raise AssertionError(f"no event within {timeout_s} s")

    def quiet(self, wait_s: float = 0.5) -> bool:
        time.sleep(wait_s)
        return not any(line.startswith("data: ") for line in list(self.lines.queue))


@pytest.fixture
def server(store_url: str) -> Iterator[tuple[str, dict[str, dict[str, str]]]]:
    keys = make_keys(store_url)
    app = create_app(Settings(_env_file=None, database_url=store_url))  # type: ignore[call-arg]
    with serve_in_thread(app, lifespan="on") as base:
        yield base, keys


def test_maps_see_incidents_open_and_change(server) -> None:
    base, keys = server
    sse = SseReader(base, keys["ann"])
    assert sse.status == 200
    assert sse.media_type.startswith("text/event-stream")
    incident = httpx.post(f"{base}/api/calls", json=CALL, headers=keys["cad"]).json()
    created = sse.next_event()
    assert created["kind"] == "incident.created"
    assert created["incident_id"] == incident["id"]
    # The list row itself: a map updates that row without asking for the list.
    row = IncidentSummary.model_validate(created["incident"])
    assert row == IncidentSummary.model_validate(incident)
    httpx.patch(
        f"{base}/api/incidents/{incident['id']}",
        json={"status": "acknowledged"},
        headers=keys["ann"],
    )
    changed = sse.next_event()
    assert (changed["kind"], changed["incident"]["status"]) == ("incident.status", "acknowledged")
    httpx.post(f"{base}/api/calls", json=CALL, headers=keys["cad"])  # identical repeat
    assert sse.quiet()


@pytest.mark.parametrize(("who", "status"), [("aud", 403), (None, 401)])
def test_events_need_a_map_role(server, who, status) -> None:
    base, keys = server
    resp = httpx.get(f"{base}/api/events", headers=keys[who] if who else {})
    assert resp.status_code == status
    assert resp.headers["content-type"] == "application/problem+json"


def _ticket_from_a_works_on_b(a: str, b: str, keys: dict[str, dict[str, str]], cam: str) -> None:
    """Replicas share the ticket key (kept in the store): a ticket from A opens on B."""
    call = {**CALL, "call_id": f"T-{uuid.uuid4().hex[:6]}"}
    incident = httpx.post(f"{a}/api/calls", json=call, headers=keys["cad"]).json()
    view = httpx.post(
        f"{a}/api/incidents/{incident['id']}/views",
        headers=keys["ann"],
        json={"camera_id": cam, "purpose": "replica check"},
    )
    assert view.status_code == 201, view.text
    snap = httpx.get(f"{b}{view.json()['snapshot_url']}", timeout=10.0)
    assert snap.status_code == 200, snap.text
    assert snap.content[:2] == b"\xff\xd8"


@pytest.mark.postgres
@pytest.mark.slow
def test_events_cross_two_app_processes(pg_database: str) -> None:
    from camroute.cameras.store import insert_camera
    from camroute.sim.cameras import create_sim_app

    keys = make_keys(pg_database, suffix=uuid.uuid4().hex[:8])
    cam_id = f"CAM-X-{uuid.uuid4().hex[:6]}"
    # The simulated camera listens on loopback, which no server relays from by default.
    loopback = {"CAMROUTE_CAMERA_NETWORKS": "127.0.0.0/8"}
    a, b = (ServeProcess(database_url=pg_database, env=loopback).launch() for _ in range(2))
    try:
        with serve_in_thread(create_sim_app()) as sim:
            engine = make_engine(pg_database)
            with engine.begin() as conn:
                insert_camera(
                    conn,
                    {
                        "id": cam_id,
                        "lon": 106.698,
                        "lat": 10.7722,
                        "heading_deg": 0.0,
                        "hfov_deg": 60.0,
                        "range_m": 100.0,
                        "kind": "fixed",
                        "status": "online",
                        "access_class": "public_space",
                        "fov_assumed": False,
                        "snapshot_url": f"{sim}/cameras/{cam_id}/snapshot.jpg",
                    },
                    actor="test",
                )
            engine.dispose()
            a.wait_ready()
            b.wait_ready()
            _ticket_from_a_works_on_b(a.url, b.url, keys, cam_id)
        on_b = SseReader(b.url, keys["ann"])
        on_a = SseReader(a.url, keys["ann"])
        incident = httpx.post(f"{a.url}/api/calls", json=CALL, headers=keys["cad"]).json()
        for reader in (on_b, on_a):
            event = reader.next_event()
            assert event["kind"] == "incident.created"
            assert event["incident_id"] == incident["id"]
        httpx.patch(
            f"{b.url}/api/incidents/{incident['id']}",
            json={"status": "closed"},
            headers=keys["ann"],
        )
        for reader in (on_a, on_b):
            assert reader.next_event()["incident"]["status"] == "closed"
        assert on_a.quiet()
        assert on_b.quiet(0.0)
    finally:
        a.kill()
        b.kill()


@pytest.fixture
def server_with_camera(store_url: str) -> Iterator[tuple[str, dict[str, dict[str, str]]]]:
    from camroute.cameras.store import insert_camera

    keys = make_keys(store_url)
    app = create_app(Settings(_env_file=None, database_url=store_url))  # type: ignore[call-arg]
    with serve_in_thread(app, lifespan="on") as base:
        cam = {
            "id": "CAM-E",
            "name": "E",
            "lon": 106.698,
            "lat": 10.7722,
            "heading_deg": 0.0,
            "hfov_deg": 60.0,
            "range_m": 100.0,
            "kind": "fixed",
            "status": "online",
            "access_class": "public_space",
            "fov_assumed": False,
        }
        with app.state.engine.begin() as conn:
            insert_camera(conn, cam, actor="test")
        yield base, keys


def test_maps_see_views_open_and_die_with_the_incident(server_with_camera) -> None:
    base, keys = server_with_camera
    sse = SseReader(base, keys["ann"])
    incident = httpx.post(f"{base}/api/calls", json=CALL, headers=keys["cad"]).json()
    assert sse.next_event()["kind"] == "incident.created"
    view = httpx.post(
        f"{base}/api/incidents/{incident['id']}/views",
        headers=keys["ann"],
        json={"camera_id": "CAM-E", "purpose": "see the fire"},
    ).json()
    opened = sse.next_event()
    assert opened["kind"] == "view.opened"
    assert opened["ticket_id"] == view["ticket_id"]
    assert opened["camera_id"] == "CAM-E"
    assert "ticket" not in opened  # the signed ticket itself never goes to the bus
    httpx.patch(
        f"{base}/api/incidents/{incident['id']}", json={"status": "closed"}, headers=keys["ann"]
    )
    kinds = {sse.next_event()["kind"], sse.next_event()["kind"]}
    assert kinds == {"incident.status", "view.revoked"}


def test_openapi_documents_each_event_kind_on_the_stream(settings: Settings) -> None:
    spec = create_app(settings).openapi()
    ok = spec["paths"]["/api/events"]["get"]["responses"]["200"]
    schema = ok["content"]["text/event-stream"]["schema"]
    kinds = set(schema["discriminator"]["mapping"])
    assert {"incident.created", "incident.status", "view.revoked", "refetch"} <= kinds
    changed = spec["components"]["schemas"]["IncidentChanged"]
    assert changed["properties"]["incident"] == {"$ref": "#/components/schemas/IncidentSummary"}
    assert "application/json" not in ok["content"]


def test_a_map_that_fell_behind_is_told_to_reload() -> None:
    async def scenario() -> list[dict[str, Any]]:
        bus = EventBus(make_engine("sqlite://"), parse=parse_event)
        frames = _stream(bus, heartbeat_s=5.0)
        assert await anext(frames) == b"retry: 3000\n: subscribed\n\n"
        pending = asyncio.ensure_future(anext(frames))  # subscribed, waiting for an event
        await asyncio.sleep(0.05)
        for n in range(QUEUE_SIZE + 3):  # three more than the queue holds: the oldest go
            bus.publish(ViewChanged(kind="view.opened", incident_id="i", ticket_id=f"t{n}"))
        await asyncio.sleep(0.05)
        got = [await pending, await anext(frames), await anext(frames)]
        await frames.aclose()
        return [orjson.loads(f.split(b"data: ", 1)[1]) for f in got]

    first, second, third = asyncio.run(scenario())
    assert first["ticket_id"] == "t3"  # t0..t2 were dropped while the stream waited
    assert (second["kind"], second["reason"]) == ("refetch", "fell_behind")
    assert third["ticket_id"] == "t4"
