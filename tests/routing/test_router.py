from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.routing.conftest import NAN, building_frame, camera_frame, to_lonlat

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.routing import CameraIndex, RouteResult
from camroute.settings import Settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as c:
        app.state.camera_index.wait(30)
        cams = camera_frame(
            [
                {"id": "SEES", "heading_deg": 0.0},
                {"id": "WALLED", "x_m": 20.0, "heading_deg": 0.0},
                {"id": "AWAY", "x_m": -10.0, "heading_deg": 180.0},
            ]
        )
        walls = building_frame([(5.0, 10.0, 25.0, 12.0, NAN)])
        app.state.camera_index.swap(CameraIndex.build(cams, walls).with_viewsheds())
        for role in (Role.dispatcher, Role.auditor):
            key = create_api_key(
                app.state.engine,
                name=f"k-{role.value}",
                role=role,
                actor="test",
                actor_role="gis_admin",
            ).key
            c.headers[f"x-key-{role.value}"] = key
        yield c


def _auth(c: TestClient, role: str) -> dict[str, str]:
    return {"X-API-Key": c.headers[f"x-key-{role}"]}


def test_route_plain_json(client: TestClient) -> None:
    lon, lat = to_lonlat(0.0, 30.0)
    r = client.post(
        "/api/route",
        json={"lon": lon, "lat": lat, "uncertainty_m": 5},
        headers=_auth(client, "dispatcher"),
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    body = RouteResult.model_validate(r.json())
    assert [c.camera_id for c in body.cameras] == ["SEES"]
    assert body.cameras[0].view_geojson is not None
    assert {c.camera_id for c in body.context} == {"WALLED", "AWAY"}
    assert body.cover.camera_ids == ["SEES"]
    assert body.cover.combined_fraction == pytest.approx(1.0, abs=0.01)


def test_route_geojson_point_body(client: TestClient) -> None:
    lon, lat = to_lonlat(0.0, 30.0)
    r = client.post(
        "/api/route",
        json={"type": "Point", "coordinates": [lon, lat]},
        headers=_auth(client, "dispatcher"),
    )
    assert r.status_code == 200, r.text
    assert [c["camera_id"] for c in r.json()["cameras"]] == ["SEES"]


def test_limit_and_k_query(client: TestClient) -> None:
    lon, lat = to_lonlat(0.0, 30.0)
    r = client.post(
        "/api/route?limit=1&k=0&context=0",
        json={"lon": lon, "lat": lat},
        headers=_auth(client, "dispatcher"),
    )
    assert r.status_code == 200
    assert r.json()["cover"]["camera_ids"] == []
    assert r.json()["context"] == []


@pytest.mark.parametrize(
    ("body", "query", "field"),
    [
        ({"lon": 200.0, "lat": 10.0}, "", "lon"),
        ({"lon": 105.0, "lat": 10.0, "uncertainty_m": -1}, "", "uncertainty_m"),
        ({"lon": 105.0, "lat": 10.0}, "?limit=0", "limit"),
    ],
)
def test_bad_input_is_problem_json(
    client: TestClient, body: dict[str, float], query: str, field: str
) -> None:
    r = client.post(f"/api/route{query}", json=body, headers=_auth(client, "dispatcher"))
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert field in r.text


def test_roles(client: TestClient) -> None:
    lon, lat = to_lonlat(0.0, 30.0)
    assert client.post("/api/route", json={"lon": lon, "lat": lat}).status_code == 401
    assert (
        client.post(
            "/api/route", json={"lon": lon, "lat": lat}, headers=_auth(client, "auditor")
        ).status_code
        == 403
    )


def test_registry_change_reaches_the_route(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app) as c:
        holder = app.state.camera_index
        holder.wait(30)
        admin = create_api_key(
            app.state.engine, name="gis", role=Role.gis_admin, actor="test", actor_role="gis_admin"
        ).key
        lon, lat = to_lonlat(0.0, 0.0)
        camera = {
            "id": "NEW-1",
            "lon": lon,
            "lat": lat,
            "heading_deg": 0.0,
            "hfov_deg": 90.0,
            "range_m": 50.0,
            "status": "online",
        }
        created = c.post("/api/cameras", json=camera, headers={"X-API-Key": admin})
        assert created.status_code == 201, created.text
        holder.wait(30)  # the listener rebuilt the snapshot in the background
        tlon, tlat = to_lonlat(0.0, 30.0)
        r = c.post("/api/route", json={"lon": tlon, "lat": tlat}, headers={"X-API-Key": admin})
        assert r.status_code == 200, r.text
        assert [row["camera_id"] for row in r.json()["cameras"]] == ["NEW-1"]
        assert r.json()["cameras"][0]["method"] == "viewshed"


def test_app_starts_and_routes_with_cameras_across_the_globe(settings: Settings) -> None:
    # A fuzzed registry held rows near the pole and a quarter of the globe away on the
    # equator (no finite image in the city's UTM zone): the app failed to start.
    with TestClient(create_app(settings)) as c:
        admin = create_api_key(
            c.app.state.engine,  # type: ignore[attr-defined]
            name="gis",
            role=Role.gis_admin,
            actor="test",
            actor_role="gis_admin",
        ).key
        city = [to_lonlat(0.0, 0.0), to_lonlat(400.0, 0.0)]
        rows = [("CITY-1", *city[0]), ("CITY-2", *city[1])]
        rows += [("POLE", 179.9, 89.9), ("EQUATOR", -165.0, 0.0)]
        for cid, lon, lat in rows:
            camera = {"id": cid, "lon": lon, "lat": lat, "heading_deg": 0.0, "range_m": 50.0}
            created = c.post("/api/cameras", json=camera, headers={"X-API-Key": admin})
            assert created.status_code == 201, created.text
    app = create_app(settings)  # a fresh start on that store
    with TestClient(app) as c:
        app.state.camera_index.wait(30)
        assert sorted(app.state.camera_index.current.excluded_ids) == ["EQUATOR", "POLE"]
        tlon, tlat = to_lonlat(0.0, 30.0)
        r = c.post("/api/route", json={"lon": tlon, "lat": tlat}, headers={"X-API-Key": admin})
        assert r.status_code == 200, r.text
        assert [row["camera_id"] for row in r.json()["cameras"]] == ["CITY-1"]
        far = c.post("/api/route", json={"lon": -165.0, "lat": 0.0}, headers={"X-API-Key": admin})
        assert far.status_code == 200, far.text
        assert far.json()["cameras"] == []
        assert far.json()["reason"]["en"].startswith("location is far outside")
