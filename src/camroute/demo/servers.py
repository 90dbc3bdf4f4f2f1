"""Run ASGI apps with uvicorn in threads of this process, and stop them for sure.

The demo runs the camroute app and the camera simulator side by side in one process so that
Ctrl-C (or SIGTERM) in the main thread stops everything: no child process can be orphaned.
Sockets are bound before the threads start, so a busy port fails at once with a clear error.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from camroute.errors import ConflictError


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port`` 0: any free port).

    Examples
    --------
    >>> sock = bind_socket("127.0.0.1", 0)
    >>> sock.getsockname()[1] > 0
    True
    >>> sock.close()
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConflictError(
            f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port",
            field="port",
        ) from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class ServerThread:
    """One uvicorn server in a daemon thread; ``start()`` waits until it serves."""

    def __init__(self, app: ASGIApp, sock: socket.socket, *, name: str) -> None:
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
            lifespan="on",
        )
        self.name = name
        self.sock = sock
        self.server = uvicorn.Server(config)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._serve, name=name, daemon=True)

    def _serve(self) -> None:
        """Run the server; keep what stopped it (uvicorn exits the thread on a failed start)."""
        try:
            self.server.run(sockets=[self.sock])
        except BaseException as exc:  # SystemExit from uvicorn, or the app's own error
            self.error = exc

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        port: int = self.sock.getsockname()[1]
        return port

    def start(self, *, timeout_s: float = 60.0) -> None:
        """Start serving; raise ``RuntimeError`` if the app fails to start in ``timeout_s``."""
        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not start (see the log above)") from self.error
            time.sleep(0.05)

    @property
    def alive(self) -> bool:
        """True while the server thread runs."""
        return self.thread.is_alive()

    def request_stop(self) -> None:
        """Ask the server to exit without waiting (stop several servers at once)."""
        self.server.should_exit = True

    def stop(self, *, timeout_s: float = 5.0) -> None:
        """Ask the server to exit, force it after ``timeout_s``, and close its socket.

        Endless responses (MJPEG, server-sent events) only end when uvicorn cancels them
        after its graceful timeout; those expected cancellations are not logged as errors.
        """
        self.request_stop()
        with _quiet_cancelled_streams():
            if self.thread.is_alive():
                self.thread.join(timeout_s)
            if self.thread.is_alive():
                self.server.force_exit = True
                self.thread.join(timeout_s)
        self.sock.close()


class _CancelledStreamFilter(logging.Filter):
    """Drop uvicorn's report of a response cancelled by the shutdown itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "timeout graceful shutdown exceeded" in record.getMessage():
            return False
        exc = record.exc_info[1] if record.exc_info else None
        while exc is not None:
            if isinstance(exc, asyncio.CancelledError):
                return False
            exc = exc.__context__
        return True


@contextmanager
def _quiet_cancelled_streams() -> Iterator[None]:
    logger = logging.getLogger("uvicorn.error")
    quiet = _CancelledStreamFilter()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)
