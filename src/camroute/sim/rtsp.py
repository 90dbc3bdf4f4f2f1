"""Run the simulated RTSP camera (:mod:`camroute.sim.rtsp_server`) as a child process.

GStreamer's Python bindings are Debian packages for the system Python, not wheels in the
project's environment; the server therefore runs under ``/usr/bin/python3`` and talks back
in JSON lines on stdout: when it is ready (its port) and how many RTSP clients it has.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import IO

SYSTEM_PYTHON = "/usr/bin/python3"
SERVER_SCRIPT = Path(__file__).with_name("rtsp_server.py")
GST_PACKAGES = (
    "gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 gstreamer1.0-plugins-ugly "
    "gstreamer1.0-plugins-bad gstreamer1.0-plugins-good gstreamer1.0-plugins-base"
)
_PROBE = (
    "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0');"
    "from gi.repository import Gst, GstRtspServer; Gst.init(None);"
    "missing = [e for e in ('x264enc', 'x265enc', 'clockoverlay', 'rtph264pay', 'videotestsrc')"
    " if Gst.ElementFactory.find(e) is None]; print(' '.join(missing))"
)


@cache
def gstreamer_missing() -> str | None:
    """Why the RTSP simulator cannot run here (None when it can)."""
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} is missing"
    try:
        done = subprocess.run(
            [SYSTEM_PYTHON, "-c", _PROBE], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"GStreamer could not be probed: {exc}"
    if done.returncode != 0 or done.stdout.strip():
        lacking = done.stdout.strip() or done.stderr.strip().splitlines()[-1:]
        return (
            f"GStreamer's RTSP server is not installed ({lacking}): apt-get install {GST_PACKAGES}"
        )
    return None


class RtspCamera:
    """The RTSP simulator in a child process (``start``, ``kill``, ``stop``)."""

    def __init__(
        self,
        camera_ids: Sequence[str],
        *,
        h265_ids: Sequence[str] = (),
        unset_clock_ids: Sequence[str] = (),
        user: str | None = None,
        password: str = "",
        host: str = "127.0.0.1",
        port: int = 0,
        fps: int = 10,
        kbit: int = 400,
        size: tuple[int, int] = (320, 240),
        pattern: str = "smpte",
    ) -> None:
        self.args = ["--host", host, "--port", str(port), "--ids", ",".join(camera_ids)]
        self.args += [a for i in h265_ids for a in ("--h265", i)]
        self.args += [a for i in unset_clock_ids for a in ("--unset-clock", i)]
        self.args += ["--fps", str(fps), "--kbit", str(kbit)]
        self.args += ["--width", str(size[0]), "--height", str(size[1]), "--pattern", pattern]
        self.user, self.password, self.host = user, password, host
        self.port = 0
        self.clients = 0  # RTSP connections open now
        self.total = 0  # RTSP connections ever
        self.proc: subprocess.Popen[str] | None = None
        self.failure: str | None = None
        self._ready = threading.Event()

    def url(self, camera_id: str, path: str = "Streaming/Channels/101") -> str:
        """The camera's RTSP URL (no credentials)."""
        return f"rtsp://{self.host}:{self.port}/cameras/{camera_id}/{path}"

    def start(self, *, timeout_s: float = 20.0) -> RtspCamera:
        """Start the server and wait until it listens."""
        args = [SYSTEM_PYTHON, str(SERVER_SCRIPT), *self.args]
        if self.user:  # a test password: this simulator never holds a real one
            args += ["--user", self.user, "--password", self.password]
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()
        if not self._ready.wait(timeout_s) or not self.port:
            self.stop()
            why = self.failure or f"it did not start within {timeout_s} s"
            raise RuntimeError(f"the RTSP simulator is not running: {why}")
        return self

    def _read(self, out: IO[str]) -> None:
        for line in out:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "ready":
                self.port = int(event["port"])
                self._ready.set()
            elif event.get("event") == "clients":
                self.clients, self.total = int(event["clients"]), int(event["total"])
            elif event.get("event") == "failed":
                self.failure = str(event.get("reason"))
        self._ready.set()  # the server exited: start() stops waiting

    def wait_clients(self, clients: int, *, timeout_s: float = 10.0) -> bool:
        """Wait until ``clients`` RTSP connections are open; False on timeout."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.clients == clients:
                return True
            time.sleep(0.05)
        return self.clients == clients

    def kill(self) -> None:
        """SIGKILL: the camera vanishes mid-stream."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10.0)
        self._close_pipe()

    def _close_pipe(self) -> None:
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()

    def stop(self) -> None:
        """Terminate (SIGTERM), SIGKILL after 5 s."""
        if self.proc is None or self.proc.poll() is not None:
            self._close_pipe()
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close_pipe()
