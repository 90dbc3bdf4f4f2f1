"""``ptz/store.py`` on SQLite and PostgreSQL: the control lock and the stored calibration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.cameras import service as cameras
from camroute.cameras.model import CameraCreate
from camroute.incidents.tables import incidents
from camroute.live.tables import live_tickets
from camroute.ptz import store
from camroute.ptz.aim import PtzPosition
from camroute.ptz.calibration import uncalibrated

NOW = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)


def _camera(engine: Engine) -> None:
    with engine.begin() as conn:
        cameras.create_camera(
            conn, CameraCreate(id="P-1", lon=106.7, lat=10.77, kind="ptz"), actor="t"
        )


def _claim(engine: Engine, user: str, *, at: datetime, force: bool = False) -> bool:
    with engine.begin() as conn:
        store.ensure_control(conn, "P-1", now=at)
        return store.claim(
            conn,
            "P-1",
            user=user,
            role="dispatcher",
            incident_id="i-1",
            ticket_id=f"t-{user}",
            until=at + timedelta(seconds=30),
            now=at,
            force=force,
        )


def test_lock_is_held_renewed_expires_and_can_be_forced(store_engine: Engine) -> None:
    _camera(store_engine)
    assert _claim(store_engine, "ann", at=NOW)
    assert not _claim(store_engine, "bob", at=NOW + timedelta(seconds=10))
    assert _claim(store_engine, "ann", at=NOW + timedelta(seconds=20))  # renewed to +50 s
    assert not _claim(store_engine, "bob", at=NOW + timedelta(seconds=45))
    assert _claim(store_engine, "bob", at=NOW + timedelta(seconds=51))  # ann's lapsed
    assert _claim(store_engine, "sue", at=NOW + timedelta(seconds=52), force=True)
    with store_engine.connect() as conn:
        control = store.ensure_control(conn, "P-1", now=NOW)
    assert (control.holder, control.ticket_id) == ("sue", "t-sue")
    assert control.held_by_other("ann", now=NOW + timedelta(seconds=60))
    assert not control.held_by_other("ann", now=NOW + timedelta(seconds=83))


def test_moves_and_returns_are_tracked_and_calibration_round_trips(store_engine: Engine) -> None:
    _camera(store_engine)
    where = PtzPosition(pan=0.25, tilt=-0.1, zoom=0.4)
    cal = uncalibrated(heading_deg=45.0)
    with store_engine.begin() as conn:
        store.ensure_control(conn, "P-1", now=NOW)
        store.moved(conn, "P-1", where, now=NOW)
        store.save_calibration(conn, "P-1", cal, at=NOW, by="gis")
    with store_engine.begin() as conn:
        assert store.away_cameras(conn) == ["P-1"]
        assert store.ensure_control(conn, "P-1", now=NOW).position == where
        store.at_home(conn, "P-1", PtzPosition(pan=0, tilt=0, zoom=0), now=NOW)
        assert store.away_cameras(conn) == []
        assert store.get_calibration(conn, "P-1") == (cal, NOW, "gis")


def _ticket(engine: Engine, ticket_id: str) -> None:
    with engine.begin() as conn:
        if conn.execute(sa.select(incidents.c.id)).first() is None:
            conn.execute(
                sa.insert(incidents).values(
                    id="i-1",
                    call_id="c-1",
                    hotline="115",
                    status="new",
                    created_at=NOW,
                    updated_at=NOW,
                    location_count=1,
                )
            )
        conn.execute(
            sa.insert(live_tickets).values(
                id=ticket_id,
                incident_id="i-1",
                camera_id="P-1",
                user_name="ann",
                role="dispatcher",
                purpose="verify_incident",
                issued_at=NOW,
                expires_at=NOW + timedelta(minutes=5),
                renewals=0,
            )
        )


def _set_follow(engine: Engine, ticket_id: str, on: bool, key: str = "loc-1") -> None:
    with engine.begin() as conn:
        store.set_follow(
            conn,
            ticket_id,
            incident_id="i-1",
            camera_id="P-1",
            enabled=on,
            by="ann",
            now=NOW,
            key=key,
        )


def test_follow_is_claimed_once_per_location_and_only_while_on(store_engine: Engine) -> None:
    _camera(store_engine)
    _ticket(store_engine, "t-1")
    _ticket(store_engine, "t-2")
    _set_follow(store_engine, "t-1", True)
    _set_follow(store_engine, "t-2", False)
    with store_engine.begin() as conn:
        assert store.following(conn, "i-1") == ["t-1"]
        assert (store.follows(conn, "t-1"), store.follows(conn, "t-2")) == (True, False)
        assert not store.claim_follow(conn, "t-1", key="loc-1", now=NOW)  # seen when turned on
        assert store.claim_follow(conn, "t-1", key="loc-2", now=NOW)
        assert not store.claim_follow(conn, "t-1", key="loc-2", now=NOW)  # another replica
        assert not store.claim_follow(conn, "t-2", key="loc-2", now=NOW)  # follow is off
    _set_follow(store_engine, "t-1", False, key="loc-2")
    with store_engine.begin() as conn:
        assert store.following(conn, "i-1") == []
        assert not store.claim_follow(conn, "t-1", key="loc-3", now=NOW)


def test_the_last_aim_is_kept_with_the_control_row(store_engine: Engine) -> None:
    _camera(store_engine)
    where = PtzPosition(pan=0.1, tilt=0.2, zoom=0.3)
    with store_engine.begin() as conn:
        store.ensure_control(conn, "P-1", now=NOW)
        store.moved(conn, "P-1", where, now=NOW, result={"ticket_id": "t-1", "residual_deg": 0.4})
    with store_engine.connect() as conn:
        control = store.ensure_control(conn, "P-1", now=NOW)
    assert control.last_aim == {"ticket_id": "t-1", "residual_deg": 0.4}
    assert control.position == where
