"""Streams end when their ticket does: revoked (incident closed) or expired mid-stream."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from camroute.audit.tables import audit_events
from camroute.live.session import stamp
from camroute.settings import Settings

from .conftest import LOOPBACK


@pytest.fixture
def live_settings(store_url: str) -> Settings:
    """Three-second tickets, so expiry happens within a test."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=store_url, live_ticket_ttl_s=3, camera_networks=LOOPBACK
    )


def _read_stream(
    api, url: str, *, on_first_frames=None, limit_s: float = 15.0
) -> tuple[int, float]:
    started = time.monotonic()
    size, helper = 0, None
    with api.client.stream("GET", url) as resp:
        assert resp.status_code == 200
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if on_first_frames and helper is None and size > 20_000:
                helper = threading.Thread(target=on_first_frames)
                helper.start()
            assert time.monotonic() - started < limit_s, "the stream outlived its ticket"
    took_s = time.monotonic() - started
    if helper is not None:
        helper.join()
    return size, took_s


def _last_close(api) -> dict:
    with api.app.state.engine.connect() as conn:
        return (
            conn.execute(
                sa.select(audit_events.c.details)
                .where(audit_events.c.action == "stream_closed")
                .order_by(audit_events.c.id.desc())
            )
            .scalars()
            .first()
        )


def test_an_expired_ticket_ends_the_stream(api) -> None:
    view = api.view(api.open_incident()["id"], "SIM-1").json()
    size, took_s = _read_stream(api, view["mjpeg_url"])
    assert size > 0
    assert 1.0 <= took_s < 5.5
    closed = _last_close(api)
    assert closed["ended"] == "ticket_expired"
    assert closed["bytes"] == size
    late = api.client.get(view["snapshot_url"])
    assert late.status_code == 403
    assert late.json()["code"] == "ticket_expired"
    with api.app.state.engine.connect() as conn:
        expired = (
            conn.execute(
                sa.select(audit_events.c.subject).where(audit_events.c.action == "ticket_expired")
            )
            .scalars()
            .all()
        )
    assert expired == ["SIM-1", "SIM-1"]  # the stream's end, then the late request


def test_closing_the_incident_ends_its_streams(api) -> None:
    incident = api.open_incident()
    view = api.view(incident["id"], "SIM-1").json()

    def close() -> None:
        api.client.patch(
            f"/api/incidents/{incident['id']}", json={"status": "closed"}, headers=api.as_("ann")
        )

    _size, took_s = _read_stream(api, view["mjpeg_url"], on_first_frames=close)
    assert took_s < 4.0
    assert _last_close(api)["ended"] == "ticket_revoked"


def test_renewing_keeps_the_stream_alive(api) -> None:
    incident = api.open_incident()
    view = api.view(incident["id"], "SIM-1").json()
    url = f"/api/incidents/{incident['id']}/views/{view['ticket_id']}/renew"

    def renew_twice() -> None:
        for _ in range(2):
            time.sleep(1.0)
            api.client.post(url, headers=api.as_("ann"))

    _size, took_s = _read_stream(api, view["mjpeg_url"], on_first_frames=renew_twice)
    assert took_s > 3.2  # beyond the first (3-second) expiry
    assert _last_close(api)["ended"] == "ticket_expired"


def test_stamp_is_utc_with_milliseconds() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    local = datetime(2026, 1, 1, 7, 0, tzinfo=timezone(timedelta(hours=7)))
    assert stamp(local) == "2026-01-01T00:00:00.000Z"
    assert stamp(datetime(2026, 1, 1, tzinfo=UTC)).endswith("Z")


def test_a_client_leaving_closes_and_audits_the_stream(api) -> None:
    view = api.view(api.open_incident()["id"], "SIM-1").json()
    with api.client.stream("GET", view["mjpeg_url"]) as resp:
        for n, _chunk in enumerate(resp.iter_bytes()):
            if n >= 3:
                break
    deadline = time.monotonic() + 5.0
    while (closed := _last_close(api)) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert closed is not None
    assert closed["ended"] == "client_left"
    assert closed["bytes"] > 0
    assert closed["duration_s"] < 3.0


@pytest.mark.parametrize("finished", [True, False])
def test_a_read_left_behind_is_settled_without_a_logged_error(finished: bool) -> None:
    import asyncio
    import gc

    import httpx

    from camroute.live.session import _settle

    reported: list[dict[str, object]] = []

    async def camera_breaks_off() -> bytes:
        if not finished:
            await asyncio.sleep(10)
        raise httpx.RemoteProtocolError("peer closed connection")

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: reported.append(ctx))
        reader = asyncio.create_task(camera_breaks_off())
        await asyncio.sleep(0.01)
        assert reader.done() is finished
        await _settle(reader)
        del reader
        gc.collect()  # an unretrieved task error is reported when the task is collected

    asyncio.run(main())
    assert reported == []
