"""Heading suggestions and the heading queue over HTTP, on SQLite and PostGIS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from camroute.areas.models import AreaFeature
from camroute.areas.store import write_features
from camroute.areas.tables import area_features
from camroute.cameras.headings.service import HeadingQueue
from camroute.cameras.headings.suggest import CameraHeadings

from ..conftest import Api
from .conftest import line, lonlat


@pytest.fixture
def with_streets(api: Api) -> Iterator[Api]:
    app: Any = api.client.app
    ways = [("Lê Lợi", line((-300, 0), (300, 0))), ("Nguyễn Huệ", line((0, -300), (0, 300)))]
    write_features(
        app.state.engine, [AreaFeature(kind="streets", name=n, geometry=g) for n, g in ways]
    )
    app.state.area_layers.reload(app.state.engine)
    yield api
    with app.state.engine.begin() as conn:
        conn.execute(sa.delete(area_features))
    app.state.area_layers.reload(app.state.engine)


def _create(api: Api, camera_id: str, east_m: float, north_m: float, **kw: object) -> None:
    lon, lat = lonlat(east_m, north_m)
    body = {"id": camera_id, "name": "Lê Lợi - Nguyễn Huệ", "lon": lon, "lat": lat, **kw}
    r = api.client.post("/api/cameras", json=body, headers=api.as_("gis_admin"))
    assert r.status_code == 201, r.text


def test_suggestions_for_a_camera_along_the_stored_streets(with_streets: Api) -> None:
    _create(with_streets, "K1", 4, 25)
    r = with_streets.client.get(
        "/api/cameras/K1/heading-suggestions", headers=with_streets.as_("gis_admin")
    )
    assert r.status_code == 200, r.text
    found = CameraHeadings.model_validate(r.json())
    assert found.suggestions[0].street == "Nguyễn Huệ"
    assert round(found.suggestions[0].heading_deg) % 180 == 0
    assert found.suggestions[0].reason.vi.startswith("dọc đường Nguyễn Huệ")


@pytest.mark.parametrize("role", ["dispatcher", "auditor", "integration"])
def test_only_gis_admins_get_suggestions(with_streets: Api, role: str) -> None:
    _create(with_streets, "K1", 4, 25)
    r = with_streets.client.get(
        "/api/cameras/K1/heading-suggestions", headers=with_streets.as_(role)
    )
    assert r.status_code == 403


def test_unknown_camera_is_404_problem(with_streets: Api) -> None:
    r = with_streets.client.get(
        "/api/cameras/NOPE/heading-suggestions", headers=with_streets.as_("gis_admin")
    )
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_queue_lists_unconfirmed_fixed_cameras_nearest_first(with_streets: Api) -> None:
    api = with_streets
    _create(api, "FAR", 400, 0)
    _create(api, "NEAR", 20, 0)
    _create(api, "SUGG", 100, 0, heading_deg=90.0, heading_source="suggested")
    _create(api, "DONE", 5, 0, heading_deg=90.0)  # measured: not in the queue
    _create(api, "PTZ", 6, 0, kind="ptz")  # turns: no heading to set
    lon, lat = lonlat(0, 0)
    r = api.client.get(
        f"/api/heading-queue?lon={lon}&lat={lat}&limit=2", headers=api.as_("gis_admin")
    )
    assert r.status_code == 200, r.text
    queue = HeadingQueue.model_validate(r.json())
    assert (queue.total, [c.id for c in queue.items]) == (3, ["NEAR", "SUGG"])
    assert queue.items[0].distance_m == pytest.approx(20.0, abs=0.5)
    assert queue.items[1].heading_source == "suggested"


@pytest.mark.parametrize("query", ["lon=200&lat=10", "lon=106&lat=95", "lon=106"])
def test_queue_refuses_bad_coordinates(api: Api, query: str) -> None:
    r = api.client.get(f"/api/heading-queue?{query}", headers=api.as_("gis_admin"))
    assert r.status_code == 422


@pytest.fixture
def past_calls(api: Api) -> Iterator[Api]:
    """Incidents: three near FAR (400 m east), one near NEAR (20 m), one old one near NEAR."""
    from datetime import UTC, datetime, timedelta

    from camroute.incidents.tables import incidents

    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    spots = [(410, 10, 2), (390, -20, 30), (400, 45, 200), (25, 5, 3), (20, 0, 400)]
    with engine.begin() as conn:
        for n, (east, north, days) in enumerate(spots):
            lon, lat = lonlat(east, north)
            when = now - timedelta(days=days)
            conn.execute(
                sa.insert(incidents).values(
                    id=f"pc-{n}", call_id=f"pc-{n}", hotline="113", status="closed",
                    created_at=when, updated_at=when, lon=lon, lat=lat, location_count=1,
                )
            )  # fmt: skip
    yield api
    with engine.begin() as conn:
        conn.execute(sa.delete(incidents).where(incidents.c.id.like("pc-%")))


def test_queue_by_past_calls_puts_the_most_called_camera_first(past_calls: Api) -> None:
    api = past_calls
    _create(api, "FAR", 400, 0, range_m=50.0)
    _create(api, "NEAR", 20, 0, range_m=50.0)
    _create(api, "MID", 200, 0, range_m=50.0)
    lon, lat = lonlat(0, 0)
    base = f"/api/heading-queue?lon={lon}&lat={lat}"
    r = api.client.get(f"{base}&order=calls&months=12", headers=api.as_("gis_admin"))
    assert r.status_code == 200, r.text
    queue = HeadingQueue.model_validate(r.json())
    assert queue.order == "calls"
    assert [(c.id, c.past_calls) for c in queue.items] == [("FAR", 3), ("NEAR", 1), ("MID", 0)]
    nearest = HeadingQueue.model_validate(api.client.get(base, headers=api.as_("gis_admin")).json())
    assert [c.id for c in nearest.items] == ["NEAR", "MID", "FAR"]


def test_queue_refuses_an_unknown_order(api: Api) -> None:
    r = api.client.get(
        "/api/heading-queue?lon=106&lat=10&order=loudest", headers=api.as_("gis_admin")
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "order" in r.text
