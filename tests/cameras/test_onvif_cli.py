"""``camroute cameras onvif-probe``: a row per camera, the JSON summary last, exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from camroute.cameras import service
from camroute.cameras.model import CameraCreate, Credentials
from camroute.cli import app
from camroute.store import make_engine, migrate

from .onvif_device import FakeCamera, running

runner = CliRunner()


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, FakeCamera]]:
    """A SQLite registry with one camera on the fake device and one whose password is wrong."""
    monkeypatch.setenv("CAMROUTE_CAMERA_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("COLUMNS", "200")  # rich folds table cells to the terminal width
    db = f"sqlite:///{tmp_path / 'c.db'}"
    engine = make_engine(db)
    migrate(engine)
    fake = FakeCamera()
    with running(fake) as url:
        for camera_id, password in (("hn-good", "Cam-pass-1"), ("hn-wrong", "guess")):
            body = CameraCreate(
                id=camera_id,
                lon=105.85,
                lat=21.03,
                onvif_url=url,
                onvif_credentials=Credentials(username="admin", password=password),
            )
            with engine.begin() as conn:
                service.create_camera(conn, body, actor="test")
        engine.dispose()
        yield db, fake


def test_probe_prints_a_row_per_camera_and_the_summary_last(
    registry: tuple[str, FakeCamera],
) -> None:
    db, _ = registry
    result = runner.invoke(app, ["cameras", "onvif-probe", "--all", "--db", db])
    assert result.exit_code == 1, result.output  # one camera failed
    lines = result.output.strip().splitlines()
    assert orjson.loads(lines[-1]) == {
        "probed": 2,
        "ok": 1,
        "failed": 1,
        "written": 1,
        "dry_run": False,
    }
    good = next(line for line in lines if "hn-good" in line)
    assert "HIKVISION DS-2DE4425IW-DE" in good
    assert "main H265 2560x1440, sub H264 640x360" in good
    assert "yes: pan -1..1, tilt -1..1, zoom 0..1" in good
    wrong = next(line for line in lines if "hn-wrong" in line)
    assert "not_authorized: the camera refused the ONVIF" in wrong
    listed = runner.invoke(app, ["cameras", "list", "--db", db])
    kinds = {
        orjson.loads(line)["id"]: orjson.loads(line)["kind"]
        for line in listed.output.splitlines()[:-1]
    }
    assert kinds == {"hn-good": "ptz", "hn-wrong": "fixed"}


def test_dry_run_says_so_and_writes_nothing(registry: tuple[str, FakeCamera]) -> None:
    db, fake = registry
    result = runner.invoke(app, ["cameras", "onvif-probe", "hn-good", "--dry-run", "--db", db])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.output.strip().splitlines()[-1])["written"] == 0
    assert "dry run: nothing written" in result.output
    assert "would set" in result.output
    assert "GetStreamUri" in fake.calls
    listed = runner.invoke(app, ["cameras", "list", "--db", db])
    assert all(orjson.loads(line)["kind"] == "fixed" for line in listed.output.splitlines()[:-1])


@pytest.mark.parametrize("args", [[], ["hn-good", "--all"]])
def test_ids_or_all_exactly_one(registry: tuple[str, FakeCamera], args: list[str]) -> None:
    db, _ = registry
    result = runner.invoke(app, ["cameras", "onvif-probe", *args, "--db", db])
    assert result.exit_code == 2
    assert "name camera ids or --all" in result.output
