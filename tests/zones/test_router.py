"""``/api/zones``: GIS admins write zones with If-Match; every write is audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from camroute.app import create_app
from camroute.audit.tables import audit_events
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.settings import Settings
from camroute.zones.models import ZonePage, ZoneRead

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[106.70, 10.77], [106.701, 10.77], [106.701, 10.771], [106.70, 10.771], [106.70, 10.77]]
    ],
}
SCHOOL = {"id": "truong-1", "kind": "school", "name": "Trường THCS Lê Lợi", "policy": "supervisor"}


class Client:
    def __init__(self, client: TestClient, keys: dict[str, dict[str, str]]) -> None:
        self.client, self.keys = client, keys

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


@pytest.fixture
def zones_api(store_url: str) -> Iterator[Client]:
    settings = Settings(_env_file=None, database_url=store_url, registry_poll_s=0)  # type: ignore[call-arg]
    app = create_app(settings)
    with TestClient(app) as client:
        keys = {
            name: {
                "X-API-Key": create_api_key(
                    app.state.engine, name=name, role=role, actor="test", actor_role="test"
                ).key
            }
            for name, role in (("gis", Role.gis_admin), ("ann", Role.dispatcher))
        }
        yield Client(client, keys)
        app.state.camera_index.wait()


def _create(api: Client) -> Any:
    return api.post("/api/zones", json={**SCHOOL, "geometry": SQUARE}, headers=api.keys["gis"])


def test_create_read_change_delete(zones_api: Client) -> None:
    gis = zones_api.keys["gis"]
    created = _create(zones_api)
    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == "/api/zones/truong-1"
    zone = ZoneRead.model_validate(created.json())
    assert zone.geometry.model_dump()["coordinates"][0][0] == (106.70, 10.77)
    read = zones_api.get("/api/zones/truong-1", headers=zones_api.keys["ann"])
    assert read.status_code == 200
    assert read.json()["name"] == "Trường THCS Lê Lợi"
    changed = zones_api.patch(
        "/api/zones/truong-1", json={"policy": "never"}, headers={**gis, "If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["policy"], changed.headers["etag"]) == ("never", '"2"')
    page = ZonePage.model_validate(zones_api.get("/api/zones", headers=gis).json())
    assert [z.id for z in page.items] == ["truong-1"]
    gone = zones_api.delete("/api/zones/truong-1", headers={**gis, "If-Match": '"2"'})
    assert gone.status_code == 204
    assert zones_api.get("/api/zones/truong-1", headers=gis).status_code == 404


def test_every_write_is_audited(zones_api: Client) -> None:
    gis = zones_api.keys["gis"]
    _create(zones_api)
    zones_api.delete("/api/zones/truong-1", headers={**gis, "If-Match": "*"})
    engine = zones_api.client.app.state.engine  # type: ignore[attr-defined]
    query = sa.select(audit_events).where(audit_events.c.action == "zone_changed")
    with engine.connect() as conn:
        events = [dict(r) for r in conn.execute(query.order_by(audit_events.c.id)).mappings()]
    assert [(e["actor"], e["details"]["op"]) for e in events] == [
        ("gis", "created"),
        ("gis", "deleted"),
    ]
    assert events[0]["subject"] == "zone:truong-1"
    assert events[0]["details"]["policy"] == "supervisor"


@pytest.mark.parametrize(
    ("if_match", "status"), [(None, 428), ('"7"', 412), ("abc", 412), ('W/"1"', 204)]
)
def test_delete_needs_the_current_version(
    zones_api: Client, if_match: str | None, status: int
) -> None:
    _create(zones_api)
    headers = dict(zones_api.keys["gis"])
    if if_match is not None:
        headers["If-Match"] = if_match
    resp = zones_api.delete("/api/zones/truong-1", headers=headers)
    assert resp.status_code == status
    if status != 204:
        assert resp.headers["content-type"].startswith("application/problem+json")


def test_dispatchers_read_but_do_not_write(zones_api: Client) -> None:
    resp = zones_api.post(
        "/api/zones", json={**SCHOOL, "geometry": SQUARE}, headers=zones_api.keys["ann"]
    )
    assert resp.status_code == 403
    assert zones_api.get("/api/zones", headers=zones_api.keys["ann"]).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SCHOOL, "kind": "mall", "geometry": SQUARE}, "kind"),
        ({**SCHOOL, "policy": "maybe", "geometry": SQUARE}, "policy"),
        ({**SCHOOL, "geometry": {"type": "Point", "coordinates": [106.7, 10.77]}}, "geometry"),
        (
            {
                **SCHOOL,
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[200, 10], [201, 10], [201, 11], [200, 10]]],
                },
            },
            "geometry",
        ),
        (
            {
                **SCHOOL,
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[106.7, 10.77], [106.7, 10.77], [106.7, 10.77], [106.7, 10.77]]
                    ],
                },
            },
            "geometry",
        ),
    ],
)
def test_bad_zones_are_422_naming_the_field(
    zones_api: Client, body: dict[str, Any], field: str
) -> None:
    resp = zones_api.post("/api/zones", json=body, headers=zones_api.keys["gis"])
    assert resp.status_code == 422, resp.text
    assert field in resp.text


def test_a_taken_id_is_409(zones_api: Client) -> None:
    assert _create(zones_api).status_code == 201
    assert _create(zones_api).status_code == 409
