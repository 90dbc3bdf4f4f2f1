from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from camroute.events.bus import MAX_PAYLOAD_BYTES, EventBus
from camroute.events.models import Event, Refetch
from camroute.incidents.events import IncidentChanged, ViewChanged, parse_event
from camroute.incidents.models import IncidentSummary
from camroute.store import make_engine

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def summary(incident_id: str, *, address: str | None = None) -> IncidentSummary:
    return IncidentSummary(
        id=incident_id,
        call_id=f"C-{incident_id}",
        hotline="114",
        status="new",
        created_at=T0,
        updated_at=T0,
        closed_at=None,
        lon=106.698,
        lat=10.7725,
        uncertainty_m=30.0,
        address=address,
        ward_code="26740",
        ward_name="Bến Thành",
        location_count=1,
        purged=False,
    )


def created(incident_id: str, **kw: str) -> IncidentChanged:
    return IncidentChanged(
        kind="incident.created", incident_id=incident_id, incident=summary(incident_id, **kw)
    )


def view(n: int) -> ViewChanged:
    return ViewChanged(kind="view.opened", incident_id="i", ticket_id=f"t{n}", camera_id="CAM-1")


async def _next(sub, timeout_s: float = 5.0) -> Event:
    return await asyncio.wait_for(sub.queue.get(), timeout_s)


def sqlite_bus(tmp_path) -> EventBus:
    return EventBus(make_engine(f"sqlite:///{tmp_path / 'x.db'}"), parse=parse_event)


def test_each_subscriber_gets_each_typed_event_once(store_engine: Engine) -> None:
    """In one process (SQLite) and through NOTIFY (PostgreSQL): the same typed events arrive."""
    bus = EventBus(store_engine, parse=parse_event)
    bus.start()
    sent = [created("i0"), view(1), created("i2", address="12 Lê Lợi, Quận 1")]

    async def scenario() -> list[list[Event]]:
        async with bus.subscribe() as a, bus.subscribe() as b:
            assert bus.subscriber_count == 2
            for event in sent:
                await asyncio.to_thread(bus.publish, event)
            got = [[await _next(s) for _ in sent] for s in (a, b)]
            await asyncio.sleep(0.3)
            assert a.queue.empty()
            assert b.queue.empty()
            return got

    try:
        assert asyncio.run(scenario()) == [sent, sent]
        assert bus.subscriber_count == 0
    finally:
        bus.stop()


def test_a_full_queue_drops_the_oldest(tmp_path) -> None:
    bus = sqlite_bus(tmp_path)

    async def scenario() -> tuple[list[str], int]:
        async with bus.subscribe(queue_size=2) as sub:
            for n in range(4):
                bus.publish(view(n))
            await asyncio.sleep(0.05)
            got = [sub.queue.get_nowait() for _ in range(2)]
            return [e.ticket_id for e in got if isinstance(e, ViewChanged)], sub.dropped

    assert asyncio.run(scenario()) == (["t2", "t3"], 2)


def test_publishing_from_worker_threads(tmp_path) -> None:
    bus = sqlite_bus(tmp_path)

    async def scenario() -> set[str]:
        async with bus.subscribe() as sub:
            threads = [threading.Thread(target=bus.publish, args=(view(n),)) for n in range(20)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return {getattr(await _next(sub), "ticket_id", "") for _ in range(20)}

    assert asyncio.run(scenario()) == {f"t{n}" for n in range(20)}


@pytest.mark.parametrize(
    ("address_chars", "fits"),
    [(500, True), (MAX_PAYLOAD_BYTES // 3, False)],  # 3-byte letters: the limit is in bytes
)
def test_an_event_too_large_for_notify_goes_as_a_refetch(
    tmp_path, address_chars: int, fits: bool
) -> None:
    bus = sqlite_bus(tmp_path)
    event = created("i9", address="ễ" * address_chars)
    sent = bus.publish(event)
    if fits:
        assert sent == event
        assert len(sent.to_json()) <= MAX_PAYLOAD_BYTES
    else:
        assert isinstance(sent, Refetch)
        assert (sent.reason, sent.about, sent.incident_id) == (
            "too_large",
            "incident.created",
            "i9",
        )
        assert (sent.id, sent.at) == (event.id, event.at)


@pytest.mark.postgres
def test_a_malformed_notify_is_ignored_and_the_next_event_arrives(pg_database: str) -> None:
    from sqlalchemy import text

    engine = make_engine(pg_database)
    bus = EventBus(engine, parse=parse_event)
    bus.start()

    good = view(7)

    async def scenario() -> Event:
        async with bus.subscribe() as sub:
            with engine.begin() as conn:
                for bad in ('{"kind": "incident.created"}', '{"kind": "nope"}', "not json"):
                    conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": bus.channel, "p": bad})
            await asyncio.to_thread(bus.publish, good)
            return await _next(sub)

    try:
        assert asyncio.run(scenario()) == good
    finally:
        bus.stop()
        engine.dispose()


@pytest.mark.postgres
def test_events_cross_processes_on_postgres(pg_database: str) -> None:
    """Two buses on one database stand for two replicas: each sees the other's events."""
    engines = [make_engine(pg_database), make_engine(pg_database)]
    here, there = (EventBus(e, parse=parse_event) for e in engines)
    for bus in (here, there):
        bus.start()
        assert bus.cross_process

    async def scenario() -> tuple[list[str], list[str]]:
        async with here.subscribe() as mine, there.subscribe() as theirs:
            await asyncio.to_thread(here.publish, created("from-here"))
            await asyncio.to_thread(there.publish, created("from-there"))
            got_mine = sorted([(await _next(mine)).incident_id or "" for _ in range(2)])
            got_theirs = sorted([(await _next(theirs)).incident_id or "" for _ in range(2)])
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


@pytest.mark.postgres
def test_a_lost_sender_connection_is_replaced_and_no_event_is_lost(pg_database: str) -> None:
    from sqlalchemy import text

    engine = make_engine(pg_database)
    bus = EventBus(engine, parse=parse_event)
    bus.start()

    async def scenario() -> list[str]:
        async with bus.subscribe() as sub:
            await asyncio.to_thread(bus.publish, created("before"))
            got = [(await _next(sub)).incident_id or ""]
            assert bus._sender is not None
            pid = bus._sender.info.backend_pid
            with engine.begin() as conn:  # an administrator (or a failover) ends the session
                conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            await asyncio.to_thread(bus.publish, created("after"))
            got.append((await _next(sub)).incident_id or "")
            assert bus._sender.info.backend_pid != pid
            return got

    try:
        assert asyncio.run(scenario()) == ["before", "after"]
    finally:
        bus.stop()
        engine.dispose()


@pytest.mark.postgres
def test_an_unreachable_server_still_reaches_this_process_maps(pg_database: str) -> None:
    engine = make_engine(pg_database)
    bus = EventBus(engine, parse=parse_event)  # not started: no listener, only the sender
    bus._dsn = lambda: "postgresql://postgres@127.0.0.1:1/none"  # type: ignore[method-assign]

    async def scenario() -> Event:
        async with bus.subscribe() as sub:
            sent = await asyncio.to_thread(bus.publish, created("local"))
            assert sent.incident_id == "local"
            return await _next(sub)

    try:
        assert asyncio.run(scenario()).incident_id == "local"
    finally:
        bus.stop()
        engine.dispose()
