from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest
from typer.testing import CliRunner

from camroute.cli import app
from camroute.sim.server import free_port


def test_sim_cameras_command_serves_the_listed_ids() -> None:
    port = free_port()
    code = "from camroute.cli import main; main()"
    cmd = [sys.executable, "-c", code, "sim", "cameras", "--port", str(port), "--ids", "A,B"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/cameras"
        deadline = time.monotonic() + 30.0
        while True:
            try:
                resp = httpx.get(f"{base}/A/snapshot.jpg", timeout=1.0)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "simulator did not start"
                assert proc.poll() is None, "simulator exited"
                time.sleep(0.1)
        assert resp.status_code == 200
        assert resp.content[:2] == b"\xff\xd8"
        assert httpx.get(f"{base}/B/snapshot.jpg").status_code == 200
        assert httpx.get(f"{base}/C/snapshot.jpg").status_code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_sim_cameras_without_pillow_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)  # as after a plain `pip install camroute`
    result = CliRunner().invoke(app, ["sim", "cameras", "--port", "1"])
    assert result.exit_code == 2
    assert "pip install 'camroute[sim]'" in result.output


def test_sim_cameras_command_also_serves_rtsp_h264() -> None:
    from tests.live.rtsp_fixtures import START_CODE, require_gstreamer

    require_gstreamer()
    port, rtsp_port = free_port(), free_port()
    code = "from camroute.cli import main; main()"
    cmd = [sys.executable, "-c", code, "sim", "cameras", "--port", str(port), "--ids", "A"]
    proc = subprocess.Popen(
        [*cmd, "--rtsp-port", str(rtsp_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"rtsp://127.0.0.1:{rtsp_port}/cameras/A/Streaming/Channels/101"
    read = ["ffmpeg", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", url]
    try:
        deadline, h264 = time.monotonic() + 60.0, b""  # a loaded CI machine is slow
        while not h264 and time.monotonic() < deadline:
            assert proc.poll() is None, "simulator exited"
            done = subprocess.run(
                [*read, "-frames:v", "3", "-c", "copy", "-f", "h264", "pipe:1"],
                capture_output=True,
                timeout=20,
            )
            h264 = done.stdout
            time.sleep(0.2)
        nal_types = {part[0] & 0x1F for part in START_CODE.split(h264) if part}
        assert {7, 8, 5} <= nal_types  # SPS, PPS and an IDR slice: H.264 from the camera
    finally:
        proc.terminate()
        proc.wait(timeout=10)
