"""``camroute cameras calibrate / aim / do-not-move`` against the fake PTZ camera."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from pyproj import Geod
from typer.testing import CliRunner

from camroute.cameras import service as cameras
from camroute.cameras.model import CameraCreate, Credentials
from camroute.cli import app
from camroute.ptz.geometry import CameraPose, angle_between_deg, direction_to
from camroute.store import make_engine, migrate

from .ptz_device import PtzCamera, running

runner = CliRunner()
GEOD = Geod(ellps="WGS84")
POSE = CameraPose(lon=106.7, lat=10.77, mount_height_m=10.0)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[str, PtzCamera]]:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    fake = PtzCamera()
    with running(fake) as url:
        engine = make_engine(db)
        migrate(engine)
        body = CameraCreate(
            id="PTZ-9",
            lon=POSE.lon,
            lat=POSE.lat,
            kind="ptz",
            hfov_deg=360.0,
            mount_height_m=POSE.mount_height_m,
            onvif_url=url,
            onvif_credentials=Credentials(username="admin", password="Cam-pass-1"),
        )
        with engine.begin() as conn:
            cameras.create_camera(conn, body, actor="test")
        engine.dispose()
        yield db, fake


def _landmark(fake: PtzCamera, bearing_deg: float, distance_m: float) -> str:
    lon, lat, _ = GEOD.fwd(POSE.lon, POSE.lat, bearing_deg, distance_m)
    seen = direction_to(POSE, lon=lon, lat=lat)
    pan, tilt = fake.head.pan_tilt_for(seen.bearing_deg, seen.tilt_deg)
    return f"{lon},{lat},{pan:.4f},{tilt:.4f}"


def test_calibrate_then_aim_points_the_head_at_the_place(setup: tuple[str, PtzCamera]) -> None:
    db, fake = setup
    marks = [_landmark(fake, b, d) for b, d in ((30, 60), (160, 100), (280, 40))]
    args = ["cameras", "calibrate", "PTZ-9", "--db", db]
    for mark in marks:
        args += ["--landmark", mark]
    calibrated = runner.invoke(app, args)
    assert calibrated.exit_code == 0, calibrated.output
    stored = orjson.loads(calibrated.stdout.strip().splitlines()[-1])
    assert stored["source"] == "measured"
    assert stored["calibration"]["fit_error_deg"] < 0.2
    lon, lat, _ = GEOD.fwd(POSE.lon, POSE.lat, 75.0, 120.0)
    aimed = runner.invoke(
        app,
        [
            "cameras",
            "aim",
            "PTZ-9",
            "--lon",
            str(lon),
            "--lat",
            str(lat),
            "--uncertainty-m",
            "15",
            "--db",
            db,
        ],
    )
    assert aimed.exit_code == 0, aimed.output
    result = orjson.loads(aimed.stdout.strip().splitlines()[-1])
    assert result["calibrated"] is True
    seen = direction_to(POSE, lon=lon, lat=lat)
    got = fake.head.direction(result["read_back"]["pan"], result["read_back"]["tilt"])
    assert angle_between_deg(got, (seen.bearing_deg, seen.tilt_deg)) < 1.0


def test_one_landmark_is_refused_with_exit_2(setup: tuple[str, PtzCamera]) -> None:
    db, fake = setup
    result = runner.invoke(
        app, ["cameras", "calibrate", "PTZ-9", "--landmark", _landmark(fake, 10, 50), "--db", db]
    )
    assert result.exit_code == 2
    assert "at least 2" in result.output


def test_do_not_move_camera_is_not_aimed(setup: tuple[str, PtzCamera]) -> None:
    db, fake = setup
    assert runner.invoke(app, ["cameras", "do-not-move", "PTZ-9", "--db", db]).exit_code == 0
    result = runner.invoke(
        app, ["cameras", "aim", "PTZ-9", "--lon", "106.7005", "--lat", "10.77", "--db", db]
    )
    assert result.exit_code == 2
    assert "do-not-move" in result.output
    assert fake.head.moves == []
