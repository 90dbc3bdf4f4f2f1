"""A holder's own live views: listed, ended one by one, at logout, when the holder is disabled,
and when their stream client goes away (after a grace that a reload re-attaches within)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.live.conftest import Api, add_cameras, camera, make_api

from camroute.app import create_app
from camroute.audit.tables import audit_events
from camroute.auth import service as auth
from camroute.auth import store as auth_store
from camroute.auth.models import Role
from camroute.live.models import ViewRead
from camroute.settings import Settings

PASSWORD = "correct horse battery staple 42"
ADMIN = {"actor": "test", "actor_role": "test"}
GRACE_S = 2.0  # the orphan grace of these tests: streams note their use every 0.5 s


@pytest.fixture
def live_settings(store_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=store_url,
        password_hash_time_cost=1,
        password_hash_memory_kib=64,
        jwt_secret="test-signing-key-" + "x" * 32,
        live_orphan_grace_s=GRACE_S,
        camera_networks=["127.0.0.0/8"],  # the simulated cameras listen on loopback
    )


@pytest.fixture
def api(live_settings: Settings, sim_url: str) -> Iterator[Api]:
    app = create_app(live_settings)
    with TestClient(app) as client:
        add_cameras(app, [camera("SIM-1", south_m=30, base=sim_url)])
        for name in ("dina", "duc"):
            auth.add_user(
                app.state.engine,
                live_settings,
                name=name,
                role=Role.dispatcher,
                password=PASSWORD,
                **ADMIN,
            )
        yield make_api(app, client)


def _login(api: Api, name: str) -> dict[str, str]:
    resp = api.client.post("/api/auth/login", data={"username": name, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    api.client.cookies.clear()  # each request names its user itself
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def _open(api: Api, incident_id: str, headers: dict[str, str]) -> Any:
    body = {"camera_id": "SIM-1", "purpose": "check the scene"}
    return api.client.post(f"/api/incidents/{incident_id}/views", json=body, headers=headers)


def _mine(api: Api, headers: dict[str, str]) -> list[ViewRead]:
    resp = api.client.get("/api/live/mine", headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.headers["cache-control"] == "no-store"
    return [ViewRead.model_validate(v) for v in resp.json()]


def _revocations(api: Api) -> dict[str, str]:
    """ticket id -> why it was revoked, from the audit log."""
    with api.app.state.engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_events.c.details).where(audit_events.c.action == "ticket_revoked")
        ).scalars()
        return {d["ticket_id"]: d["because"] for d in rows}


def _streams_closed(api: Api, ticket_id: str) -> int:
    with api.app.state.engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_events.c.details).where(audit_events.c.action == "stream_closed")
        ).scalars()
        return sum(1 for d in rows if d["ticket_id"] == ticket_id)


def _wait_for(predicate: Any, *, limit_s: float) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return bool(predicate())


def test_the_refusal_points_at_the_list_which_shows_them(api) -> None:
    dina = _login(api, "dina")
    incident = api.open_incident()
    opened = [_open(api, incident["id"], dina).json()["ticket_id"] for _ in range(4)]
    fifth = _open(api, incident["id"], dina)
    assert fifth.status_code == 429
    assert "/api/live/mine" in fifth.json()["detail"]
    views = _mine(api, dina)
    assert sorted(v.ticket_id for v in views) == sorted(opened)
    assert {v.camera_id for v in views} == {"SIM-1"}
    assert all(v.incident_id == incident["id"] and v.purpose == "check the scene" for v in views)
    assert api.client.get(views[0].snapshot_url, headers=dina).status_code == 200


def test_logout_ends_the_views_and_a_new_login_starts_with_free_slots(api) -> None:
    dina = _login(api, "dina")
    incident = api.open_incident()
    views = [_open(api, incident["id"], dina).json() for _ in range(4)]
    assert api.client.post("/api/auth/logout", headers=dina).status_code == 204
    again = _login(api, "dina")
    assert _mine(api, again) == []
    assert _open(api, incident["id"], again).status_code == 201
    assert api.client.get(views[0]["snapshot_url"]).status_code == 403
    revoked = _revocations(api)
    assert [revoked[v["ticket_id"]] for v in views] == ["logout"] * 4


def test_the_list_holds_only_the_callers_own_views(api) -> None:
    dina, duc = _login(api, "dina"), _login(api, "duc")
    incident = api.open_incident()
    hers = _open(api, incident["id"], dina).json()
    his = _open(api, incident["id"], duc).json()
    assert [v.ticket for v in _mine(api, dina)] == [hers["ticket"]]
    assert [v.ticket for v in _mine(api, duc)] == [his["ticket"]]
    assert api.client.delete(f"/api/live/mine/{his['ticket_id']}", headers=dina).status_code == 404
    assert api.client.delete(f"/api/live/mine/{hers['ticket_id']}", headers=dina).status_code == 204
    assert _mine(api, dina) == []
    assert len(_mine(api, duc)) == 1
    gone = api.client.get(hers["snapshot_url"])
    assert (gone.status_code, gone.json()["code"]) == (403, "ticket_revoked")
    assert _revocations(api)[hers["ticket_id"]] == "ended"


def _disable(api: Api) -> None:
    auth.disable_user(api.app.state.engine, "dina", **ADMIN)


def _change_role(api: Api) -> None:
    with api.app.state.engine.begin() as conn:
        auth_store.update_user(conn, "dina", role=Role.supervisor.value)


def _reset_password(api: Api) -> None:
    auth.reset_password(api.app.state.engine, api.app.state.settings, "dina", **ADMIN)


@pytest.mark.parametrize(
    ("change", "because"),
    [
        (_disable, "user_disabled"),
        (_change_role, "role_changed"),
        (_reset_password, "session_ended"),
    ],
)
def test_the_relay_refuses_a_ticket_whose_holder_lost_the_right(api, change, because) -> None:
    dina = _login(api, "dina")
    view = _open(api, api.open_incident()["id"], dina).json()
    assert api.client.get(view["snapshot_url"]).status_code == 200
    change(api)
    resp = api.client.get(view["snapshot_url"])
    assert resp.status_code == 403
    assert resp.json()["code"] == "ticket_revoked"
    assert _revocations(api)[view["ticket_id"]] == because
    assert api.client.get(view["mjpeg_url"]).status_code == 403


def test_a_stream_refuses_to_go_on_once_its_holder_is_disabled(api) -> None:
    dina = _login(api, "dina")
    view = _open(api, api.open_incident()["id"], dina).json()
    started = time.monotonic()
    with api.client.stream("GET", view["mjpeg_url"]) as resp:
        assert resp.status_code == 200
        for n, _chunk in enumerate(resp.iter_bytes()):
            if n == 3:
                _disable(api)
            assert time.monotonic() - started < 10.0, "the stream outlived its holder"
    assert _revocations(api)[view["ticket_id"]] == "user_disabled"


def _stream_for(api: Api, url: str, seconds: float) -> int:
    """Read the MJPEG stream for ``seconds``, then leave (the client goes away)."""
    size, started = 0, time.monotonic()
    with api.client.stream("GET", url) as resp:
        assert resp.status_code == 200
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if time.monotonic() - started >= seconds:
                break
    return size


def test_a_stream_client_gone_ends_the_ticket_after_the_grace(api) -> None:
    view = api.view(api.open_incident()["id"], "SIM-1").json()
    assert _stream_for(api, view["mjpeg_url"], 2 * GRACE_S) > 0  # alive past the grace
    assert view["ticket_id"] not in _revocations(api)
    left = time.monotonic()
    assert _wait_for(lambda: view["ticket_id"] in _revocations(api), limit_s=3 * GRACE_S)
    assert time.monotonic() - left >= GRACE_S / 2  # not at once: the grace runs from the leaving
    assert _revocations(api)[view["ticket_id"]] == "client_gone"
    resp = api.client.get(view["snapshot_url"])
    assert (resp.status_code, resp.json()["code"]) == (403, "ticket_revoked")


def test_a_reconnect_within_the_grace_keeps_the_ticket(api) -> None:
    view = api.view(api.open_incident()["id"], "SIM-1").json()
    _stream_for(api, view["mjpeg_url"], 1.0)
    time.sleep(GRACE_S / 2)  # a page reload
    _stream_for(api, view["mjpeg_url"], 2 * GRACE_S)
    assert view["ticket_id"] not in _revocations(api)
    assert api.client.get(view["snapshot_url"]).status_code == 200
    # Both streams closed (and audited) before the app stops under them.
    assert _wait_for(lambda: _streams_closed(api, view["ticket_id"]) == 2, limit_s=5.0)


def test_a_tile_polling_snapshots_keeps_its_ticket_until_it_stops(api) -> None:
    view = api.view(api.open_incident()["id"], "SIM-1").json()
    started = time.monotonic()
    while time.monotonic() - started < 2 * GRACE_S:
        assert api.client.get(view["snapshot_url"]).status_code == 200
        time.sleep(0.3)
    assert view["ticket_id"] not in _revocations(api)
    assert _wait_for(lambda: view["ticket_id"] in _revocations(api), limit_s=3 * GRACE_S)
    assert _revocations(api)[view["ticket_id"]] == "client_gone"


def test_a_ticket_never_used_ends_after_the_grace(api) -> None:
    view = api.view(api.open_incident()["id"], "SIM-1").json()
    assert _wait_for(lambda: view["ticket_id"] in _revocations(api), limit_s=3 * GRACE_S)
    assert _revocations(api)[view["ticket_id"]] == "client_gone"


def test_disabling_a_user_from_the_cli_ends_their_views(api, live_settings) -> None:
    from typer.testing import CliRunner

    from camroute.cli import app as cli_app

    dina = _login(api, "dina")
    view = _open(api, api.open_incident()["id"], dina).json()
    args = ["users", "disable", "dina", "--db", live_settings.database_url]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert "1 live view(s) ended" in result.output
    assert _revocations(api)[view["ticket_id"]] == "user_disabled"  # ended, not just refused
