"""The seen-call-ids hint: bounded, per store, and never what decides an answer."""

from __future__ import annotations

from typing import Any

import pytest

from camroute.audit.service import verify
from camroute.incidents import calls
from camroute.incidents.seen import Seen, SeenIds, seen_ids
from camroute.store import make_engine

LOCATION = {"lon": 106.6983, "lat": 10.7725, "uncertainty_m": 10}
MOVED = {"lon": 106.6990, "lat": 10.7730, "uncertainty_m": 20}


def test_the_oldest_ids_are_forgotten_first() -> None:
    seen = SeenIds(max_ids=3)
    for call_id in ("a", "b", "c", "a", "d"):  # "a" again keeps its place: it goes first
        seen.add(call_id, f"inc-{call_id}", "fp")
    assert [seen.get(c) for c in "abcd"] == [
        None,
        Seen("inc-b", "fp"),
        Seen("inc-c", "fp"),
        Seen("inc-d", "fp"),
    ]
    assert len(seen) == 3
    seen.add("d", "inc-d", "fp2")  # the last location seen
    assert seen.get("d") == Seen("inc-d", "fp2")


def test_each_store_has_its_own_ids(tmp_path: Any) -> None:
    one = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    two = make_engine(f"sqlite:///{tmp_path / 'two.db'}")
    seen_ids(one).add("C-1", "inc-1", None)
    assert seen_ids(one).get("C-1") == Seen("inc-1", None)
    assert seen_ids(two).get("C-1") is None


@pytest.fixture
def forgetful(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every call reaches a process that has not seen its id (another worker, a restart)."""
    monkeypatch.setattr(calls, "seen_ids", lambda engine: SeenIds())


def _post(api: Any, location: dict[str, Any], hotline: str = "113") -> Any:
    body = {"call_id": "S-1", "hotline": hotline, "location": location}
    return api.client.post("/api/calls", json=body, headers=api.as_("cad"))


@pytest.mark.usefixtures("forgetful")
def test_a_known_call_unseen_by_this_process_is_still_a_repeat_or_an_update(api: Any) -> None:
    first = _post(api, LOCATION)
    assert first.status_code == 201, first.text
    again = _post(api, LOCATION)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    assert again.json()["location_count"] == 1
    moved = _post(api, MOVED)
    assert (moved.status_code, moved.json()["location_count"]) == (200, 2)
    assert moved.json()["lon"] == MOVED["lon"]
    wrong = _post(api, MOVED | {"lon": 106.70}, hotline="115")
    assert (wrong.status_code, wrong.json()["errors"][0]["field"]) == (409, "hotline")
    api.client.patch(
        f"/api/incidents/{first.json()['id']}", json={"status": "closed"}, headers=api.as_("ann")
    )
    late = _post(api, LOCATION | {"uncertainty_m": 30})
    assert (late.status_code, late.json()["code"]) == (409, "incident_closed")
    detail = api.client.get(f"/api/incidents/{first.json()['id']}", headers=api.as_("ann"))
    assert [h["lon"] for h in detail.json()["history"]] == [LOCATION["lon"], MOVED["lon"]]
    report = verify(api.app.state.engine)
    assert report.ok


def test_a_hint_of_another_incident_writes_nothing_there(
    api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call id hinted to the wrong incident (never the case, but a hint is not the truth):
    PostgreSQL's update finds no such row of this call, reads, and updates the right one."""
    first = _post(api, LOCATION).json()
    other = api.client.post(
        "/api/calls",
        json={"call_id": "S-2", "hotline": "113", "location": MOVED},
        headers=api.as_("cad"),
    ).json()
    wrong = SeenIds()
    wrong.add("S-1", other["id"], None)
    monkeypatch.setattr(calls, "seen_ids", lambda engine: wrong)
    moved = _post(api, MOVED | {"lon": 106.70})
    assert (moved.status_code, moved.json()["id"]) == (200, first["id"])
    detail = api.client.get(f"/api/incidents/{other['id']}", headers=api.as_("ann")).json()
    assert (detail["location_count"], detail["lon"]) == (1, MOVED["lon"])


def test_a_repeat_of_what_this_process_saw_is_read_not_written_first(api: Any) -> None:
    """No location step and no update that would do nothing: the repeat is read and answered."""
    import sqlalchemy as sa

    first = _post(api, LOCATION)
    engine = api.app.state.engine
    sent: list[str] = []
    record = lambda conn, cursor, statement, *a: sent.append(statement)  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        again = _post(api, LOCATION)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    assert not [s for s in sent if s.lstrip().upper().startswith(("UPDATE INCIDENTS", "WITH"))]
