"""`camroute demo` end to end: a real subprocess, the HTTP API, then a signal and no leftovers."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from camroute.sim.rtsp import gstreamer_missing

CAMROUTE = Path(sys.executable).with_name("camroute")
LOGIN_RE = re.compile(r"^login: (\S+) / (\S+)$")
KEY_RE = re.compile(r"^api key: (\S+) / (\S+)$")
SIM_RE = re.compile(r"^camera simulator: http://127\.0\.0\.1:(\d+) ")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _port_free(port: int) -> bool:
    """Nothing listens on ``port`` (closed connections in TIME_WAIT do not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class Demo:
    proc: subprocess.Popen[str]
    port: int
    lines: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for(self, pattern: str, timeout_s: float) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if pattern in line:
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        pytest.fail(f"no {pattern!r} from camroute demo; output:\n" + "\n".join(self.lines))

    def logins(self) -> dict[str, str]:
        return {m[1]: m[2] for line in self.lines if (m := LOGIN_RE.match(line))}

    def api_keys(self) -> dict[str, str]:
        return {m[1]: m[2] for line in self.lines if (m := KEY_RE.match(line))}

    def sim_port(self) -> int:
        return next(int(m[1]) for line in self.lines if (m := SIM_RE.match(line)))


@contextmanager
def _start(tmp_path: Path, *args: str) -> Iterator[Demo]:
    port = _free_port()
    cmd = [str(CAMROUTE), "demo", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'd.db'}"]
    proc = subprocess.Popen(
        [*cmd, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path
    )
    demo = Demo(proc, port)

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            demo.lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        yield demo
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        reader.join(10)
        assert proc.stdout is not None
        proc.stdout.close()


def _poll(fetch: Callable[[], Any], ok: Callable[[Any], bool], timeout_s: float) -> Any:
    deadline = time.monotonic() + timeout_s
    value = fetch()
    while not ok(value) and time.monotonic() < deadline:
        time.sleep(0.5)
        value = fetch()
    return value


def _login(demo: Demo, client: httpx.Client, user: str) -> dict[str, str]:
    password = demo.logins()[user]
    response = client.post("/api/auth/login", data={"username": user, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _seen(incident: dict[str, Any]) -> list[dict[str, Any]]:
    ranked = (incident.get("route") or {}).get("cameras") or []
    return [c for c in ranked if (c.get("visible_fraction") or 0) > 0]


def _check_stopped(demo: Demo, sig: signal.Signals) -> None:
    children = psutil.Process(demo.proc.pid).children(recursive=True)
    sim_port = demo.sim_port()
    demo.proc.send_signal(sig)
    assert demo.proc.wait(30) == 0, "\n".join(demo.lines[-30:])
    _gone, alive = psutil.wait_procs(children, timeout=5)
    assert not alive, f"left running: {alive}"
    assert _port_free(demo.port), "the app port is still taken"
    assert _port_free(sim_port), "the simulator port is still taken"
    deadline = time.monotonic() + 5
    while demo.lines[-1:] != ["camroute demo stopped"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert demo.lines[-1] == "camroute demo stopped"


def _incidents(client: httpx.Client, auth: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/api/incidents", params={"limit": 1000}, headers=auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return list(response.json()["items"])


def _lively(items: list[dict[str, Any]]) -> bool:
    """Enough calls, at least one closed and one with a location update."""
    closed = any(i["status"] == "closed" for i in items)
    return len(items) >= 5 and closed and any(i["location_count"] > 1 for i in items)


def _open_live_view(
    client: httpx.Client, auth: dict[str, str], incident: dict[str, Any]
) -> dict[str, Any]:
    best = _seen(incident)[0]
    view = client.post(
        f"/api/incidents/{incident['id']}/views",
        json={"camera_id": best["camera_id"], "purpose": "demo test: check the caller"},
        headers=auth,
    )
    assert view.status_code == 201, view.text
    snapshot = client.get(view.json()["snapshot_url"])
    assert snapshot.status_code == 200, snapshot.text
    assert snapshot.headers["content-type"] == "image/jpeg"
    assert snapshot.content[:2] == b"\xff\xd8"
    result: dict[str, Any] = view.json()
    return result


def _watch(url: str, headers: dict[str, str], received: list[int]) -> threading.Thread:
    """Keep an endless stream (MJPEG, SSE) open, as a browser would, until the server ends it."""

    def run() -> None:
        try:
            with httpx.stream("GET", url, headers=headers, timeout=60) as response:
                for chunk in response.iter_bytes():
                    received.append(len(chunk))
        except httpx.HTTPError:
            pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _check_printed_keys(demo: Demo, client: httpx.Client) -> None:
    """The printed keys do what the README says: post calls, and read the OGC collection."""
    keys = demo.api_keys()
    assert set(keys) == {"demo-calls", "demo-gis"}, demo.lines[:20]
    gis = {"X-API-Key": keys["demo-gis"]}
    items = client.get("/api/collections/cameras/items", params={"limit": 1}, headers=gis)
    assert items.status_code == 200, items.text
    assert items.json()["numberMatched"] == 221
    calls = {"X-API-Key": keys["demo-calls"]}
    assert client.get("/api/collections", headers=calls).status_code == 403
    body = {
        "call_id": "KEY-CHECK-1",
        "hotline": "113",
        "location": {"lon": 24.94, "lat": 60.17, "uncertainty_m": 20.0},
    }
    assert client.post("/api/calls", json=body, headers=calls).status_code == 201


@pytest.mark.slow
def test_demo_hcmc_serves_calls_cameras_live_views_and_stops_on_sigint(tmp_path: Path) -> None:
    with _start(tmp_path, "--calls-per-minute", "240", "--seed", "7") as demo:
        demo.wait_for("camroute demo is serving", timeout_s=180)
        roles = {"demo-dispatcher", "demo-supervisor", "demo-gis-admin", "demo-auditor"}
        assert set(demo.logins()) >= roles
        assert all(len(pw) >= 12 for pw in demo.logins().values())
        assert len(set(demo.logins().values())) == len(demo.logins())
        with httpx.Client(base_url=demo.url, timeout=30) as client:
            page = client.get("/")
            assert page.status_code == 200
            assert page.headers["content-type"].startswith("text/html")
            auth = _login(demo, client, "demo-dispatcher")
            items = _poll(lambda: _incidents(client, auth), _lively, timeout_s=90)
            assert _lively(items), items[:3]
            assert {item["hotline"] for item in items} <= {"113", "114", "115"}
            details = [client.get(f"/api/incidents/{i['id']}", headers=auth).json() for i in items]
            formats = {d["location"]["format"] for d in details}
            assert formats >= {"aml", "pidf-lo", "json"}, formats
            ranked = [d for d in details if _seen(d) and d["status"] != "closed"]
            assert ranked, f"no open incident has a camera that sees it: {details[:2]}"
            assert all(c["fov_assumed"] for d in ranked for c in _seen(d))
            view = _open_live_view(client, auth, ranked[0])
            mjpeg: list[int] = []
            streams = [
                _watch(str(httpx.URL(demo.url).join(view["mjpeg_url"])), {}, mjpeg),
                _watch(demo.url + "/api/events", auth, []),
            ]
            _poll(lambda: sum(mjpeg), lambda n: n > 10_000, timeout_s=20)
            assert sum(mjpeg) > 10_000
            if gstreamer_missing() is None:  # the demo's cameras also stream RTSP H.264
                assert any(line.startswith("RTSP simulator: rtsp://") for line in demo.lines)
                mp4: list[int] = []
                streams.append(_watch(str(httpx.URL(demo.url).join(view["video_url"])), {}, mp4))
                _poll(lambda: sum(mp4), lambda n: n > 10_000, timeout_s=30)
                assert sum(mp4) > 10_000
        _check_stopped(demo, signal.SIGINT)
        for stream in streams:
            stream.join(5)
            assert not stream.is_alive()
        errors = [line for line in demo.lines if "Traceback" in line or "ERROR" in line]
        assert not errors, "\n".join(demo.lines)


@pytest.mark.slow
def test_demo_helsinki_shows_occlusion_and_stops_on_sigterm(tmp_path: Path) -> None:
    with _start(tmp_path, "--city", "helsinki", "--calls-per-minute", "300", "--seed", "3") as demo:
        demo.wait_for("camroute demo is serving", timeout_s=180)
        assert "  buildings (OpenStreetMap): 572" in demo.lines
        with httpx.Client(base_url=demo.url, timeout=30) as client:
            auth = _login(demo, client, "demo-supervisor")
            items = _poll(lambda: _incidents(client, auth), lambda i: len(i) >= 10, timeout_s=60)
            details = [client.get(f"/api/incidents/{i['id']}", headers=auth).json() for i in items]
            cameras = [c for d in details for c in (d["route"] or {}).get("cameras", [])]
            assert any(c["occluded"] for c in cameras), "buildings hide no camera's view"
            assert any(_seen(d) for d in details)
            _check_printed_keys(demo, client)
        _check_stopped(demo, signal.SIGTERM)
