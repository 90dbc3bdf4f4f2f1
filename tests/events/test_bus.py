from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import Engine

from camroute.events.bus import MAX_PAYLOAD_BYTES, Event, EventBus
from camroute.store import make_engine


async def _next(sub, timeout_s: float = 5.0) -> Event:
    return await asyncio.wait_for(sub.queue.get(), timeout_s)


def test_event_json_round_trip() -> None:
    event = Event(kind="incident.created", data={"incident_id": "i1", "n": 2})
    assert Event.from_json(event.to_json()) == event


def test_each_subscriber_gets_each_event_once(store_engine: Engine) -> None:
    bus = EventBus(store_engine)
    bus.start()

    async def scenario() -> list[list[str]]:
        async with bus.subscribe() as a, bus.subscribe() as b:
            assert bus.subscriber_count == 2
            for n in range(3):
                await asyncio.to_thread(bus.publish, "incident.created", {"n": n})
            got = [[(await _next(s)).data["n"] for _ in range(3)] for s in (a, b)]
            await asyncio.sleep(0.3)
            assert a.queue.empty()
            assert b.queue.empty()
            return got

    try:
        assert asyncio.run(scenario()) == [[0, 1, 2], [0, 1, 2]]
        assert bus.subscriber_count == 0
    finally:
        bus.stop()


def test_a_full_queue_drops_the_oldest(tmp_path) -> None:
    bus = EventBus(make_engine(f"sqlite:///{tmp_path / 'x.db'}"))

    async def scenario() -> tuple[list[int], int]:
        async with bus.subscribe(queue_size=2) as sub:
            for n in range(4):
                bus.publish("k", {"n": n})
            await asyncio.sleep(0.05)
            return [sub.queue.get_nowait().data["n"] for _ in range(2)], sub.dropped

    assert asyncio.run(scenario()) == ([2, 3], 2)


def test_publishing_from_worker_threads(tmp_path) -> None:
    bus = EventBus(make_engine(f"sqlite:///{tmp_path / 'x.db'}"))

    async def scenario() -> set[int]:
        async with bus.subscribe() as sub:
            threads = [
                threading.Thread(target=bus.publish, args=("k", {"n": n})) for n in range(20)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return {(await _next(sub)).data["n"] for _ in range(20)}

    assert asyncio.run(scenario()) == set(range(20))


def test_oversized_events_are_cut_to_their_ids(tmp_path) -> None:
    bus = EventBus(make_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    event = bus.publish("incident.updated", {"incident_id": "i", "blob": "x" * MAX_PAYLOAD_BYTES})
    assert event.data == {"incident_id": "i", "truncated": True}


@pytest.mark.postgres
def test_events_cross_processes_on_postgres(pg_database: str) -> None:
    """Two buses on one database stand for two replicas: each sees the other's events."""
    engines = [make_engine(pg_database), make_engine(pg_database)]
    here, there = (EventBus(e) for e in engines)
    for bus in (here, there):
        bus.start()
        assert bus.cross_process

    async def scenario() -> tuple[list[str], list[str]]:
        async with here.subscribe() as mine, there.subscribe() as theirs:
            await asyncio.to_thread(here.publish, "incident.created", {"incident_id": "from-here"})
            await asyncio.to_thread(
                there.publish, "incident.created", {"incident_id": "from-there"}
            )
            got_mine = sorted([(await _next(mine)).data["incident_id"] for _ in range(2)])
            got_theirs = sorted([(await _next(theirs)).data["incident_id"] for _ in range(2)])
            await asyncio.sleep(0.3)
            assert mine.queue.empty()  # exactly once, also for the publisher itself
            return got_mine, got_theirs

    try:
        assert asyncio.run(scenario()) == (["from-here", "from-there"], ["from-here", "from-there"])
    finally:
        for bus in (here, there):
            bus.stop()
        for engine in engines:
            engine.dispose()
