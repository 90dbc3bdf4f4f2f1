"""The demo call generator: 113/114/115 calls near cameras that can see, posted like a network.

``plan_call`` is pure (a seeded ``random.Random`` decides everything); ``CallGenerator`` is a
thread that posts the plans to ``POST /api/calls`` with an integration API key, sends some
location updates (same ``call_id``, the caller moved) and closes some incidents after a while.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from camroute.demo.messages import FORMATS, FormatName, location_payload
from camroute.geo import local_projection

log = logging.getLogger(__name__)
HOTLINES = ("113", "114", "115")
FORMAT_WEIGHTS = (3, 2, 2, 1, 2)  # aml, pidf-circle, pidf-ellipse, pidf-point, json


@dataclass(frozen=True)
class SeeingCamera:
    """A demo camera a call can be placed in front of (``heading_deg`` None: any direction)."""

    id: str
    lon: float
    lat: float
    heading_deg: float | None


@dataclass(frozen=True)
class PlannedCall:
    """One call: first body, later location updates and when to close (seconds after start)."""

    call_id: str
    hotline: str
    format: FormatName
    camera_id: str
    body: dict[str, Any]
    updates: tuple[tuple[float, dict[str, Any]], ...] = ()
    close_after_s: float | None = None


def _near(
    camera: SeeingCamera, rng: random.Random, *, min_m: float, max_m: float
) -> tuple[float, float]:
    """A point ``min_m..max_m`` in front of the camera (within 20° of its heading, if known)."""
    proj = local_projection(lon=camera.lon, lat=camera.lat)
    x, y = proj.to_metric(camera.lon, camera.lat)
    heading = camera.heading_deg if camera.heading_deg is not None else rng.uniform(0, 360)
    azimuth = heading + rng.uniform(-20.0, 20.0)
    dist = rng.uniform(min_m, max_m)
    rad = math.radians(azimuth)
    lon, lat = proj.to_wgs84(x + dist * math.sin(rad), y + dist * math.cos(rad))
    return round(float(lon), 7), round(float(lat), 7)


def plan_call(
    cameras: Sequence[SeeingCamera],
    rng: random.Random,
    *,
    seq: int,
    at: datetime,
    update_share: float = 0.3,
    close_share: float = 0.4,
    update_after_s: tuple[float, float] = (4.0, 15.0),
    close_after_s: tuple[float, float] = (20.0, 90.0),
) -> PlannedCall:
    """Plan call number ``seq``: hotline, format, where (near one camera), updates, closing.

    Examples
    --------
    >>> cams = [SeeingCamera("C1", 106.70, 10.77, 90.0)]
    >>> call = plan_call(cams, random.Random(1), seq=7, at=datetime(2026, 1, 1, tzinfo=UTC))
    >>> call.call_id, call.hotline in HOTLINES, call.camera_id
    ('demo-000007', True, 'C1')
    >>> call.body["call_id"] == call.call_id and call.body["hotline"] == call.hotline
    True
    """
    camera = rng.choice(list(cameras))
    fmt: FormatName = rng.choices(FORMATS, weights=FORMAT_WEIGHTS)[0]
    call_id = f"demo-{seq:06d}"
    hotline = rng.choice(HOTLINES)

    def body(min_m: float, max_m: float) -> dict[str, Any]:
        lon, lat = _near(camera, rng, min_m=min_m, max_m=max_m)
        where = location_payload(
            fmt,
            lon=lon,
            lat=lat,
            radius_m=float(rng.randint(8, 40)),
            at=at,
            orientation_deg=float(rng.randint(0, 179)),
        )
        return {"call_id": call_id, "hotline": hotline, **where}

    first = body(10.0, 45.0)
    updates: list[tuple[float, dict[str, Any]]] = []
    if rng.random() < update_share:
        delay = 0.0
        for _ in range(rng.randint(1, 2)):
            delay += rng.uniform(*update_after_s)
            updates.append((delay, body(5.0, 50.0)))
    closing = rng.uniform(*close_after_s) if rng.random() < close_share else None
    if closing is not None and updates:
        closing = max(closing, updates[-1][0] + 1.0)
    return PlannedCall(call_id, hotline, fmt, camera.id, first, tuple(updates), closing)


def _seeing(incident: dict[str, Any]) -> int:
    """How many ranked cameras see some of the caller's region."""
    ranked = (incident.get("route") or {}).get("cameras") or []
    return sum(1 for c in ranked if (c.get("visible_fraction") or 0) > 0)


def follow_up_windows_s(interval_s: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """When location updates and closings come after their call.

    At a call every 10 s (or slower): updates 4-15 s and closings 20-90 s after the call;
    proportionally sooner when calls come faster.

    Examples
    --------
    >>> follow_up_windows_s(10.0)
    ((4.0, 15.0), (20.0, 90.0))
    >>> follow_up_windows_s(60.0) == follow_up_windows_s(10.0)
    True
    >>> follow_up_windows_s(0.2)
    ((0.4, 1.5), (2.0, 9.0))
    """
    update = (min(4.0, 2.0 * interval_s), min(15.0, 7.5 * interval_s))
    return update, (min(20.0, 10.0 * interval_s), min(90.0, 45.0 * interval_s))


@dataclass
class CallStats:
    """What the generator did (read by the runner for its status line)."""

    posted: int = 0
    updates: int = 0
    closed: int = 0
    failed: int = 0
    last_error: str | None = None
    incidents: dict[str, str] = field(default_factory=dict)


class CallGenerator(threading.Thread):
    """Posts planned calls at ``calls_per_minute`` until ``stop()``; never raises."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        cameras: Sequence[SeeingCamera],
        calls_per_minute: float,
        close_token: str | None = None,
        seed: int | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(name="camroute-demo-calls", daemon=True)
        if calls_per_minute <= 0:
            raise ValueError(f"calls_per_minute must be > 0, got {calls_per_minute}")
        if not cameras:
            raise ValueError("the call generator needs at least one camera that can see")
        self.base_url, self.api_key, self.close_token = base_url, api_key, close_token
        self.cameras, self.interval_s = list(cameras), 60.0 / calls_per_minute
        self.update_window_s, self.close_window_s = follow_up_windows_s(self.interval_s)
        self.rng = random.Random(seed)
        self.report = report or (lambda line: None)
        self.stats = CallStats()
        self._stop_event = threading.Event()
        self._pending: list[tuple[float, str, PlannedCall, dict[str, Any] | None]] = []

    def stop(self, timeout_s: float = 5.0) -> None:
        """Ask the thread to finish and wait for it."""
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout_s)

    def run(self) -> None:
        """Post calls and due follow-ups until stopped."""
        with httpx.Client(base_url=self.base_url, timeout=10.0) as client:
            seq, next_call = 0, time.monotonic()
            while not self._stop_event.is_set():
                now = time.monotonic()
                try:
                    if now >= next_call:
                        seq += 1
                        next_call = now + self.interval_s
                        self._post_new(client, seq)
                    self._run_due(client, time.monotonic())
                except Exception as exc:  # a demo keeps going; say what went wrong
                    self._failed(f"{type(exc).__name__}: {exc}")
                wake = min([next_call, *(p[0] for p in self._pending)])
                self._stop_event.wait(max(0.0, min(wake - time.monotonic(), 0.5)))

    def _post_new(self, client: httpx.Client, seq: int) -> None:
        plan = plan_call(
            self.cameras,
            self.rng,
            seq=seq,
            at=datetime.now(UTC),
            update_after_s=self.update_window_s,
            close_after_s=self.close_window_s,
        )
        incident = self._post(client, plan.body)
        if incident is None:
            return
        self.stats.posted += 1
        self.stats.incidents[plan.call_id] = str(incident.get("id"))
        self.report(
            f"call {plan.call_id} {plan.hotline} {plan.format:<12} -> incident "
            f"{incident.get('id')} ({_seeing(incident)} camera(s) see it)"
        )
        start = time.monotonic()
        for delay, body in plan.updates:
            self._pending.append((start + delay, "update", plan, body))
        if plan.close_after_s is not None:
            self._pending.append((start + plan.close_after_s, "close", plan, None))

    def _run_due(self, client: httpx.Client, now: float) -> None:
        due = [p for p in self._pending if p[0] <= now]
        self._pending = [p for p in self._pending if p[0] > now]
        for _at, action, plan, body in due:
            if action == "update" and body is not None:
                self._update(client, plan, body)
            elif action == "close" and self._close(client, plan):
                self.stats.closed += 1

    def _update(self, client: httpx.Client, plan: PlannedCall, body: dict[str, Any]) -> None:
        incident = self._post(client, body)
        if incident is None:
            return
        self.stats.updates += 1
        self.report(
            f"call {plan.call_id} location update -> incident {incident.get('id')} "
            f"({_seeing(incident)} camera(s) see it)"
        )

    def _post(self, client: httpx.Client, body: dict[str, Any]) -> dict[str, Any] | None:
        try:
            response = client.post("/api/calls", json=body, headers={"X-API-Key": self.api_key})
        except httpx.HTTPError as exc:
            self._failed(f"POST /api/calls: {type(exc).__name__}")
            return None
        if response.status_code not in (200, 201):
            self._failed(f"POST /api/calls: {response.status_code} {response.text[:200]}")
            return None
        result: dict[str, Any] = response.json()
        return result

    def _close(self, client: httpx.Client, plan: PlannedCall) -> bool:
        incident_id = self.stats.incidents.get(plan.call_id)
        headers = {"Authorization": f"Bearer {self.close_token}"} if self.close_token else {}
        try:
            response = client.patch(
                f"/api/incidents/{incident_id}", json={"status": "closed"}, headers=headers
            )
        except httpx.HTTPError as exc:
            self._failed(f"PATCH incident: {type(exc).__name__}")
            return False
        if response.status_code != 200:
            self._failed(f"PATCH incident: {response.status_code} {response.text[:200]}")
            return False
        self.report(f"call {plan.call_id} closed (incident {incident_id})")
        return True

    def _failed(self, reason: str) -> None:
        self.stats.failed += 1
        if reason != self.stats.last_error:
            self.report(f"call generator: {reason}")
        self.stats.last_error = reason
