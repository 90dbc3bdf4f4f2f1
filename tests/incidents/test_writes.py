from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.audit.service import verify
from camroute.incidents import writes
from camroute.incidents.models import CallCreate
from camroute.incidents.tables import incident_locations, incidents
from camroute.store.txn import autocommit, writing

CALL = CallCreate.model_validate(
    {"call_id": "W-1", "hotline": "114", "location": {"lon": 106.7, "lat": 10.77}}
)
EVENT = {"actor": "cad", "role": "integration", "action": "call_received", "subject": "W-1"}


def _values(lon: float, fingerprint: str) -> dict[str, Any]:
    return {
        "updated_at": datetime.now(UTC),
        "lon": lon,
        "lat": 10.77,
        "uncertainty_m": 20.0,
        "location": {"lon": lon, "lat": 10.77},
        "lookup": None,
        "cameras": {"cameras": []},
        "ward_code": "26734",
        "ward_name": "Phường Bến Thành",
        "fingerprint": fingerprint,
    }


def _open(engine: Engine, incident_id: str = "inc-1") -> bool:
    """A new call as ``receive_call`` writes it on each store; False if its id was taken."""
    row = writes.new_row(CALL, _values(106.7, "f1"), incident_id=incident_id)
    history = writes.history(incident_id, _values(106.7, "f1"))
    if engine.dialect.name == "postgresql":
        return writes.open_if_new(engine, row, history, [EVENT])
    with writing(engine) as conn:
        writes.defer(conn, row, history, [EVENT])
    return True


def _move(
    engine: Engine, incident_id: str, lon: float, address: str | None, hotline: str = "114"
) -> Any:
    """An update as ``receive_call`` makes it on each store."""
    values = _values(lon, f"f{lon}")
    call = CALL.model_copy(update={"address": address, "hotline": hotline})
    if engine.dialect.name == "postgresql":
        return writes.update_at_once(engine, incident_id, call, values, [EVENT, EVENT])
    with writing(engine) as conn:
        moved = writes.update(conn, incident_id, call, values)
        if moved is not None:
            writes.defer(conn, None, writes.history(incident_id, values), [EVENT, EVENT])
    return moved


def _state(engine: Engine) -> tuple[Any, ...]:
    with engine.connect() as conn:
        row = conn.execute(sa.select(incidents)).mappings().one()
        lons = conn.execute(
            sa.select(incident_locations.c.lon).order_by(incident_locations.c.id)
        ).scalars()
        return row["location_count"], row["lon"], row["address"], list(lons)


def test_an_update_moves_the_incident_with_its_history_and_events(store_engine: Engine) -> None:
    assert _open(store_engine)
    incident_id = "inc-1"
    moved = _move(store_engine, incident_id, 106.71, None)
    assert (moved["id"], moved["location_count"], moved["lon"]) == (incident_id, 2, 106.71)
    assert _state(store_engine) == (2, 106.71, None, [106.7, 106.71])
    _move(store_engine, incident_id, 106.72, "12 Lê Lợi")
    _move(store_engine, incident_id, 106.73, None)  # no address: the one given stays
    assert _state(store_engine) == (4, 106.73, "12 Lê Lợi", [106.7, 106.71, 106.72, 106.73])
    report = verify(store_engine)
    assert (report.ok, report.checked) == (True, 1 + 3 * 2)


def test_a_closed_incident_is_not_moved_and_nothing_is_written(store_engine: Engine) -> None:
    assert _open(store_engine)
    incident_id = "inc-1"
    with store_engine.begin() as conn:
        conn.execute(sa.update(incidents).values(status="closed"))
    assert _move(store_engine, incident_id, 106.71, "12 Lê Lợi") is None
    assert _state(store_engine) == (1, 106.7, None, [106.7])
    assert verify(store_engine).checked == 1


def test_autocommit_is_for_postgres_only(store_engine: Engine) -> None:
    if store_engine.dialect.name == "postgresql":
        with autocommit(store_engine) as conn:  # each statement commits as it ends
            conn.execute(
                sa.insert(incidents).values(writes.new_row(CALL, _values(1, "f"), incident_id="a"))
            )
        assert _state(store_engine)[0] == 1
    else:
        with pytest.raises(RuntimeError, match="writing"), autocommit(store_engine):
            pass


def test_a_new_call_whose_id_is_taken_writes_nothing(store_engine: Engine) -> None:
    """PostgreSQL opens a call without reading its id first: a taken id leaves no trace."""
    assert _open(store_engine)
    if store_engine.dialect.name != "postgresql":
        with pytest.raises(sa.exc.IntegrityError):  # SQLite's writer reads first; its insert fails
            _open(store_engine, "inc-2")
    else:
        assert not _open(store_engine, "inc-2")
    assert _state(store_engine) == (1, 106.7, None, [106.7])
    with store_engine.connect() as conn:
        assert conn.execute(sa.select(incidents.c.id)).scalars().all() == ["inc-1"]
    report = verify(store_engine)
    assert (report.ok, report.checked) == (True, 1)


def test_an_update_on_another_hotline_or_at_the_same_location_writes_nothing(
    store_engine: Engine,
) -> None:
    """Written without reading the call first, the update itself refuses what the read would."""
    assert _open(store_engine)
    assert _move(store_engine, "inc-1", 106.71, None, hotline="115") is None
    assert _state(store_engine) == (1, 106.7, None, [106.7])
    assert _move(store_engine, "inc-1", 106.71, None) is not None
    assert _move(store_engine, "inc-1", 106.71, "12 Lê Lợi") is None  # its fingerprint again
    assert _state(store_engine) == (2, 106.71, None, [106.7, 106.71])
    report = verify(store_engine)
    assert (report.ok, report.checked) == (True, 1 + 2)
