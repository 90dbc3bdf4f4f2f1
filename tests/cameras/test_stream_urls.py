"""Camera writes refuse stream URLs whose IP literal is outside the camera networks (SSRF)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Api

PROBLEM = "application/problem+json"
BASE: dict[str, Any] = {"lon": 106.70, "lat": 10.77, "heading_deg": 90.0}


@pytest.mark.parametrize(
    ("field", "url"),
    [
        ("snapshot_url", "http://127.0.0.1:8000/openapi.json"),
        ("snapshot_url", "http://0x7f000001:8000/openapi.json"),
        ("mjpeg_url", "http://0177.0.0.1/m"),
        ("mjpeg_url", "http://2130706433/m"),
        ("snapshot_url", "http://[::1]:8000/s.jpg"),
        ("snapshot_url", "http://169.254.169.254/latest/meta-data/"),
        ("rtsp_url", "rtsp://[fe80::1]/ch1"),
        ("snapshot_url", "https://8.8.8.8/s.jpg"),  # public: only when listed
    ],
)
def test_a_forbidden_literal_address_is_a_422_naming_the_field(api: Api, field, url) -> None:
    body = {**BASE, "id": "SSRF-1", field: url}
    resp = api.client.post("/api/cameras", json=body, headers=api.as_("gis_admin"))
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"] == PROBLEM
    assert resp.json()["errors"][0]["field"] == field
    assert "CAMROUTE_CAMERA_NETWORKS" in resp.json()["errors"][0]["reason"]


def test_a_change_to_a_forbidden_address_is_refused(api: Api) -> None:
    body = {**BASE, "id": "SSRF-2", "snapshot_url": "http://10.0.0.5/s.jpg"}
    created = api.client.post("/api/cameras", json=body, headers=api.as_("gis_admin"))
    assert created.status_code == 201, created.text
    headers = {**api.as_("gis_admin"), "If-Match": created.headers["etag"]}
    resp = api.client.patch(
        "/api/cameras/SSRF-2", json={"mjpeg_url": "http://0x7f000001/m"}, headers=headers
    )
    assert resp.status_code == 422, resp.text
    assert resp.json()["errors"][0]["field"] == "mjpeg_url"


@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.5/s.jpg", "http://[fd00::5]/s.jpg", "http://cam-7.city.example/s.jpg"],
)
def test_camera_network_addresses_and_host_names_are_accepted(api: Api, url) -> None:
    body = {**BASE, "id": "OK-1", "snapshot_url": url}
    resp = api.client.post("/api/cameras", json=body, headers=api.as_("gis_admin"))
    assert resp.status_code == 201, resp.text
