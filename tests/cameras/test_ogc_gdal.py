"""A real OGC client reads the camera collection: GDAL's OAPIF driver (``ogrinfo``, Debian's
``gdal-bin``, the library QGIS uses) against a live server, with a GIS administrator's API key.

Skipped only outside CI when ``ogrinfo`` is missing; ``CAMROUTE_REQUIRE_OGRINFO`` (set by
``.ci/run``) turns that into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import create_api_key
from camroute.cameras.store import insert_camera
from camroute.settings import Settings
from camroute.sim.server import serve_in_thread

OGRINFO = shutil.which("ogrinfo")
FIELD = re.compile(r"^(\w+): (\w+)(?:\((\w+)\))? \(", re.MULTILINE)


def _require_ogrinfo() -> str:
    if OGRINFO:
        return OGRINFO
    if os.environ.get("CAMROUTE_REQUIRE_OGRINFO"):
        pytest.fail("ogrinfo is required here (CAMROUTE_REQUIRE_OGRINFO): apt-get install gdal-bin")
    pytest.skip("ogrinfo missing (apt-get install gdal-bin)")


@dataclass
class Server:
    url: str
    keys: dict[Role, str]


def _camera(camera_id: str, lon: float, **over: object) -> dict[str, object]:
    return {
        "id": camera_id,
        "lon": lon,
        "lat": 10.77,
        "hfov_deg": 60.0,
        "range_m": 100.0,
        "kind": "fixed",
        "status": "online",
        "access_class": "public_space",
        "fov_assumed": False,
        **over,
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _require_ogrinfo()
    db = tmp_path_factory.mktemp("ogc-gdal") / "camroute.db"
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db}", registry_poll_s=0)  # type: ignore[call-arg]
    app = create_app(settings)
    with serve_in_thread(app, lifespan="on") as url:
        engine = app.state.engine
        keys = {
            role: create_api_key(
                engine, name=f"gdal-{role.value}", role=role, actor="test", actor_role="test"
            ).key
            for role in (Role.gis_admin, Role.integration)
        }
        with engine.begin() as conn:
            # Every nullable number is null on the first page: only a schema types them.
            insert_camera(conn, _camera("G-1", 106.70, heading_deg=90.0), actor="test")
            insert_camera(conn, _camera("G-2", 106.71, kind="ptz"), actor="test")
        yield Server(url=url, keys=keys)


def _ogrinfo(server: Server, key: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GDAL_HTTP_HEADERS": f"X-API-Key: {key}",
        "GDAL_HTTP_TIMEOUT": "20",
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
    }
    return subprocess.run(
        [_require_ogrinfo(), "-ro", *args, f"OAPIF:{server.url}/api", "cameras"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ogrinfo_reads_typed_fields_with_a_gis_key(server: Server) -> None:
    result = _ogrinfo(server, server.keys[Role.gis_admin], "-so")
    assert result.returncode == 0, result.stderr
    fields = {name: (kind, sub) for name, kind, sub in FIELD.findall(result.stdout)}
    assert "Feature Count: 2" in result.stdout
    assert "Geometry: Point" in result.stdout
    for name in ("tilt_deg", "mount_height_m", "tilt_min_deg", "zoom_hfov_max_deg", "lon"):
        assert fields[name] == ("Real", ""), (name, result.stdout)
    assert fields["version"] == ("Integer", "")
    assert fields["fov_assumed"] == ("Integer", "Boolean")
    assert fields["last_seen"] == ("DateTime", "")
    assert fields["kind"] == ("String", "")
    assert list(fields).count("id") == 1


def test_ogrinfo_reads_the_features(server: Server) -> None:
    result = _ogrinfo(server, server.keys[Role.gis_admin], "-fid", "1")
    assert result.returncode == 0, result.stderr
    assert "id (String) = G-1" in result.stdout
    assert "heading_deg (Real) = 90" in result.stdout
    assert "tilt_deg (Real) = (null)" in result.stdout
    assert "POINT (106.7 10.77)" in result.stdout


def test_an_integration_key_cannot_read_the_collection(server: Server) -> None:
    result = _ogrinfo(server, server.keys[Role.integration], "-so")
    assert result.returncode != 0
    assert "HTTP error code : 403" in result.stderr, result.stderr
