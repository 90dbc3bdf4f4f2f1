"""Real Helsinki OSM scene: buildings as occluders, three real cameras, zones from amenity tags.

Headings are synthetic (the OSM cameras have none), each camera aimed at its nearest
``amenity=place_of_worship|university`` building:

- ``HEL-311750485`` looks at Kampin kappeli (place of worship) 17 m away: its viewshed reaches it;
- ``HEL-410088120`` looks at university building 70288322 48 m away: its viewshed reaches it;
- ``HEL-410088125``, 40 m from that one, is aimed at the same university building (64 m away,
  inside its sector and range) but another building stands between: its viewshed stops short.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.live.conftest import Api, make_api

from camroute.app import create_app
from camroute.buildings.importer import read_buildings
from camroute.buildings.store import replace_buildings
from camroute.cameras.store import insert_camera
from camroute.settings import Settings
from camroute.zones.importer import ZoneImportOptions
from camroute.zones.kinds import ZonePolicy
from camroute.zones.service import import_zones

CHAPEL = "buildings:370802976"  # Kampin kappeli, amenity=place_of_worship
UNIVERSITY = "buildings:70288322"  # amenity=university
SEES_CHAPEL = "HEL-311750485"
SEES_UNIVERSITY = "HEL-410088120"
BLOCKED = "HEL-410088125"
CAMERAS = {  # id: (lon, lat, heading_deg) — positions from surveillance.geojson
    SEES_CHAPEL: (24.9355045, 60.1693384, 50.4),
    SEES_UNIVERSITY: (24.9505974, 60.1750974, 76.7),
    BLOCKED: (24.9506542, 60.1747077, 43.2),
}
# Callers a few metres in front of the cameras (each camera is ranked for its incident).
NEAR_CHAPEL = {"lon": 24.93575, "lat": 60.16941, "uncertainty_m": 5}
NEAR_UNIVERSITY = {"lon": 24.95075, "lat": 60.17495, "uncertainty_m": 5}


def helsinki_camera(camera_id: str) -> dict[str, Any]:
    lon, lat, heading = CAMERAS[camera_id]
    return {
        "id": camera_id,
        "name": camera_id,
        "lon": lon,
        "lat": lat,
        "heading_deg": heading,
        "hfov_deg": 60.0,
        "range_m": 80.0,
        "kind": "fixed",
        "status": "online",
        "access_class": "public_space",
        "fov_assumed": False,
        "mount_height_m": 4.0,
        "snapshot_url": "http://127.0.0.1:9/snapshot.jpg",
    }


@dataclass
class Helsinki:
    api: Api
    folder: Path

    def zones(self, policy: ZonePolicy) -> None:
        """Import the place-of-worship and university buildings as zones, then re-mark."""
        engine = self.api.app.state.engine
        options = ZoneImportOptions(policy=policy, kind_from_tag="amenity")
        import_zones(
            engine, self.folder / "buildings.geojson", options, actor="test", role="gis_admin"
        )
        holder = self.api.app.state.camera_index
        holder.wait()
        holder.rebuild(engine)

    def incident(self, caller: dict[str, Any], call_id: str) -> str:
        body = {"call_id": call_id, "hotline": "113", "location": caller}
        resp = self.api.client.post("/api/calls", json=body, headers=self.api.as_("cad"))
        assert resp.status_code == 201, resp.text
        return str(resp.json()["id"])


@pytest.fixture
def helsinki(store_url: str, shared_data: Path) -> Iterator[Helsinki]:
    folder = shared_data / "helsinki_osm"
    settings = Settings(_env_file=None, database_url=store_url, registry_poll_s=0)  # type: ignore[call-arg]
    app = create_app(settings)
    with TestClient(app) as client:
        engine = app.state.engine
        replace_buildings(engine, read_buildings(folder / "buildings.geojson"))
        with engine.begin() as conn:
            for camera_id in CAMERAS:
                insert_camera(conn, helsinki_camera(camera_id), actor="test")
        app.state.camera_index.wait()
        app.state.camera_index.rebuild(engine)  # viewsheds computed and stored
        yield Helsinki(make_api(app, client), folder)
