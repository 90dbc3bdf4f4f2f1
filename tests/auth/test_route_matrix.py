"""Every route of the app is in this table, and behaves as the table says.

A route missing from the table fails the test, so nothing new ships unprotected: add it here
with its roles (``require_roles`` on the route or where its router is included).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import Mount
from fastapi.testclient import TestClient
from tests.auth.conftest import fast_settings

from camroute.app import create_app
from camroute.auth import service
from camroute.auth.models import Role

D, S, G, A, IN = Role.dispatcher, Role.supervisor, Role.gis_admin, Role.auditor, Role.integration
PUBLIC = "public"  # no credentials
TICKET = "ticket"  # the live-view ticket in the path is the credential
MOUNT = "MOUNT"  # a static-file mount (public)
ANY = frozenset(Role)
LOCATE = frozenset({D, S, G, IN})  # locate, route, lookup, geocode
CAMERA_READ = frozenset({D, S, G, A})  # camera reads and OGC API - Features
CAMERA_WRITE = frozenset({G})
INCIDENT_READ = frozenset({D, S, IN})
INCIDENT_WORK = frozenset({D, S})
AUDIT = frozenset({A})
REVIEW = frozenset({S, A})  # the supervisors' access review (names users: not the public)

Access = frozenset[Role] | str

MATRIX: dict[tuple[str, str], Access] = {
    # Public: health, login/logout, the dispatcher page and its assets, API docs (the schema
    # holds no data, and integrators need it).
    ("GET", "/healthz"): PUBLIC,
    ("POST", "/api/auth/login"): PUBLIC,
    ("POST", "/api/auth/logout"): PUBLIC,
    ("GET", "/"): PUBLIC,
    (MOUNT, "/static"): PUBLIC,
    (MOUNT, "/static/leaflet"): PUBLIC,
    (MOUNT, "/static/apidocs"): PUBLIC,  # Swagger UI and ReDoc bundles
    (MOUNT, "/static/maplibre"): PUBLIC,  # the basemap renderer
    (MOUNT, "/static/mapbox-gl-leaflet"): PUBLIC,
    ("GET", "/basemap/glyphs/{fontstack}/{glyphs}.pbf"): PUBLIC,  # label glyphs: a font
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    # Auth and audit.
    ("GET", "/api/auth/me"): ANY,
    ("GET", "/api/audit"): AUDIT,
    ("GET", "/api/audit/verify"): AUDIT,
    ("GET", "/api/reports/transparency"): AUDIT,
    ("GET", "/api/reports/access"): REVIEW,
    ("GET", "/api/reports/access/events"): REVIEW,
    # Location, routing, areas.
    ("POST", "/api/locate"): LOCATE,
    ("POST", "/api/route"): LOCATE,
    ("GET", "/api/lookup"): LOCATE,
    ("GET", "/api/geocode"): LOCATE,
    ("GET", "/api/layers/{name}"): CAMERA_READ,  # the map's base layers by bbox (web)
    ("GET", "/api/map/config"): CAMERA_READ,  # start view and data credits (web)
    ("GET", "/api/basemap/tiles/{z}/{x}/{y}.mvt"): CAMERA_READ,
    # Protected zones: read by whoever sees the map, written by GIS staff.
    ("GET", "/api/zones"): CAMERA_READ,
    ("GET", "/api/zones/{zone_id}"): CAMERA_READ,
    ("POST", "/api/zones"): CAMERA_WRITE,
    ("PATCH", "/api/zones/{zone_id}"): CAMERA_WRITE,
    ("DELETE", "/api/zones/{zone_id}"): CAMERA_WRITE,
    # Camera registry and OGC API - Features.
    ("GET", "/api/cameras"): CAMERA_READ,
    ("GET", "/api/cameras/{camera_id}"): CAMERA_READ,
    ("POST", "/api/cameras"): CAMERA_WRITE,
    ("PATCH", "/api/cameras/{camera_id}"): CAMERA_WRITE,
    ("DELETE", "/api/cameras/{camera_id}"): CAMERA_WRITE,
    ("POST", "/api/cameras/{camera_id}/onvif-probe"): CAMERA_WRITE,
    ("GET", "/api/cameras/{camera_id}/heading-suggestions"): CAMERA_WRITE,  # GIS work
    ("GET", "/api/cameras/{camera_id}/calibration-snapshot"): CAMERA_WRITE,  # picture, audited
    ("GET", "/api/heading-queue"): CAMERA_WRITE,
    ("GET", "/api/coverage/layer"): frozenset({G, S}),  # where the city is blind
    ("GET", "/api"): CAMERA_READ,
    ("GET", "/api/conformance"): CAMERA_READ,
    ("GET", "/api/collections"): CAMERA_READ,
    ("GET", "/api/collections/cameras"): CAMERA_READ,
    ("GET", "/api/collections/cameras/items"): CAMERA_READ,
    ("GET", "/api/collections/cameras/items/{camera_id}"): CAMERA_READ,
    ("GET", "/api/collections/cameras/schema"): CAMERA_READ,
    ("GET", "/api/collections/cameras/feature-schema"): CAMERA_READ,
    # Calls, incidents, live views, events.
    ("POST", "/api/calls"): frozenset({D, S, IN}),
    ("GET", "/api/incidents"): INCIDENT_READ,
    ("GET", "/api/incidents/{incident_id}"): INCIDENT_READ,
    ("PATCH", "/api/incidents/{incident_id}"): INCIDENT_WORK,
    ("POST", "/api/incidents/{incident_id}/views"): INCIDENT_WORK,
    ("POST", "/api/incidents/{incident_id}/views/{ticket_id}/renew"): INCIDENT_WORK,
    ("DELETE", "/api/incidents/{incident_id}/views/{ticket_id}"): INCIDENT_WORK,
    # PTZ: aim a ticket's camera; calibration (read by the page, written by GIS staff).
    ("POST", "/api/incidents/{incident_id}/views/{ticket_id}/aim"): INCIDENT_WORK,
    ("POST", "/api/incidents/{incident_id}/views/{ticket_id}/aim/release"): INCIDENT_WORK,
    ("GET", "/api/cameras/{camera_id}/ptz/calibration"): frozenset({D, S, G}),
    ("PUT", "/api/cameras/{camera_id}/ptz/calibration"): CAMERA_WRITE,
    # PTZ: the tile's lock / aim-follow state, aim-follow, and do-not-move (GIS staff, supervisors).
    ("GET", "/api/incidents/{incident_id}/views/{ticket_id}/ptz"): INCIDENT_WORK,
    ("PUT", "/api/incidents/{incident_id}/views/{ticket_id}/aim/follow"): INCIDENT_WORK,
    ("PUT", "/api/cameras/{camera_id}/ptz/do-not-move"): frozenset({S, G}),
    # PTZ calibration step (GIS staff): read the head, nudge it, fit landmarks without storing.
    ("GET", "/api/cameras/{camera_id}/ptz/status"): CAMERA_WRITE,
    ("POST", "/api/cameras/{camera_id}/ptz/nudge"): CAMERA_WRITE,
    ("POST", "/api/cameras/{camera_id}/ptz/calibration/fit"): CAMERA_WRITE,
    ("GET", "/api/events"): INCIDENT_WORK,
    ("GET", "/api/live/mine"): INCIDENT_WORK,
    ("DELETE", "/api/live/mine/{ticket_id}"): INCIDENT_WORK,
    ("GET", "/api/live/{ticket}/snapshot.jpg"): TICKET,
    ("GET", "/api/live/{ticket}/mjpeg"): TICKET,
    ("GET", "/api/live/{ticket}/video.mp4"): TICKET,
}
# Endless streams: the allowed-role call would never finish under TestClient; their roles are
# still checked by declaration and by the 401/403 calls.
STREAMS = {("GET", "/api/events")}
PASSWORD = "matrix password 2026"

try:  # FastAPI keeps included routers as contexts; older releases flatten ``app.routes``.
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover - older FastAPI

    def iter_route_contexts(routes):  # type: ignore[no-untyped-def]
        return routes


@dataclass(frozen=True)
class Found:
    method: str
    path: str
    declared: frozenset[Role] | None  # roles named by require_roles; None: not an API route


def _declared_roles(dependant: object) -> frozenset[Role]:
    roles: set[Role] = set()
    stack = [dependant]
    while stack:
        node = stack.pop()
        call: Callable[..., object] | None = getattr(node, "call", None)
        required = getattr(call, "required_roles", None)
        if required is not None:
            roles |= set(required)
        stack.extend(getattr(node, "dependencies", []))
    return frozenset(roles)


def _routes(app: FastAPI) -> list[Found]:
    found: list[Found] = []
    for rc in iter_route_contexts(app.routes):
        original = getattr(rc, "original_route", rc)
        if isinstance(original, Mount):
            found.append(Found(MOUNT, str(rc.path), None))
            continue
        dependant = getattr(rc, "dependant", None) if hasattr(original, "dependant") else None
        declared = _declared_roles(dependant) if dependant is not None else None
        for method in sorted((rc.methods or set()) - {"HEAD"}):
            found.append(Found(method, str(rc.path), declared))
    return found


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, TestClient]]:
    db = tmp_path_factory.mktemp("matrix") / "camroute.db"
    settings = fast_settings(f"sqlite:///{db}")
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        engine = app.state.engine
        for role in Role:
            service.add_user(
                engine,
                settings,
                name=f"u_{role.value}",
                role=role,
                password=PASSWORD,
                actor="test",
                actor_role="test",
            )
        yield app, client


@pytest.fixture(scope="module")
def tokens(app_client: tuple[FastAPI, TestClient]) -> dict[Role, str]:
    _, client = app_client
    out: dict[Role, str] = {}
    for role in Role:
        r = client.post(
            "/api/auth/login", data={"username": f"u_{role.value}", "password": PASSWORD}
        )
        assert r.status_code == 200, r.text
        out[role] = r.json()["access_token"]
    client.cookies.clear()
    return out


def test_every_route_is_in_the_matrix(app_client: tuple[FastAPI, TestClient]) -> None:
    app, _ = app_client
    present = {(f.method, f.path) for f in _routes(app)}
    unknown = sorted(present - MATRIX.keys())
    assert not unknown, f"routes missing from the role matrix (protect them, then add): {unknown}"
    stale = sorted(MATRIX.keys() - present)
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"


def test_the_walk_sees_included_routers_and_their_roles(tmp_path: Path) -> None:
    from fastapi import APIRouter, Depends

    from camroute.auth.deps import require_roles

    app = create_app(fast_settings(f"sqlite:///{tmp_path / 'probe.db'}"))
    probe = APIRouter(prefix="/api/probe")

    @probe.get("/open")
    def open_route() -> dict[str, str]:
        return {}

    app.include_router(probe, dependencies=[Depends(require_roles(G))])
    found = {(f.method, f.path): f.declared for f in _routes(app)}
    assert found[("GET", "/api/probe/open")] == frozenset({G})
    assert ("GET", "/api/probe/open") not in MATRIX


def _cases() -> list[tuple[str, str, Access]]:
    return [(m, p, a) for (m, p), a in MATRIX.items() if m != MOUNT]


def test_declared_roles_match_the_matrix(app_client: tuple[FastAPI, TestClient]) -> None:
    app, _ = app_client
    wrong = []
    for f in _routes(app):
        expected = MATRIX.get((f.method, f.path))
        if expected is None or f.declared is None:
            continue
        want = expected if isinstance(expected, frozenset) else frozenset()
        if f.declared != want:
            wrong.append((f.method, f.path, sorted(f.declared), sorted(want)))
    assert not wrong, f"declared roles differ from the matrix: {wrong}"


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    body = {"json": {}} if method in {"POST", "PATCH", "PUT"} else {}
    client.cookies.clear()
    r = client.request(method, _url(path), headers=headers, **body)  # type: ignore[arg-type]
    return r.status_code


@pytest.mark.parametrize(("method", "path", "access"), _cases(), ids=lambda v: str(v))
def test_route_enforces_its_roles(
    app_client: tuple[FastAPI, TestClient],
    tokens: dict[Role, str],
    method: str,
    path: str,
    access: Access,
) -> None:
    _, client = app_client
    if access == PUBLIC:
        if path != "/api/auth/logout":  # logout answers 204 with or without credentials
            assert _call(client, method, path, {}) not in (401, 403)
        return
    if access == TICKET:
        assert _call(client, method, path, {}) in (401, 403, 404)
        return
    assert isinstance(access, frozenset)
    assert _call(client, method, path, {}) == 401
    assert _call(client, method, path, {"Authorization": "Bearer forged"}) == 401
    denied = sorted(set(Role) - access)
    for role in denied:
        status = _call(client, method, path, {"Authorization": f"Bearer {tokens[role]}"})
        assert status == 403, (role, status)
    if (method, path) in STREAMS:
        return
    for role in sorted(access):
        status = _call(client, method, path, {"Authorization": f"Bearer {tokens[role]}"})
        assert status not in (401, 403), (role, status)
