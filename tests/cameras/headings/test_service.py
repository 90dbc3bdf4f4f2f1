"""Applying suggestions on SQLite and PostGIS: a measured heading is never overwritten, each
applied one is an audited, versioned update with ``heading_source = suggested``."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.areas.models import AreaFeature
from camroute.audit.tables import audit_events
from camroute.cameras.headings.network import StreetNetwork
from camroute.cameras.headings.service import apply_best, street_network, suggest_registry
from camroute.cameras.model import CameraCreate, CameraUpdate
from camroute.cameras.service import create_camera, update_camera
from camroute.cameras.store import history, require_camera

from .conftest import line, lonlat

pytestmark = pytest.mark.usefixtures("store_engine")


@pytest.fixture
def streets() -> StreetNetwork:
    ways = [("Lê Lợi", line((-300, 0), (300, 0))), ("Nguyễn Huệ", line((0, -300), (0, 300)))]
    return street_network(
        [
            AreaFeature(kind="streets", name=n, geometry=g, props={"highway": "primary"})
            for n, g in ways
        ]
    )


def _add(
    engine: Engine, camera_id: str, name: str, east_m: float, north_m: float, **kw: object
) -> None:
    lon, lat = lonlat(east_m, north_m)
    body = CameraCreate(id=camera_id, name=name, lon=lon, lat=lat, **kw)  # type: ignore[arg-type]
    with engine.begin() as conn:
        create_camera(conn, body, actor="test")


@pytest.fixture
def registry(store_engine: Engine) -> Engine:
    _add(store_engine, "corner", "Lê Lợi - Nguyễn Huệ", 4, 25)  # on Nguyễn Huệ
    _add(store_engine, "far", "Lê Lợi - Nguyễn Huệ", 500, 500)  # no street within reach
    _add(store_engine, "measured", "Lê Lợi", 50, 3, heading_deg=12.0)
    _add(store_engine, "ptz", "Nguyễn Huệ", 3, 80, kind="ptz")
    _add(store_engine, "weak", "Hàm Nghi", 45, 45)  # only unnamed-by-it streets, 45 m off
    return store_engine


def _audit_ops(engine: Engine) -> list[tuple[str | None, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_events.c.subject, audit_events.c.details).order_by(audit_events.c.id)
        ).all()
    return [(r.subject, r.details["op"]) for r in rows]


def test_apply_best_stores_suggested_heading_with_history_and_audit(
    registry: Engine, streets: StreetNetwork
) -> None:
    run = apply_best(registry, suggest_registry(registry, streets, min_score=0.5), actor="cli:gis")
    outcomes = {r.found.camera_id: r.outcome for r in run.rows}
    assert outcomes == {"corner": "applied", "far": "no_street", "weak": "below_min_score"}
    with registry.connect() as conn:
        cam = require_camera(conn, "corner")
        changes = history(conn, "corner")
    assert cam["heading_source"] == "suggested"
    assert round(cam["heading_deg"]) % 180 == 0  # along Nguyễn Huệ, north or south
    assert cam["version"] == 2
    assert changes[-1]["actor"] == "cli:gis"
    assert changes[-1]["before"]["heading_deg"] is None
    assert changes[-1]["after"]["heading_source"] == "suggested"
    assert ("corner", "update") in _audit_ops(registry)
    assert run.summary()["applied"] == 1


def test_measured_heading_and_turning_cameras_are_left_alone(
    registry: Engine, streets: StreetNetwork
) -> None:
    apply_best(registry, suggest_registry(registry, streets, min_score=0.0))
    with registry.connect() as conn:
        measured, ptz = require_camera(conn, "measured"), require_camera(conn, "ptz")
    assert (measured["heading_deg"], measured["heading_source"], measured["version"]) == (
        12.0,
        "measured",
        1,
    )
    assert (ptz["heading_deg"], ptz["version"]) == (None, 1)


def test_dry_run_writes_nothing(registry: Engine, streets: StreetNetwork) -> None:
    before = _audit_ops(registry)
    run = apply_best(registry, suggest_registry(registry, streets, min_score=0.5), dry_run=True)
    assert [r.outcome for r in run.rows if r.found.camera_id == "corner"] == ["would_apply"]
    with registry.connect() as conn:
        assert require_camera(conn, "corner")["heading_deg"] is None
    assert _audit_ops(registry) == before


def test_listing_without_apply_writes_nothing(registry: Engine, streets: StreetNetwork) -> None:
    run = suggest_registry(registry, streets)
    assert {r.outcome for r in run.rows} == {"listed", "no_street"}
    with registry.connect() as conn:
        assert require_camera(conn, "corner")["version"] == 1


def test_an_edit_after_the_read_wins(registry: Engine, streets: StreetNetwork) -> None:
    run = suggest_registry(registry, streets, min_score=0.5)
    # a GIS admin saves a heading between the read and the write: the stale version is refused
    with registry.begin() as conn:
        update_camera(conn, "corner", CameraUpdate(heading_deg=200.0), if_match=1, actor="gis")
    done = apply_best(registry, run)
    assert [r.outcome for r in done.rows if r.found.camera_id == "corner"] == ["conflict"]
    assert done.summary()["conflicts"] == 1
    with registry.connect() as conn:
        cam = require_camera(conn, "corner")
    assert (cam["heading_deg"], cam["heading_source"], cam["version"]) == (200.0, "measured", 2)


def test_min_score_outside_unit_interval_is_refused(
    registry: Engine, streets: StreetNetwork
) -> None:
    with pytest.raises(ValueError, match="min_score must lie in"):
        suggest_registry(registry, streets, min_score=1.5)
