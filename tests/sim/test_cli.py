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
