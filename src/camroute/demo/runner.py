"""``camroute demo``: one process that loads a city, simulates cameras and calls, and serves.

Order: check that the simulator can draw (Pillow, the ``sim`` extra), open/migrate the store,
load the shipped data set, create one user per role and the API keys (integration, GIS), start
the camera simulator and the app (uvicorn, threads of this process), start the call generator,
print the logins and keys, then wait for SIGINT/SIGTERM and stop everything in reverse order.
Without ``--db`` the store is a fresh SQLite file in a temporary directory that is removed on
exit.
"""

from __future__ import annotations

import secrets
import shutil
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Literal

from camroute.demo.callgen import CallGenerator
from camroute.demo.loader import DemoDataset, load_city
from camroute.demo.servers import ServerThread, bind_socket
from camroute.demo.users import DemoAccounts, create_accounts, login_token
from camroute.settings import Settings
from camroute.sim import require_pillow
from camroute.sim.rtsp import RtspCamera, gstreamer_missing
from camroute.sim.server import free_port
from camroute.store import make_engine, migrate

City = Literal["hcmc", "helsinki"]
Out = Callable[[str], None]


@dataclass(frozen=True)
class DemoOptions:
    """What ``camroute demo`` was asked to do."""

    host: str = "127.0.0.1"
    port: int = 8000
    db: str | None = None
    city: City = "hcmc"
    calls_per_minute: float = 6.0
    seed: int | None = None


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set ``stop``; the previous handlers come back afterwards."""

    def handler(_sig: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def _database(db: str | None, out: Out) -> Iterator[str]:
    """``db``, or a fresh SQLite file in a temporary directory removed afterwards."""
    if db:
        yield db
        return
    workdir = Path(tempfile.mkdtemp(prefix="camroute-demo-"))
    try:
        out(f"database: {workdir / 'demo.db'} (fresh SQLite, removed on exit; use --db to keep)")
        yield f"sqlite:///{workdir / 'demo.db'}"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _prepare(
    settings: Settings, options: DemoOptions, sim_url: str, rtsp_url: str | None
) -> tuple[DemoDataset, DemoAccounts]:
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        dataset = load_city(engine, options.city, sim_base_url=sim_url, rtsp_base_url=rtsp_url)
        accounts = create_accounts(engine, settings)
    finally:
        engine.dispose()
    return dataset, accounts


def _banner(options: DemoOptions, dataset: DemoDataset, accounts: DemoAccounts, out: Out) -> None:
    for line in dataset.summary:
        out(line)
    for user in accounts.users:
        out(f"login: {user.name} / {user.password}")
    for key in accounts.keys:
        out(f"api key: {key.name} / {key.key}")
    url = f"http://{options.host}:{options.port}"
    out(f"camroute demo is serving {url}")
    out(
        f"open {url} and log in as demo-dispatcher to work the queue (demo-supervisor may open "
        "other or restricted cameras with a reason, demo-gis-admin may move cameras, "
        f"demo-auditor reads the audit log); API docs: {url}/docs"
    )
    out(
        "API keys go in the X-API-Key header: "
        + ", ".join(f"{k.name} ({k.role.value})" for k in accounts.keys)
        + f"; the GIS key reads the OGC API - Features service at {url}/api (QGIS, ogrinfo)"
    )
    out(f"calls: {options.calls_per_minute:g} per minute near the demo cameras. Ctrl-C stops.")


def _local_url(options: DemoOptions) -> str:
    """Where this process reaches its own app (a wildcard bind is reached on loopback).

    Examples
    --------
    >>> _local_url(DemoOptions(host="0.0.0.0", port=8000))
    'http://127.0.0.1:8000'
    >>> _local_url(DemoOptions(host="::1", port=9))
    'http://[::1]:9'
    >>> _local_url(DemoOptions(host="10.1.2.3", port=80))
    'http://10.1.2.3:80'
    """
    host = "127.0.0.1" if options.host in ("0.0.0.0", "::", "") else options.host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{options.port}"


def _start_calls(
    options: DemoOptions, dataset: DemoDataset, accounts: DemoAccounts, out: Out
) -> CallGenerator:
    """Start the call generator against the running app (it closes calls as the supervisor)."""
    calls = CallGenerator(
        base_url=_local_url(options),
        api_key=accounts.api_key,
        cameras=dataset.seeing_cameras,
        calls_per_minute=options.calls_per_minute,
        close_token=login_token(_local_url(options), accounts.closer),
        seed=options.seed,
        report=out,
    )
    calls.start()
    return calls


def _serve(
    options: DemoOptions,
    db_url: str,
    socks: tuple[socket.socket, socket.socket],
    stop: threading.Event,
    out: Out,
) -> int:
    from camroute.app import create_app
    from camroute.sim.cameras import create_sim_app

    app_sock, sim_sock = socks
    sim_url = f"http://127.0.0.1:{sim_sock.getsockname()[1]}"
    settings = Settings(
        database_url=db_url,
        host=options.host,
        port=options.port,
        jwt_secret=secrets.token_urlsafe(48),  # one process: a fresh key per demo run
        camera_networks=["127.0.0.1/32"],  # the demo's cameras: its simulator, on loopback only
    )
    rtsp_port = free_port() if gstreamer_missing() is None else None
    rtsp_url = f"rtsp://127.0.0.1:{rtsp_port}" if rtsp_port else None
    dataset, accounts = _prepare(settings, options, sim_url, rtsp_url)
    sim = ServerThread(create_sim_app(camera_ids=dataset.camera_ids), sim_sock, name="simulator")
    rtsp = RtspCamera(dataset.camera_ids, port=rtsp_port) if rtsp_port else None
    web = ServerThread(create_app(settings), app_sock, name="camroute app")
    calls: CallGenerator | None = None
    try:
        sim.start()
        out(f"camera simulator: {sim_url} ({len(dataset.camera_ids)} cameras, drawn frames)")
        _start_rtsp(rtsp, rtsp_url, out)
        web.start()
        calls = _start_calls(options, dataset, accounts, out)
        _banner(options, dataset, accounts, out)
        while not stop.wait(0.5):
            if not (sim.alive and web.alive):
                out("a server stopped unexpectedly; shutting down")
                return 1
        out("stopping: call generator, app, camera simulator")
        return 0
    finally:
        if calls is not None:
            calls.stop()
        sim.request_stop()  # ends the relayed MJPEG streams from their source
        if rtsp is not None:
            rtsp.stop()
        web.request_stop()
        web.stop()
        sim.stop()


def _start_rtsp(rtsp: RtspCamera | None, url: str | None, out: Out) -> None:
    """Start the RTSP simulator (H.264 video tiles), or say why the tiles stay MJPEG."""
    if rtsp is None or url is None:
        out(f"RTSP simulator off, video tiles fall back to MJPEG: {gstreamer_missing()}")
        return
    try:
        rtsp.start()
    except RuntimeError as exc:
        out(f"RTSP simulator did not start, video tiles fall back to MJPEG: {exc}")
        return
    out(f"RTSP simulator: {url}/cameras/<id>/Streaming/Channels/101 (H.264 test pattern)")


def run_demo(options: DemoOptions, *, out: Out = _print) -> int:
    """Run the demo until SIGINT/SIGTERM; return the process exit code."""
    require_pillow()  # before any port or file is taken: say what to install, exit 2
    stop = threading.Event()
    socks = (bind_socket(options.host, options.port), bind_socket("127.0.0.1", 0))
    try:
        with _stop_on_signals(stop), _database(options.db, out) as db_url:
            return _serve(options, db_url, socks, stop, out)
    finally:
        for sock in socks:
            sock.close()
        out("camroute demo stopped")
