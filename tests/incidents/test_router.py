from __future__ import annotations

import re
from typing import Any

import fastapi.dependencies.utils as fastapi_utils
import fastapi.routing as fastapi_routing
import pytest
import sqlalchemy as sa

from camroute.cameras.store import insert_camera
from camroute.incidents.models import IncidentPage, IncidentRead
from camroute.incidents.tables import incidents

PROBLEM = "application/problem+json"
BEN_THANH = {"lon": 106.698, "lat": 10.7725, "uncertainty_m": 35}
MOVED = {"lon": 106.6990, "lat": 10.7730, "uncertainty_m": 20}


def call(call_id: str = "C-1", **over: Any) -> dict[str, Any]:
    return {"call_id": call_id, "hotline": "113", "location": BEN_THANH, **over}


def post(api, body: dict[str, Any], who: str = "cad") -> Any:
    return api.client.post("/api/calls", json=body, headers=api.as_(who))


def test_call_opens_an_incident(api) -> None:
    resp = post(api, call())
    assert resp.status_code == 201, resp.text
    assert resp.headers["content-type"] == "application/json"
    body = IncidentRead.model_validate(resp.json())
    assert body.status == "new"
    assert body.hotline == "113"
    assert (body.lon, body.lat) == (106.698, 10.7725)
    assert body.location is not None
    assert body.location["format"] == "json"
    assert body.location_count == 1
    assert body.route is not None  # the ranking ran (an empty registry: no cameras)
    assert body.route.cameras == []


def test_lookup_and_ward_are_stored(api_with_layers) -> None:
    body = post(api_with_layers, call()).json()
    assert body["ward_name"] == "Phường Bến Thành"
    assert body["ward_code"] == "26734"
    assert body["lookup"]["admin"]["ward"]["name"] == "Phường Bến Thành"


def test_spoken_address_is_geocoded(api_with_layers) -> None:
    body = {"call_id": "A-1", "hotline": "114", "address": "đường Lê Lợi"}
    resp = post(api_with_layers, body)
    assert resp.status_code == 201, resp.text
    incident = resp.json()
    assert incident["address"] == "đường Lê Lợi"
    assert 106.698 < incident["lon"] < 106.704
    assert incident["uncertainty_m"] > 0


def test_unknown_address_is_a_422_naming_the_field(api_with_layers) -> None:
    resp = post(api_with_layers, {"call_id": "A-2", "hotline": "114", "address": "zzqx yyy"})
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "address"


@pytest.mark.parametrize(
    ("location", "content_type", "fmt"),
    [
        ("geo:10.7725,106.698;u=20", None, "geo-uri"),
        ('{"lon": 106.698, "lat": 10.7725, "uncertainty_m": 5}', "application/json", "json"),
    ],
)
def test_raw_location_text_is_parsed(api, location, content_type, fmt) -> None:
    body = call(location=location, content_type=content_type)
    resp = post(api, body)
    assert resp.status_code == 201, resp.text
    assert resp.json()["location"]["format"] == fmt


def test_identical_repeat_is_the_same_incident_without_an_update(api) -> None:
    first = post(api, call()).json()
    again = post(api, call())
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    detail = api.client.get(f"/api/incidents/{first['id']}", headers=api.as_("ann")).json()
    assert detail["location_count"] == 1
    assert len(detail["history"]) == 1


def test_new_location_for_a_known_call_is_an_update(api) -> None:
    first = post(api, call()).json()
    resp = post(api, call(location=MOVED))
    assert resp.status_code == 200
    moved = resp.json()
    assert moved["id"] == first["id"]
    assert (moved["lon"], moved["lat"]) == (MOVED["lon"], MOVED["lat"])
    assert moved["location_count"] == 2
    detail = api.client.get(f"/api/incidents/{first['id']}", headers=api.as_("ann")).json()
    assert [h["lon"] for h in detail["history"]] == [BEN_THANH["lon"], MOVED["lon"]]


def test_a_call_id_keeps_its_hotline(api) -> None:
    post(api, call())
    resp = post(api, call(hotline="115", location=MOVED))
    assert resp.status_code == 409
    assert resp.json()["errors"][0]["field"] == "hotline"


def test_no_updates_after_closing(api) -> None:
    first = post(api, call()).json()
    api.client.patch(
        f"/api/incidents/{first['id']}", json={"status": "closed"}, headers=api.as_("ann")
    )
    resp = post(api, call(location=MOVED))
    assert resp.status_code == 409
    assert resp.json()["code"] == "incident_closed"
    retry = post(api, call())  # a late retry of the first message is still idempotent
    assert retry.status_code == 200
    assert retry.json()["status"] == "closed"


def test_an_update_racing_the_close_is_refused_and_writes_nothing(
    api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The incident is closed just before the update's write (on SQLite after the read that
    found it open): the UPDATE's own condition refuses it, the call is read again and refused
    as closed (no history row, no audit event, no count moved)."""
    from camroute.audit.service import verify
    from camroute.incidents import calls, writes

    first = post(api, call()).json()

    def close() -> None:
        api.client.patch(
            f"/api/incidents/{first['id']}", json={"status": "closed"}, headers=api.as_("ann")
        )

    if api.app.state.engine.dialect.name == "postgresql":  # a seen call is not read first
        real_update = writes.update_at_once

        def closed_meanwhile(*args: Any) -> Any:
            close()
            return real_update(*args)

        monkeypatch.setattr(writes, "update_at_once", closed_meanwhile)
    else:
        real = calls._known

        def closed_after_read(engine: Any, c: Any) -> Any:
            found = real(engine, c)
            close()
            return found

        monkeypatch.setattr(calls, "_known", closed_after_read)
    events_before = verify(api.app.state.engine).checked
    resp = post(api, call(location=MOVED))
    assert resp.status_code == 409, resp.text
    assert resp.json()["code"] == "incident_closed"
    detail = api.client.get(f"/api/incidents/{first['id']}", headers=api.as_("ann")).json()
    assert (detail["status"], detail["location_count"], len(detail["history"])) == ("closed", 1, 1)
    assert verify(api.app.state.engine).checked == events_before + 1  # the close's own event


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"call_id": "X", "hotline": "113"}, "body"),
        ({"call_id": "X", "hotline": "112", "location": BEN_THANH}, "hotline"),
        ({"call_id": "", "hotline": "113", "location": BEN_THANH}, "call_id"),
        ({"call_id": "a b", "hotline": "113", "location": BEN_THANH}, "call_id"),
        ({"call_id": "X", "hotline": "113", "location": {"lon": 200, "lat": 1}}, "location"),
        ({"call_id": "X", "hotline": "113", "location": BEN_THANH, "extra": 1}, "extra"),
        ({"call_id": "X", "hotline": "113", "location": "<nonsense"}, "body"),
    ],
)
def test_bad_calls_are_422_problems(api, body, field) -> None:
    resp = post(api, body)
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"] == PROBLEM
    fields = [e["field"] for e in resp.json()["errors"]]
    assert any(f == field or f.startswith(field) for f in fields), fields


def test_not_json_is_a_422(api) -> None:
    resp = api.client.post("/api/calls", content=b"{oops", headers=api.as_("cad"))
    assert resp.status_code == 422
    assert resp.headers["content-type"] == PROBLEM


def test_oversized_body_is_a_413(api) -> None:
    big = call(location="x" * (300 * 1024))
    resp = post(api, big)
    assert resp.status_code == 413


@pytest.mark.parametrize(("who", "status"), [("aud", 403), ("ann", 201), ("sue", 201)])
def test_who_may_post_calls(api, who, status) -> None:
    assert post(api, call(call_id=f"C-{who}"), who=who).status_code == status


def test_a_call_solves_each_dependency_once(api, monkeypatch: pytest.MonkeyPatch) -> None:
    """FastAPI solves a dependency's whole subtree wherever it is named (~19 µs a node): asking
    for the principal besides the role check solved the credential tree twice (15 nodes)."""
    solved: list[str] = []
    real = fastapi_utils.solve_dependencies

    async def counting(**kwargs: Any) -> Any:
        solved.append(getattr(kwargs["dependant"].call, "__name__", "?"))
        return await real(**kwargs)

    monkeypatch.setattr(fastapi_utils, "solve_dependencies", counting)
    monkeypatch.setattr(fastapi_routing, "solve_dependencies", counting)
    assert post(api, call(call_id="C-deps")).status_code == 201
    assert sorted(solved).count("current_principal") == 1
    # the route, its NUL check, the role check, the principal and its 3 credential schemes
    assert len(solved) <= 7, solved


def test_no_credentials_is_401(api) -> None:
    assert api.client.post("/api/calls", json=call()).status_code == 401


def test_list_puts_open_incidents_first_and_filters(api) -> None:
    ids = [
        post(api, call(call_id=f"L-{n}", hotline=h)).json()["id"]
        for n, h in enumerate(["113", "114", "115"])
    ]
    api.client.patch(f"/api/incidents/{ids[2]}", json={"status": "closed"}, headers=api.as_("ann"))
    page = IncidentPage.model_validate(
        api.client.get("/api/incidents", headers=api.as_("ann")).json()
    )
    assert page.total == 3
    assert [i.id for i in page.items] == [ids[1], ids[0], ids[2]]
    only = api.client.get("/api/incidents?hotline=114", headers=api.as_("ann")).json()
    assert [i["id"] for i in only["items"]] == [ids[1]]
    open_ = api.client.get("/api/incidents?open=true", headers=api.as_("ann")).json()
    assert {i["id"] for i in open_["items"]} == {ids[0], ids[1]}
    closed = api.client.get("/api/incidents?status=closed", headers=api.as_("ann")).json()
    assert [i["id"] for i in closed["items"]] == [ids[2]]


def test_naive_since_is_a_422(api) -> None:
    resp = api.client.get("/api/incidents?since=2026-01-01T00:00:00", headers=api.as_("ann"))
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "since"


def test_unknown_incident_is_404(api) -> None:
    resp = api.client.get("/api/incidents/nope", headers=api.as_("ann"))
    assert resp.status_code == 404
    assert resp.json()["code"] == "incident_not_found"


@pytest.mark.parametrize(
    ("steps", "final_status"),
    [
        (["acknowledged"], 200),
        (["acknowledged", "dispatched", "closed"], 200),
        (["closed", "new"], 409),
        (["closed", "closed"], 409),
        (["bogus"], 422),
    ],
)
def test_status_changes(api, steps, final_status) -> None:
    incident = post(api, call()).json()
    for status in steps:
        resp = api.client.patch(
            f"/api/incidents/{incident['id']}", json={"status": status}, headers=api.as_("ann")
        )
    assert resp.status_code == final_status, resp.text
    if final_status == 200:
        assert resp.json()["status"] == steps[-1]
        assert (resp.json()["closed_at"] is not None) == (steps[-1] == "closed")


def test_integration_may_not_change_status(api) -> None:
    incident = post(api, call()).json()
    resp = api.client.patch(
        f"/api/incidents/{incident['id']}", json={"status": "closed"}, headers=api.as_("cad")
    )
    assert resp.status_code == 403


def test_calls_check_the_aml_hmac_when_a_key_is_set(api) -> None:
    from pathlib import Path

    from pydantic import SecretStr

    vectors = Path(__file__).resolve().parents[1] / "data" / "location"
    signed = (vectors / "aml_https_v1_hmac.txt").read_text()  # signed with the key "AML"
    settings = api.app.state.settings
    api.app.state.settings = settings.model_copy(update={"aml_hmac_key": SecretStr("AML")})
    form = "application/x-www-form-urlencoded"
    ok = post(api, call("AML-1", location=signed, content_type=form))
    assert ok.status_code == 201, ok.text
    forged = post(
        api, call("AML-2", location=signed.replace("0.85732", "0.85733"), content_type=form)
    )
    assert forged.status_code == 422, forged.text
    assert forged.headers["content-type"] == PROBLEM
    assert "aml.hmac" in forged.text
    listed = api.client.get("/api/incidents", headers=api.as_("cad")).json()
    assert "AML-1" in str(listed)
    assert "AML-2" not in str(listed)  # a refused call leaves nothing behind


def test_the_list_carries_what_the_queue_shows_and_the_item_the_region(api) -> None:
    for n in range(5):
        assert post(api, call(call_id=f"S-{n}")).status_code == 201
    resp = api.client.get("/api/incidents", headers=api.as_("ann"))
    assert resp.status_code == 200
    items = resp.json()["items"]
    assert len(items) == 5
    assert len(resp.content) < 5 * 600  # about 350 bytes an incident; the region alone is 4 kB
    for item in items:
        assert {"location", "lookup", "route", "history"}.isdisjoint(item)
        assert {
            "id",
            "call_id",
            "hotline",
            "status",
            "created_at",
            "lon",
            "lat",
            "ward_name",
        } <= item.keys()
    assert "coordinates" not in resp.text
    one = api.client.get(f"/api/incidents/{items[0]['id']}", headers=api.as_("ann")).json()
    assert one["location"]["region"]["type"] == "Polygon"
    assert len(one["location"]["region"]["coordinates"][0]) >= 60
    assert one["route"] is not None


def _camera(camera_id: str, south_m: float, **over: Any) -> dict[str, Any]:
    """A camera ``south_m`` south of ``BEN_THANH`` looking north at it."""
    return {
        "id": camera_id,
        "name": camera_id,
        "lon": BEN_THANH["lon"],
        "lat": BEN_THANH["lat"] - south_m / 111_320.0,
        "heading_deg": 0.0,
        "hfov_deg": 60.0,
        "range_m": 120.0,
        "kind": "fixed",
        "status": "online",
        "access_class": "public_space",
        "fov_assumed": False,
        **over,
    }


def test_the_incident_embeds_its_typed_route_with_the_cones(api) -> None:
    engine = api.app.state.engine
    with engine.begin() as conn:
        insert_camera(conn, _camera("SEE", 30), actor="test")
        insert_camera(conn, _camera("BACK", 40, heading_deg=180.0), actor="test")  # context
        insert_camera(conn, _camera("OFF", 35, status="offline"), actor="test")
    api.app.state.camera_index.wait()
    api.app.state.camera_index.rebuild(engine, viewsheds=False)
    created = post(api, call()).json()
    resp = api.client.get(f"/api/incidents/{created['id']}", headers=api.as_("ann"))
    assert resp.status_code == 200
    one = IncidentRead.model_validate(resp.json())
    assert one.route is not None
    assert [c.camera_id for c in one.route.cameras] == ["SEE"]
    assert [c.camera_id for c in one.route.context] == ["BACK"]
    assert [c.camera_id for c in one.route.offline] == ["OFF"]
    for cam in [*one.route.cameras, *one.route.context, *one.route.offline]:
        assert cam.view_geojson is not None, cam.camera_id  # the cone the map draws
        assert cam.view_geojson["type"] in {"Polygon", "MultiPolygon"}
    # what the page reads is what the API answers: the raw JSON carries the same cones
    raw = resp.json()["route"]["cameras"][0]["view_geojson"]
    assert raw == one.route.cameras[0].view_geojson


def test_a_route_stored_before_cones_were_kept_reads_back_typed(api) -> None:
    engine = api.app.state.engine
    with engine.begin() as conn:
        insert_camera(conn, _camera("SEE", 30), actor="test")
    api.app.state.camera_index.wait()
    api.app.state.camera_index.rebuild(engine, viewsheds=False)
    created = post(api, call()).json()
    old = created["route"]
    for cam in old["cameras"]:
        del cam["view_geojson"]  # an older row: the ranking was stored without its cones
    with engine.begin() as conn:
        conn.execute(
            sa.update(incidents).where(incidents.c.id == created["id"]).values(cameras=old)
        )
    resp = api.client.get(f"/api/incidents/{created['id']}", headers=api.as_("ann"))
    assert resp.status_code == 200, resp.text
    one = IncidentRead.model_validate(resp.json())
    assert one.route is not None
    assert [(c.camera_id, c.view_geojson) for c in one.route.cameras] == [("SEE", None)]


def test_the_answer_to_a_call_is_the_incident_as_stored(api_with_layers) -> None:
    # The POST answer is built from what was written, not read back: it must not differ from
    # what a later GET reads from the store (region, lookup, route with cones, times).
    api = api_with_layers
    engine = api.app.state.engine
    with engine.begin() as conn:
        insert_camera(conn, _camera("SEE", 30), actor="test")
    api.app.state.camera_index.wait()
    api.app.state.camera_index.rebuild(engine, viewsheds=False)
    for body in (call("C-9"), call("C-9", location=MOVED, address="12 Lê Lợi")):
        answer = post(api, body).json()
        stored = api.client.get(f"/api/incidents/{answer['id']}", headers=api.as_("ann")).json()
        assert answer["lookup"] is not None
        assert answer["route"] is not None
        assert answer == {**stored, "history": None}
    assert answer["address"] == "12 Lê Lợi"
    assert answer["location_count"] == 2
    first = post(api, call("C-10")).json()
    assert [c["camera_id"] for c in first["route"]["cameras"]] == ["SEE"]
    assert first["route"]["cameras"][0]["view_geojson"]["type"] == "Polygon"


@pytest.mark.parametrize("threads", [1, 3])
def test_calls_are_handled_a_few_at_a_time(
    store_url: str, monkeypatch: pytest.MonkeyPatch, threads: int
) -> None:
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from fastapi.testclient import TestClient
    from tests.incidents.conftest import make_api

    from camroute.app import create_app
    from camroute.incidents import calls
    from camroute.settings import Settings

    running, peak, guard = 0, 0, threading.Lock()
    real = calls.receive_call

    def slow(*args: Any, **kwargs: Any) -> Any:
        nonlocal running, peak
        with guard:
            running += 1
            peak = max(peak, running)
        time.sleep(0.1)
        try:
            return real(*args, **kwargs)
        finally:
            with guard:
                running -= 1

    monkeypatch.setattr(calls, "receive_call", slow)
    settings = Settings(_env_file=None, database_url=store_url, call_threads=threads)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        api = make_api(client.app, client)  # type: ignore[arg-type]
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda n: post(api, call(f"T-{n}")), range(6)))
    assert [a.status_code for a in answers] == [201] * 6
    assert peak == threads  # never more at once, and as many when calls queue up


def test_two_first_calls_at_once_open_one_incident(api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both take the call for new; the second insert finds the id taken and comes back as an
    update. SQLite reads the call id first (the insert is sent with the COMMIT, so the taken id
    shows only there); PostgreSQL writes a call id it has not seen without reading it, and its
    insert does nothing when the id is taken."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from camroute.audit.service import verify
    from camroute.incidents import calls, writes

    engine = api.app.state.engine
    both_new, seen = threading.Barrier(2, timeout=10), []
    if engine.dialect.name == "postgresql":
        real_open = writes.open_if_new

        def open_in_step(*args: Any) -> bool:
            seen.append(None)
            both_new.wait()  # neither writes before both are about to
            return real_open(*args)

        monkeypatch.setattr(writes, "open_if_new", open_in_step)
    else:
        real = calls._known

        def in_step(engine: Any, call: Any) -> Any:
            found = real(engine, call)
            seen.append(found)
            if len(seen) <= 2:
                both_new.wait()  # neither writes before both have found nothing
            return found

        monkeypatch.setattr(calls, "_known", in_step)
    bodies = [call("C-race"), call("C-race", location=MOVED)]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda body: post(api, body), bodies))
    assert sorted(a.status_code for a in answers) == [200, 201], [a.text for a in answers]
    assert seen[:2] == [None, None]
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(incidents.c.location_count).where(incidents.c.call_id == "C-race")
        ).all()
    assert rows == [(2,)]
    assert verify(engine).ok


def test_a_calls_rows_and_audit_events_go_in_one_statement_on_postgres(api) -> None:
    """A new call's incident row, history row and audit events (an update's history and
    events) are one statement on PostgreSQL, which store.txn sends as the whole transaction;
    on SQLite they stay apart, queued under its write lock."""
    engine = api.app.state.engine
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    counts: list[int] = []

    def writes() -> list[tuple[bool, bool, bool]]:
        marks = ("INSERT INTO incidents ", "INSERT INTO incident_locations", "audit")
        found = [tuple(m in s for m in marks) for s in sent]
        counts.append(sum(bool(re.search(r"\bincidents\b", s)) for s in sent))
        sent.clear()
        return [f for f in found if any(f)]

    assert post(api, call("C-warm")).status_code == 201  # the credential and key caches filled
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        assert post(api, call("C-one")).status_code == 201
        opened = writes()
        assert post(api, call("C-one", location=MOVED)).status_code == 200
        updated = writes()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    if engine.dialect.name == "postgresql":
        assert opened == [(True, True, True)]
        assert updated == [(False, True, True)]
        # Neither is read first: a call id this process has not seen is opened, a seen one's
        # incident moved.
        assert counts == [1, 1]
    else:  # each its own statement (the audit append is three)
        for written in (opened, updated):
            assert all(sum(marks) == 1 for marks in written), written
        assert [any(m[i] for m in opened) for i in range(3)] == [True, True, True]
        assert [any(m[i] for m in updated) for i in range(3)] == [False, True, True]
