"""Browser fixtures: the real app (uvicorn, temp SQLite), the camera simulator, Chromium.

The stack is built once per session: the HCMC demo city through the real importers (cameras,
wards, units), a handful of hand-placed cameras around one caller (a seeing camera, a PTZ one,
one with an assumed field of view, a restricted one, an offline one) whose streams come from
the simulator, and one user per role. Each test gets a fresh browser context; every request
the page makes is recorded and must stay on the app's origin.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.auth.service import add_user, create_api_key
from camroute.cameras.store import insert_camera
from camroute.demo.loader import load_city
from camroute.settings import Settings
from camroute.sim.cameras import create_sim_app
from camroute.sim.server import serve_in_thread
from camroute.store import make_engine, migrate

CHROMIUM = "/usr/bin/chromium"
CSP_BLOCKED = ("csp", "net::ERR_BLOCKED_BY_CSP")  # how Chromium reports a request CSP stopped
CALLER = {"lon": 106.6985, "lat": 10.7731, "uncertainty_m": 15.0}
M_PER_DEG_LAT = 111_320.0
TICKET_TTL_S = 66
PASSWORD = "correct horse battery staple 42"
USERS = {
    "ann": Role.dispatcher,
    "dan": Role.dispatcher,
    "sue": Role.supervisor,
    "gus": Role.gis_admin,
}
ROOT = Path(__file__).resolve().parents[2]
# Screenshots of every test; CAMROUTE_ARTIFACTS overrides the folder.
ARTIFACTS = Path(os.environ.get("CAMROUTE_ARTIFACTS", ROOT / "tmp" / "artifacts")).resolve()


def doc_shot(name: str) -> Path:
    """Where a test saves the picture ``docs/`` shows: docs/ itself only when asked.

    ``CAMROUTE_DOC_SHOTS=1`` refreshes the pictures in docs/; otherwise they go with the
    artifacts, so a test run never rewrites tracked files.
    """
    folder = ROOT / "docs" if os.environ.get("CAMROUTE_DOC_SHOTS") else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def _require_browser() -> None:
    if Path(CHROMIUM).exists() and importlib.util.find_spec("playwright") is not None:
        return
    if os.environ.get("CAMROUTE_REQUIRE_BROWSER"):
        pytest.fail(
            f"Chromium is required here (CAMROUTE_REQUIRE_BROWSER) but {CHROMIUM} is missing"
        )
    pytest.skip(f"{CHROMIUM} or the playwright package is missing")


def placed_camera(camera_id: str, *, south_m: float, sim: str, **over: Any) -> dict[str, Any]:
    """A camera ``south_m`` south of the caller looking north at it, streaming from ``sim``."""
    return {
        "id": camera_id,
        "name": f"Test {camera_id}",
        "lon": CALLER["lon"],
        "lat": CALLER["lat"] - south_m / M_PER_DEG_LAT,
        "heading_deg": 0.0,
        "hfov_deg": 60.0,
        "range_m": 120.0,
        "kind": "fixed",
        "status": "online",
        "access_class": "public_space",
        "fov_assumed": False,
        "mount_height_m": 6.0,
        "heading_source": "measured",
        "hfov_source": "measured",
        "range_source": "measured",
        "snapshot_url": f"{sim}/cameras/{camera_id}/snapshot.jpg",
        "mjpeg_url": f"{sim}/cameras/{camera_id}/mjpeg",
        **over,
    }


def placed_cameras(sim: str, dying_sim: str) -> list[dict[str, Any]]:
    """The cameras the tests reason about, all around ``CALLER``."""
    return [
        placed_camera("WEB-DIES", south_m=40, sim=dying_sim),
        placed_camera("WEB-SEE", south_m=30, sim=sim),
        placed_camera(
            "WEB-PTZ",
            south_m=45,
            sim=sim,
            kind="ptz",
            heading_deg=90.0,
            pan_min_deg=0.0,
            pan_max_deg=360.0,
        ),
        placed_camera(
            "WEB-ASSUMED",
            south_m=55,
            sim=sim,
            hfov_source="assumed",
            range_source="assumed",
            fov_assumed=True,
        ),
        placed_camera("WEB-RESTR", south_m=25, sim=sim, access_class="restricted"),
        placed_camera("WEB-OFF", south_m=35, sim=sim, status="offline"),
        placed_camera("WEB-ADMIN", south_m=3000, sim=sim),  # far away: the GIS admin moves it
    ]


@dataclass
class Stack:
    """The running app and what a test needs to drive it."""

    url: str
    sim_url: str
    app: Any
    integration_key: str
    dying_sim: contextlib.ExitStack
    password: str = PASSWORD
    admin_token: str = ""
    calls: list[str] = field(default_factory=list)

    def gis_admin(self) -> dict[str, str]:
        """Bearer headers of the GIS administrator (logs in once)."""
        if not self.admin_token:
            r = httpx.post(
                f"{self.url}/api/auth/login", data={"username": "gus", "password": PASSWORD}
            )
            assert r.status_code == 200, r.text
            self.admin_token = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.admin_token}"}

    def post_call(self, *, hotline: str = "115", location: dict[str, float] | None = None) -> Any:
        """POST a call as telephony would (integration API key); returns the incident JSON."""
        call_id = f"WEB-{uuid.uuid4().hex[:8]}"
        body = {"call_id": call_id, "hotline": hotline, "location": location or CALLER}
        response = httpx.post(
            f"{self.url}/api/calls",
            json=body,
            headers={"X-API-Key": self.integration_key},
            timeout=10.0,
        )
        assert response.status_code == 201, response.text
        self.calls.append(call_id)
        return response.json()


def _seed(app: Any, sim: str, dying_sim: str) -> str:
    engine = app.state.engine
    for name, role in USERS.items():
        add_user(
            engine,
            app.state.settings,
            name=name,
            role=role,
            password=PASSWORD,
            actor="test",
            actor_role="test",
        )
    with engine.begin() as conn:
        for values in placed_cameras(sim, dying_sim):
            insert_camera(conn, values, actor="test")
    app.state.camera_index.wait()
    app.state.camera_index.rebuild(engine, viewsheds=False)
    return create_api_key(
        engine, name="cad", role=Role.integration, actor="test", actor_role="test"
    ).key


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    _require_browser()
    db = tmp_path_factory.mktemp("web") / "camroute.db"
    url = f"sqlite:///{db}"
    with serve_in_thread(create_sim_app(fps=8.0)) as sim:
        engine = make_engine(url)
        migrate(engine)
        load_city(engine, "hcmc", sim_base_url=sim)  # the cameras/areas importers, real data
        engine.dispose()
        # Tickets live 66 s, so the page renews them 6 s after opening (renewal is tested).
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=url,
            live_ticket_ttl_s=TICKET_TTL_S,
            camera_networks=["127.0.0.0/8"],  # the simulated cameras listen on loopback
        )
        app = create_app(settings)
        with contextlib.ExitStack() as dying, serve_in_thread(app, lifespan="on") as base:
            dying_url = dying.enter_context(serve_in_thread(create_sim_app(fps=8.0)))
            key = _seed(app, sim, dying_url)
            yield Stack(url=base, sim_url=sim, app=app, integration_key=key, dying_sim=dying)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, one per page-test module.

    Playwright's sync API keeps an event loop running in the main thread while it is open; a
    session-long one made any later test that calls ``asyncio.run`` fail, so it closes with
    its module (a launch costs about a second). A page-test module itself still cannot call
    ``asyncio.run`` in the main thread: run such work in a thread or another module.
    """
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, stack: Stack, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh 1920x1080 page; after the test: a screenshot, and no request off the origin."""
    # Playwright's wait_for_function polls with eval, which the page's CSP forbids; one test
    # (test_page_runs_under_its_own_csp) keeps the CSP on.
    strict = "own_csp" in request.node.name
    context = browser.new_context(
        viewport={"width": 1920, "height": 1080}, locale="vi-VN", bypass_csp=not strict
    )
    tab = context.new_page()
    requested: list[str] = []
    errors: list[str] = []
    blocked: set[str] = set()  # stopped by the page's CSP in the browser: never sent
    tab.on("request", lambda r: requested.append(r.url))
    tab.on(
        "requestfailed",
        lambda r: blocked.add(r.url) if r.failure in CSP_BLOCKED else None,
    )
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    for _ in range(tab.locator("#tiles .tile").count()):  # end the views (DELETE) before leaving
        tab.keyboard.press("Escape")
    tab.wait_for_timeout(100)
    context.close()
    foreign = [
        u
        for u in requested
        if not u.startswith((stack.url + "/", "data:", "blob:")) and u not in blocked
    ]
    assert not foreign, f"requests left the app's origin: {foreign[:5]}"
    assert not errors, f"page errors: {errors}"


@dataclass
class Ui:
    """Steps the page tests share, on one page."""

    page: Any

    def open_incident(self, incident_id: str) -> None:
        """Select the incident in the queue and wait for its ranked cameras."""
        self.page.click(f"#queue li[data-id='{incident_id}']")
        self.page.wait_for_selector(f"#detail .subject[data-id='{incident_id}'] ol.cams li")

    def open_live(self, camera_id: str, *, reason: str | None = None) -> None:
        """Ask for a live view of a ranked camera with the default purpose (and ``reason``)."""
        self.page.click(f"#detail ol.cams li[data-camera='{camera_id}'] button.open-live")
        self.page.wait_for_selector("#purpose-dialog[open]")
        if reason is not None:
            self.page.fill("#purpose-dialog textarea[name=reason]", reason)
        self.page.click("#purpose-ok")

    def wait_for_frame(self, tile: str) -> None:
        """Wait until ``tile`` shows a decoded simulator frame (320 px wide)."""
        self.page.wait_for_selector(f"{tile} img[src^='blob:']")
        self.page.wait_for_function(f'document.querySelector("{tile} img")?.naturalWidth === 320')

    def map_point(self, lon: float, lat: float) -> tuple[float, float]:
        """Page pixel of a map position."""
        point = self.page.evaluate(
            f"window.camroute.state.map.latLngToContainerPoint([{lat}, {lon}])"
        )
        box = self.page.locator("#map").bounding_box()
        return box["x"] + point["x"], box["y"] + point["y"]

    def pause(self, ms: int = 120) -> bool:
        """Let the page run ``ms`` milliseconds (true, for use in comprehensions)."""
        self.page.wait_for_timeout(ms)
        return True


@pytest.fixture
def ui(page: Any) -> Ui:
    """Shared page steps."""
    return Ui(page)


@pytest.fixture
def login(page: Any, stack: Stack) -> Any:
    """``login(user)``: open the page and sign in through the form."""

    def _login(user: str = "ann") -> Any:
        page.goto(f"{stack.url}/")
        page.wait_for_selector("body[data-ready='1']")
        page.fill("#login-form input[name=username]", user)
        page.fill("#login-form input[name=password]", stack.password)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#login", state="hidden")
        page.wait_for_selector("body[data-camera-renders]")  # no eval: works under the CSP
        return page

    return _login
