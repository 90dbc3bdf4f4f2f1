"""Nothing acknowledged is lost: SIGKILL the real server during a burst of calls."""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import pytest

from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.sim.server import ServeProcess
from camroute.store import make_engine, migrate

WORKERS = 6


def _key(url: str) -> dict[str, str]:
    engine = make_engine(url)
    migrate(engine)
    key = create_api_key(
        engine, name=f"cad-{uuid.uuid4().hex[:6]}", role=Role.integration, actor="t", actor_role="t"
    ).key
    engine.dispose()
    return {"X-API-Key": key}


def _burst(
    base: str, headers: dict[str, str], acked: list[str], stop: threading.Event, worker: int
) -> None:
    with httpx.Client(base_url=base, headers=headers, timeout=5.0) as client:
        n = 0
        while not stop.is_set():
            call_id = f"D-{worker}-{n}"
            n += 1
            body = {
                "call_id": call_id,
                "hotline": "115",
                "location": {"lon": 106.698 + n * 1e-5, "lat": 10.7725, "uncertainty_m": 20},
            }
            try:
                resp = client.post("/api/calls", json=body)
            except httpx.HTTPError:
                return  # the server died under us: this call was never acknowledged
            if resp.status_code == 201:
                acked.append(call_id)


@pytest.mark.slow
def test_every_acknowledged_call_survives_sigkill(store_url: str) -> None:
    headers = _key(store_url)
    server = ServeProcess(database_url=store_url).start()
    acked: list[str] = []
    stop = threading.Event()
    threads = [
        threading.Thread(target=_burst, args=(server.url, headers, acked, stop, w))
        for w in range(WORKERS)
    ]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30.0
        while len(acked) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()  # mid-burst: requests are in flight
        stop.set()
        for t in threads:
            t.join(timeout=10.0)
        assert len(acked) >= 40
        server.start()
        resp = httpx.get(
            f"{server.url}/api/incidents", params={"limit": 1000}, headers=headers, timeout=10.0
        )
        assert resp.status_code == 200
        stored = {item["call_id"] for item in resp.json()["items"]}
        missing = set(acked) - stored
        assert not missing, f"{len(missing)} acknowledged calls lost: {sorted(missing)[:5]}"
    finally:
        stop.set()
        server.kill()
