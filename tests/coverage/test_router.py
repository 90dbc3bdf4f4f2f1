"""``GET /api/coverage/layer`` on SQLite and PostGIS: seen area, blind stretches, the last plan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import shapely
from fastapi.testclient import TestClient
from tests.coverage.conftest import fill
from tests.routing.conftest import to_lonlat
from tests.support import role_api_keys

from camroute.app import create_app
from camroute.areas.models import AreaFeature
from camroute.areas.store import write_features
from camroute.coverage.models import CoverageLayer, PlannedCamera
from camroute.coverage.store import SavedPlan, save_plan
from camroute.settings import Settings


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    fill(store_url, tmp_path)
    settings = Settings(_env_file=None, database_url=store_url)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        keys = {r.value: k for r, k in role_api_keys(engine, "k").items()}
        yield client, keys


def _plan() -> SavedPlan:
    lon, lat = to_lonlat(-60.0, 0.0)
    camera = PlannedCamera(
        rank=1, lon=lon, lat=lat, heading_deg=270.0, hfov_deg=60.0, range_m=40.0,
        site="Lê Lợi", gain_m=40.0, weighted_gain=40.0,
    )  # fmt: skip
    return SavedPlan(made_at=datetime.now(UTC), months=12, budget=1, cameras=[camera])


def test_layer_has_the_seen_area_blind_stretches_and_the_plan(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    http, keys = client
    save_plan(http.app.state.engine, _plan())  # type: ignore[attr-defined]
    r = http.get("/api/coverage/layer", headers={"X-API-Key": keys["gis_admin"]})
    assert r.status_code == 200, r.text
    layer = CoverageLayer.model_validate(r.json())
    seen = shapely.geometry.shape(layer.seen)
    assert seen.contains(shapely.Point(to_lonlat(20.0, 0.0)))
    assert not seen.contains(shapely.Point(to_lonlat(-20.0, 0.0)))
    # unseen: -100..0 m (100 m) and 50..100 m (the view's arc leaves it just under 50 m)
    assert sorted(round(b.length_m) for b in layer.blind) == [100]
    assert layer.street_share == pytest.approx(0.25, abs=0.01)
    (planned,) = layer.plan
    cone = shapely.geometry.shape(planned.cone)
    assert cone.contains(shapely.Point(to_lonlat(-80.0, 0.0)))  # looks west, 40 m
    assert not cone.contains(shapely.Point(to_lonlat(-40.0, 0.0)))
    assert planned.gain_m == 40.0
    assert layer.plan_made_at is not None


def test_supervisors_may_read_it_dispatchers_not(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    http, keys = client
    assert (
        http.get("/api/coverage/layer", headers={"X-API-Key": keys["supervisor"]}).status_code
        == 200
    )
    assert (
        http.get("/api/coverage/layer", headers={"X-API-Key": keys["dispatcher"]}).status_code
        == 403
    )


def test_without_a_plan_the_plan_is_empty(client: tuple[TestClient, dict[str, str]]) -> None:
    http, keys = client
    layer = CoverageLayer.model_validate(
        http.get("/api/coverage/layer?top=0", headers={"X-API-Key": keys["gis_admin"]}).json()
    )
    assert (layer.plan, layer.plan_made_at, layer.blind, layer.blind_total) == ([], None, [], 1)


def test_bad_months_is_a_problem_naming_the_field(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    http, keys = client
    r = http.get("/api/coverage/layer?months=0", headers={"X-API-Key": keys["gis_admin"]})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "months" in r.text


def test_the_layer_is_kept_until_the_registry_or_the_plan_changes(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    http, keys = client
    admin = {"X-API-Key": keys["gis_admin"]}
    holder = http.app.state.camera_index  # type: ignore[attr-defined]
    holder.wait(30)

    def get() -> CoverageLayer:
        r = http.get("/api/coverage/layer", headers=admin)
        assert r.status_code == 200, r.text
        return CoverageLayer.model_validate(r.json())

    first = get()
    assert (first.cameras, get().computed_at) == (1, first.computed_at)  # kept
    lon, lat = to_lonlat(-40.0, 0.0)  # a second camera, looking west along the street
    body = {"id": "C2", "lon": lon, "lat": lat, "heading_deg": 270.0, "hfov_deg": 60.0,
            "range_m": 50.0}  # fmt: skip
    assert http.post("/api/cameras", json=body, headers=admin).status_code == 201
    holder.wait(30)  # the registry change's rebuild: a new snapshot
    second = get()
    assert second.cameras == 2
    assert second.computed_at > first.computed_at
    assert second.street_share > first.street_share
    save_plan(http.app.state.engine, _plan())  # type: ignore[attr-defined]
    third = get()
    assert third.computed_at > second.computed_at
    assert len(third.plan) == 1
    street = shapely.LineString([to_lonlat(-100.0, 30.0), to_lonlat(100.0, 30.0)])
    write_features(
        http.app.state.engine,  # type: ignore[attr-defined]
        [AreaFeature(kind="streets", name="Hai Bà Trưng", geometry=street)],
    )  # a GIS admin imports another street, out of every camera's sight
    fourth = get()
    assert fourth.computed_at > third.computed_at
    assert fourth.street_share < third.street_share
