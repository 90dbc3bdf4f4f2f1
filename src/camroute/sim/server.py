"""Run servers for demos, tests and benchmarks: an ASGI app in a thread, or ``camroute serve``.

``serve_in_thread`` runs any ASGI app (the camera simulator, a test upstream) on a free local
port; ``ServeProcess`` runs the real ``camroute serve`` in a child process that a test may
``kill()`` (SIGKILL) and start again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

import httpx
import uvicorn


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve_in_thread(
    app: Any, *, port: int | None = None, lifespan: Literal["on", "off"] = "off"
) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a daemon thread; yields its base URL."""
    port = port or free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan=lifespan,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30.0  # the app's lifespan indexes the city first
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"server on port {port} did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True  # open streams are cancelled after 1 s, then lifespan ends
        thread.join(timeout=10.0)


class ServeProcess:
    """``camroute serve`` as a child process on a free port (``start``, ``kill``, ``stop``)."""

    def __init__(
        self, *, database_url: str, env: Mapping[str, str] | None = None, workers: int = 1
    ) -> None:
        self.database_url = database_url
        self.env = dict(env or {})
        self.workers = workers
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout_s: float = 60.0) -> ServeProcess:
        """Start the server and wait until ``/healthz`` answers."""
        return self.launch().wait_ready(timeout_s=timeout_s)

    def launch(self) -> ServeProcess:
        """Start the child process without waiting (start several, then ``wait_ready``)."""
        env = {**os.environ, **self.env, "CAMROUTE_DATABASE_URL": self.database_url}
        code = "from camroute.cli import main; main()"
        cmd = [sys.executable, "-c", code, "serve", "--port", str(self.port)]
        cmd += ["--workers", str(self.workers)]
        # Its own process group: a signal reaches uvicorn's workers too, never orphaned.
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def wait_ready(self, *, timeout_s: float = 60.0) -> ServeProcess:
        """Wait until ``/healthz`` answers; raise if the process died or took too long."""
        assert self.proc is not None, "launch() first"
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"camroute serve exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"camroute serve did not answer within {timeout_s} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; what was acknowledged must already be durable."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):  # the whole group has gone already
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10.0)

    def stop(self) -> None:
        """Terminate gracefully (SIGTERM), SIGKILL after 10 s."""
        if self.proc is None or self.proc.poll() is not None:
            self.kill()  # a worker may outlive its supervisor
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10.0)
        except subprocess.TimeoutExpired:
            self.kill()
