"""``/api/cameras``: validation, ETag / If-Match concurrency, roles, credentials kept back."""

from __future__ import annotations

from typing import Any

import pytest

from camroute.cameras.model import CameraPage, CameraRead

from .conftest import Api

PROBLEM = "application/problem+json"
CAM: dict[str, Any] = {
    "id": "HCM-1",
    "lon": 106.70,
    "lat": 10.77,
    "heading_deg": 90.0,
    "kind": "fixed",
    "snapshot_url": "http://10.0.0.5/snap.jpg",
    "credentials": {"username": "admin", "password": "s3cret"},
}


def _create(api: Api, body: dict[str, Any] | None = None) -> dict[str, Any]:
    resp = api.client.post("/api/cameras", json=body or CAM, headers=api.as_("gis_admin"))
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def test_create_fills_assumed_defaults_and_hides_credentials(api: Api) -> None:
    resp = api.client.post("/api/cameras", json=CAM, headers=api.as_("gis_admin"))
    assert resp.status_code == 201
    assert resp.headers["etag"] == '"1"'
    assert resp.headers["location"] == "/api/cameras/HCM-1"
    body = CameraRead.model_validate(resp.json())
    assert (body.hfov_deg, body.range_m, body.hfov_source, body.fov_assumed) == (
        60.0,
        100.0,
        "assumed",
        True,
    )
    assert body.heading_source == "measured"
    assert "s3cret" not in resp.text
    assert "password" not in resp.text


def test_get_has_etag_and_no_credentials(api: Api) -> None:
    _create(api)
    resp = api.client.get("/api/cameras/HCM-1", headers=api.as_("dispatcher"))
    assert resp.status_code == 200
    assert resp.headers["etag"] == '"1"'
    assert "s3cret" not in resp.text
    assert "admin" not in resp.text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"heading_deg": 360}, "heading_deg"),
        ({"hfov_deg": 0}, "hfov_deg"),
        ({"range_m": 2500}, "range_m"),
        ({"lon": 181}, "lon"),
        ({"lat": -91}, "lat"),
        ({"kind": "bullet"}, "kind"),
        ({"id": "a/b"}, "id"),
    ],
)
def test_create_invalid_is_422_naming_the_field(
    api: Api, change: dict[str, Any], field: str
) -> None:
    resp = api.client.post("/api/cameras", json={**CAM, **change}, headers=api.as_("gis_admin"))
    assert resp.status_code == 422
    assert resp.headers["content-type"] == PROBLEM
    assert field in {e["field"] for e in resp.json()["errors"]}


def test_duplicate_id_is_409(api: Api) -> None:
    _create(api)
    resp = api.client.post("/api/cameras", json=CAM, headers=api.as_("gis_admin"))
    assert resp.status_code == 409
    assert resp.headers["content-type"] == PROBLEM


def test_patch_needs_if_match(api: Api) -> None:
    _create(api)
    resp = api.client.patch(
        "/api/cameras/HCM-1", json={"heading_deg": 10}, headers=api.as_("gis_admin")
    )
    assert resp.status_code == 428
    assert resp.headers["content-type"] == PROBLEM


def test_two_admins_never_silently_overwrite(api: Api) -> None:
    _create(api)
    admin = api.as_("gis_admin")
    first = api.client.patch(
        "/api/cameras/HCM-1", json={"heading_deg": 10}, headers={**admin, "If-Match": '"1"'}
    )
    assert first.status_code == 200
    assert first.headers["etag"] == '"2"'
    stale = api.client.patch(
        "/api/cameras/HCM-1", json={"heading_deg": 20}, headers={**admin, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == PROBLEM
    assert "version 2" in stale.json()["detail"]
    now = api.client.get("/api/cameras/HCM-1", headers=admin).json()
    assert now["heading_deg"] == 10.0
    assert now["version"] == 2


def test_patch_measured_fov_clears_assumed(api: Api) -> None:
    _create(api)
    resp = api.client.patch(
        "/api/cameras/HCM-1",
        json={"hfov_deg": 45, "range_m": 80},
        headers={**api.as_("gis_admin"), "If-Match": '"1"'},
    )
    body = resp.json()
    assert (body["hfov_source"], body["range_source"], body["fov_assumed"]) == (
        "measured",
        "measured",
        False,
    )


def test_patch_kind_moves_assumed_defaults(api: Api) -> None:
    _create(api)
    resp = api.client.patch(
        "/api/cameras/HCM-1",
        json={"kind": "dome_360"},
        headers={**api.as_("gis_admin"), "If-Match": 'W/"1"'},
    )
    body = resp.json()
    assert (body["hfov_deg"], body["range_m"], body["fov_assumed"]) == (360.0, 50.0, True)


def test_delete_with_if_match(api: Api) -> None:
    _create(api)
    admin = api.as_("gis_admin")
    assert api.client.delete("/api/cameras/HCM-1", headers=admin).status_code == 428
    assert (
        api.client.delete("/api/cameras/HCM-1", headers={**admin, "If-Match": '"7"'}).status_code
        == 412
    )
    assert (
        api.client.delete("/api/cameras/HCM-1", headers={**admin, "If-Match": '"1"'}).status_code
        == 204
    )
    assert api.client.get("/api/cameras/HCM-1", headers=admin).status_code == 404


def test_list_with_bbox_status_and_paging(api: Api) -> None:
    for i, lon in enumerate([106.70, 106.71, 106.90]):
        _create(
            api, {"id": f"C{i}", "lon": lon, "lat": 10.77, "status": "online" if i else "offline"}
        )
    headers = api.as_("auditor")
    page = CameraPage.model_validate(
        api.client.get(
            "/api/cameras", params={"bbox": "106.69,10.76,106.72,10.78"}, headers=headers
        ).json()
    )
    assert [c.id for c in page.items] == ["C0", "C1"]
    assert page.total == 2
    online = api.client.get(
        "/api/cameras", params={"status": "online", "limit": 1, "offset": 1}, headers=headers
    ).json()
    assert [c["id"] for c in online["items"]] == ["C2"]
    assert online["total"] == 2


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "0,50,1,40", "0,0,200,1"])
def test_bad_bbox_is_422(api: Api, bbox: str) -> None:
    resp = api.client.get("/api/cameras", params={"bbox": bbox}, headers=api.as_("dispatcher"))
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "bbox"


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        ("dispatcher", 200, 403),
        ("supervisor", 200, 403),
        ("auditor", 200, 403),
        ("gis_admin", 200, 201),
        ("integration", 403, 403),
    ],
)
def test_roles(api: Api, role: str, read: int, write: int) -> None:
    assert api.client.get("/api/cameras", headers=api.as_(role)).status_code == read
    resp = api.client.post("/api/cameras", json=CAM, headers=api.as_(role))
    assert resp.status_code == write


def test_no_credentials_is_401(api: Api) -> None:
    assert api.client.get("/api/cameras").status_code == 401


def test_write_reaches_registry_listeners(api: Api) -> None:
    calls: list[int] = []
    api.client.app.state.registry_listeners.append(lambda: calls.append(1))  # type: ignore[attr-defined]
    _create(api)
    assert calls == [1]


def test_each_write_is_on_the_audit_chain(api: Api) -> None:
    import sqlalchemy as sa

    from camroute.audit.tables import audit_events

    _create(api)
    admin = api.as_("gis_admin")
    api.client.delete("/api/cameras/HCM-1", headers={**admin, "If-Match": '"1"'})
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    query = sa.select(audit_events.c.action, audit_events.c.subject, audit_events.c.details)
    with engine.connect() as conn:
        rows = conn.execute(query.where(audit_events.c.subject == "HCM-1")).all()
    ops = [(r.action, r.details["op"]) for r in rows][-2:]
    assert ops == [("registry_changed", "create"), ("registry_changed", "delete")]


def test_url_with_credentials_is_refused(api: Api) -> None:
    body = {**CAM, "rtsp_url": "rtsp://admin:pw@10.0.0.5/ch1"}
    resp = api.client.post("/api/cameras", json=body, headers=api.as_("gis_admin"))
    assert resp.status_code == 422
    assert "credentials" in resp.json()["detail"]
    assert "pw@" not in resp.text


def test_passwords_sent_through_the_api_are_sealed_at_rest(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlalchemy as sa
    from pydantic import SecretStr

    from camroute.cameras.secrets import PREFIX, cipher_for
    from camroute.cameras.store import get_stream_source
    from camroute.cameras.tables import camera_credentials

    state = api.client.app.state  # type: ignore[attr-defined]
    key = SecretStr("a passphrase of at least thirty-two characters")
    # setitem on the State's dict: monkeypatch.setattr's undo deletes a State attribute.
    monkeypatch.setitem(
        state._state, "settings", state.settings.model_copy(update={"credentials_key": key})
    )
    _create(api)
    patch = {"credentials": {"username": "admin", "password": "n3w"}}
    resp = api.client.patch(
        "/api/cameras/HCM-1", json=patch, headers={**api.as_("gis_admin"), "If-Match": '"1"'}
    )
    assert resp.status_code == 200, resp.text
    with state.engine.connect() as conn:
        stored = conn.execute(sa.select(camera_credentials.c.password)).scalar_one()
    assert stored.startswith(PREFIX)
    assert "n3w" not in stored
    assert get_stream_source(state.engine, "HCM-1", cipher=cipher_for(key)).password == "n3w"


@pytest.mark.parametrize("camera_id", ["Cam-Ω", "Камера 1", "カメラ", "cam+1 & 2"])
def test_any_id_gets_a_location_that_resolves(api: Api, camera_id: str) -> None:
    resp = api.client.post(
        "/api/cameras", json={**CAM, "id": camera_id}, headers=api.as_("gis_admin")
    )
    assert resp.status_code == 201, resp.text
    location = resp.headers["location"]
    assert location.isascii()
    again = api.client.get(location, headers=api.as_("gis_admin"))
    assert again.status_code == 200
    assert again.json()["id"] == camera_id


@pytest.mark.parametrize("if_match", ['"²"', '"99999999999999999999999"', '"-1"', '"3.0"'])
def test_if_match_that_is_no_version_is_412(api: Api, if_match: str) -> None:
    _create(api)
    resp = api.client.patch(
        "/api/cameras/HCM-1",
        json={"heading_deg": 10},
        # As sent on the wire (Latin-1 octets): "²" is a digit to str.isdigit.
        headers={**api.as_("gis_admin"), "If-Match": if_match.encode("latin-1")},
    )
    assert resp.status_code == 412, resp.text
    assert resp.headers["content-type"] == PROBLEM
