"""Publish/subscribe of incident and view events to connected maps.

In one process, subscribers get events straight from ``publish``. On PostgreSQL every
``publish`` is a ``NOTIFY`` instead, and one listener thread per process ``LISTEN``s and fans the
events out to its local subscribers, so every replica's maps see every replica's events (the
publishing process included, exactly once).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from pydantic import ValidationError
from sqlalchemy import Engine

from camroute.events.models import Event, Refetch
from camroute.store import is_postgres

log = logging.getLogger(__name__)
CHANNEL = "camroute_events"
MAX_PAYLOAD_BYTES = 7900  # PostgreSQL refuses NOTIFY payloads of 8000 bytes or more
QUEUE_SIZE = 1000


@dataclass(eq=False)  # identity: each subscription is its own set member
class Subscription:
    """One subscriber's queue, bound to the event loop that reads it."""

    queue: asyncio.Queue[Event]
    loop: asyncio.AbstractEventLoop
    dropped: int = 0

    def offer(self, event: Event) -> None:
        """Queue ``event`` (runs on the subscriber's loop); a full queue drops its oldest."""
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(event)


class EventBus:
    """In-process fan-out, carried across processes by LISTEN/NOTIFY on PostgreSQL."""

    def __init__(
        self,
        engine: Engine,
        *,
        parse: Callable[[str | bytes], Event],
        channel: str = CHANNEL,
    ) -> None:
        self.engine = engine
        self.parse = parse  # a NOTIFY payload back into its typed event (the app's union)
        self.channel = channel
        self.cross_process = is_postgres(engine)
        self._subs: set[Subscription] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # NOTIFYs go over one autocommit connection of their own: a pool checkout per event
        # cost a ping, a BEGIN and a COMMIT (three round trips) for a one-statement message.
        self._sender: psycopg.Connection[Any] | None = None
        self._send_lock = threading.Lock()

    def start(self, *, timeout_s: float = 10.0) -> None:
        """Start listening (PostgreSQL only); returns once ``LISTEN`` is in place."""
        if not self.cross_process or self._thread is not None:
            return
        ready = threading.Event()
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._listen, args=(ready,), name="camroute-events", daemon=True
        )
        self._thread.start()
        if not ready.wait(timeout_s):
            log.error("event listener did not start within %.1f s", timeout_s)

    def stop(self) -> None:
        """Stop the listener thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None
        with self._send_lock:
            self._close_sender()

    def publish(self, event: Event) -> Event:
        """Send ``event`` to every subscriber (of every process, on PostgreSQL); return what went.

        An event too large for one NOTIFY goes as a :class:`Refetch` standing in for it, in
        one process too, so a map sees the same thing on SQLite and PostgreSQL.
        """
        event, payload = self._sized(event)
        if not self.cross_process:
            self._deliver(event)
        elif not self._send(payload):
            # The change is committed; only its announcement failed. This process's maps still
            # get it, and every map re-reads the incidents when its stream reconnects.
            log.error("event %s (%s) not sent to other processes", event.id, event.kind)
            self._deliver(event)
        return event

    def _send(self, payload: bytes) -> bool:
        """NOTIFY ``payload``; on a broken connection reconnect and try once more."""
        with self._send_lock:
            for _attempt in range(2):
                try:
                    if self._sender is None or self._sender.closed:
                        self._sender = psycopg.connect(
                            self._dsn(), autocommit=True, connect_timeout=5
                        )
                    self._sender.execute(
                        "SELECT pg_notify(%s, %s)", (self.channel, payload.decode())
                    )
                    return True
                except psycopg.Error as exc:
                    log.warning("event sender lost its connection (%s); reconnecting", exc)
                    self._close_sender()
            return False

    def _close_sender(self) -> None:
        if self._sender is not None:
            self._sender.close()
            self._sender = None

    def _sized(self, event: Event) -> tuple[Event, bytes]:
        payload = event.to_json()
        if len(payload) > MAX_PAYLOAD_BYTES:
            log.warning(
                "event %s (%s) is %d bytes: sent as a refetch", event.id, event.kind, len(payload)
            )
            event = Refetch.standing_in_for(event)
            payload = event.to_json()
        return event, payload

    @asynccontextmanager
    async def subscribe(self, *, queue_size: int = QUEUE_SIZE) -> AsyncIterator[Subscription]:
        """Receive events on the running loop until the context exits."""
        sub = Subscription(queue=asyncio.Queue(maxsize=queue_size), loop=asyncio.get_running_loop())
        with self._lock:
            self._subs.add(sub)
        try:
            yield sub
        finally:
            with self._lock:
                self._subs.discard(sub)

    @property
    def subscriber_count(self) -> int:
        """How many subscribers this process has now."""
        with self._lock:
            return len(self._subs)

    def _deliver(self, event: Event) -> None:
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            try:
                sub.loop.call_soon_threadsafe(sub.offer, event)
            except RuntimeError:  # the subscriber's loop has closed
                with self._lock:
                    self._subs.discard(sub)

    def _dsn(self) -> str:
        url = self.engine.url.set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    def _listen(self, ready: threading.Event) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn(), autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f'LISTEN "{self.channel}"')
                    ready.set()
                    self._pump(conn)
            except psycopg.Error as exc:
                log.warning("event listener lost its connection (%s); reconnecting", exc)
                self._stop.wait(1.0)

    def _pump(self, conn: psycopg.Connection[Any]) -> None:
        while not self._stop.is_set():
            for note in conn.notifies(timeout=0.5):
                try:
                    event = self.parse(note.payload)
                except ValidationError:
                    log.warning("ignored a malformed event on %s", self.channel)
                    continue
                self._deliver(event)
