from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from camroute.app import create_app
from camroute.demo.callgen import CallGenerator, SeeingCamera, plan_call
from camroute.demo.loader import load_city
from camroute.demo.servers import ServerThread, bind_socket
from camroute.demo.users import create_accounts, login_token
from camroute.geo import angle_diff_deg, bearing_deg, local_projection
from camroute.settings import Settings
from camroute.store import make_engine, migrate

AT = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def _where(body: dict[str, object]) -> tuple[float, float]:
    """Only JSON bodies carry plain numbers; the other formats are checked in test_messages."""
    location = body["location"]
    assert isinstance(location, dict)
    return float(location["lon"]), float(location["lat"])


def _distance_m(lon: float, lat: float, camera: SeeingCamera) -> float:
    proj = local_projection(lon=camera.lon, lat=camera.lat)
    x0, y0 = proj.to_metric(camera.lon, camera.lat)
    x1, y1 = proj.to_metric(lon, lat)
    return float(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)


@pytest.mark.parametrize(
    ("heading_deg", "label"),
    [(90.0, "east"), (0.0, "north"), (350.0, "wraps over 0/360"), (None, "PTZ: any direction")],
)
def test_calls_fall_in_front_of_the_camera(heading_deg: float | None, label: str) -> None:
    camera = SeeingCamera("C1", 106.7, 10.77, heading_deg)
    rng = random.Random(3)
    bearings = []
    for seq in range(400):
        call = plan_call([camera], rng, seq=seq, at=AT)
        if call.format != "json":
            continue
        lon, lat = _where(call.body)
        assert 10.0 - 1e-6 <= _distance_m(lon, lat, camera) <= 45.0 + 1e-6, label
        bearings.append(
            float(bearing_deg(from_lon=camera.lon, from_lat=camera.lat, to_lon=lon, to_lat=lat))
        )
    assert len(bearings) > 40
    if heading_deg is not None:
        assert max(abs(float(angle_diff_deg(b, heading_deg))) for b in bearings) <= 20.5
    else:
        assert max(bearings) - min(bearings) > 180.0


def test_plans_mix_hotlines_and_formats_and_schedule_follow_ups() -> None:
    cameras = [SeeingCamera(f"C{i}", 106.7 + i / 1000, 10.77, None) for i in range(5)]
    rng = random.Random(11)
    calls = [plan_call(cameras, rng, seq=i, at=AT) for i in range(300)]
    assert {c.hotline for c in calls} == {"113", "114", "115"}
    assert {c.format for c in calls} == {"aml", "pidf-circle", "pidf-ellipse", "pidf-point", "json"}
    updated = [c for c in calls if c.updates]
    closed = [c for c in calls if c.close_after_s is not None]
    assert 0.15 < len(updated) / len(calls) < 0.45
    assert 0.25 < len(closed) / len(calls) < 0.55
    for call in updated:
        delays = [d for d, _ in call.updates]
        assert delays == sorted(delays)
        assert all(body["call_id"] == call.call_id for _, body in call.updates)
        if call.close_after_s is not None:
            assert call.close_after_s > delays[-1]
    assert len({c.call_id for c in calls}) == len(calls)


def test_same_seed_same_calls() -> None:
    cameras = [SeeingCamera("C1", 106.7, 10.77, 45.0), SeeingCamera("C2", 106.71, 10.78, None)]
    first = [plan_call(cameras, random.Random(5), seq=i, at=AT) for i in range(20)]
    again = [plan_call(cameras, random.Random(5), seq=i, at=AT) for i in range(20)]
    assert first == again


@pytest.mark.parametrize(
    ("cameras", "per_minute", "match"),
    [
        ([SeeingCamera("C1", 1.0, 2.0, None)], 0.0, "calls_per_minute"),
        ([SeeingCamera("C1", 1.0, 2.0, None)], -3.0, "calls_per_minute"),
        ([], 10.0, "at least one camera"),
    ],
)
def test_generator_refuses_bad_options(
    cameras: list[SeeingCamera], per_minute: float, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        CallGenerator(
            base_url="http://127.0.0.1:9", api_key="k", cameras=cameras, calls_per_minute=per_minute
        )


def test_generator_posts_updates_and_closes_calls_on_the_real_app(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        password_hash_time_cost=1,
        password_hash_memory_kib=8,
        jwt_secret="k" * 40,
    )
    engine = make_engine(url)
    migrate(engine)
    dataset = load_city(engine, "hcmc", sim_base_url="http://127.0.0.1:9")
    accounts = create_accounts(engine, settings)
    engine.dispose()
    server = ServerThread(create_app(settings), bind_socket("127.0.0.1", 0), name="app")
    server.start(timeout_s=60)
    base = f"http://127.0.0.1:{server.port}"
    lines: list[str] = []
    token = login_token(base, accounts.closer)
    assert token is not None
    calls = CallGenerator(
        base_url=base,
        api_key=accounts.api_key,
        cameras=dataset.seeing_cameras[:30],
        calls_per_minute=600,
        close_token=token,
        seed=1,
        report=lines.append,
    )
    try:
        calls.start()
        deadline = time.monotonic() + 30
        while (calls.stats.closed < 2 or calls.stats.updates < 2) and time.monotonic() < deadline:
            time.sleep(0.2)
        calls.stop()
        assert not calls.is_alive()
        stats = calls.stats
        assert stats.failed == 0, lines
        assert stats.closed >= 2, stats
        assert stats.updates >= 2, stats
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
            items = client.get("/api/incidents", params={"limit": 1000}).json()["items"]
    finally:
        calls.stop()
        server.stop()
    assert len(items) == stats.posted
    assert sum(i["status"] == "closed" for i in items) == stats.closed
    assert sum(i["location_count"] - 1 for i in items) == stats.updates
    assert {i["call_id"] for i in items} == set(stats.incidents)
    assert sum(1 for line in lines if " closed (incident " in line) == stats.closed
