"""Property-based fuzzing of every documented operation (schemathesis): no input is a 500.

Each operation is called with a credential its roles admit (so the handlers run, not only the
role check), on a store seeded with a few cameras, with inputs that fit the schema and inputs
that break it. The bar is zero server errors; 4xx answers must be problem+json. Bounded:
``FUZZ_EXAMPLES`` cases per operation (``HYPOTHESIS_PROFILE=ci`` runs more), derandomized,
on SQLite and PostgreSQL/PostGIS. Regressions it found: a camera id outside Latin-1 in the
``Location`` header, offsets past 2**63 (tests/cameras/test_router.py, tests/api/test_deps.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from sqlalchemy import Engine
from tests.support import role_api_keys

from camroute.app import create_app
from camroute.auth.models import Role
from camroute.cameras.store import insert_camera
from camroute.settings import Settings
from camroute.sim.server import serve_in_thread

# About 1.5 s per operation and store at 60 (two cores): CI's run stays near three minutes.
FUZZ_EXAMPLES = 120 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 50
# Preferred credential per operation: the first of these roles the route admits.
ROLE_ORDER = (Role.supervisor, Role.gis_admin, Role.auditor, Role.integration, Role.dispatcher)
# Endless streams: a fuzzed call would hold the test until its read timeout.
ENDLESS = {
    ("GET", "/api/events"),
    ("GET", "/api/live/{ticket}/mjpeg"),
    ("GET", "/api/live/{ticket}/video.mp4"),
}
PROBLEM_JSON = "application/problem+json"


@dataclass
class Target:
    """The running app, its OpenAPI document and a key per role."""

    schema: Any
    url: str
    roles: dict[tuple[str, str], Role | None]
    keys: dict[Role, str]


def _roles(dependant: Any) -> frozenset[Role]:
    found: set[Role] = set()
    stack = [dependant]
    while stack:
        node = stack.pop()
        found |= set(getattr(node.call, "required_roles", ()))
        stack.extend(node.dependencies)
    return frozenset(found)


def _credential_roles(app: FastAPI) -> dict[tuple[str, str], Role | None]:
    """The role whose key each operation is called with (None: a public route)."""
    out: dict[tuple[str, str], Role | None] = {}
    for route in iter_route_contexts(app.routes):  # included routers are kept as contexts
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            continue
        roles = _roles(dependant)
        pick = next((r for r in ROLE_ORDER if r in roles), None)
        for method in getattr(route, "methods", None) or ():
            out[(method, str(route.path))] = pick
    return out


def _seed(engine: Engine) -> dict[Role, str]:
    with engine.begin() as conn:
        for i in range(3):
            values = {
                "id": f"FUZZ-{i}",
                "lon": 106.70 + i / 1000,
                "lat": 10.77,
                "heading_deg": 0.0,
                "hfov_deg": 60.0,
                "range_m": 100.0,
                "kind": "fixed",
                "status": "online",
                "access_class": "public_space",
                "fov_assumed": False,
            }
            insert_camera(conn, values, actor="test")
    return role_api_keys(engine, "fuzz")


@pytest.fixture(scope="module")
def fuzz_target(module_store_url: str) -> Iterator[Target]:
    app = create_app(
        Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=module_store_url,
            registry_poll_s=0,
            password_hash_time_cost=1,
            password_hash_memory_kib=8,
        )
    )
    config = SchemathesisConfig()
    # A real server for the module: schemathesis' in-process ASGI client would end and restart
    # the app's lifespan around every test.
    with serve_in_thread(app, lifespan="on") as url:
        schema = schemathesis.openapi.from_dict(app.openapi(), config=config)
        keys = _seed(app.state.engine)
        app.state.camera_index.wait()
        yield Target(schema=schema, url=url, roles=_credential_roles(app), keys=keys)


def _operations() -> list[tuple[str, str]]:
    """Every documented operation (building the document needs no store)."""
    app = create_app(Settings(_env_file=None, database_url="sqlite://"))  # type: ignore[call-arg]
    return [
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if (method.upper(), path) not in ENDLESS
    ]


@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda v: str(v))
def test_no_input_is_a_server_error(method: str, path: str, fuzz_target: Target) -> None:
    role = fuzz_target.roles.get((method, path))
    headers = {"X-API-Key": fuzz_target.keys[role]} if role is not None else {}

    operation = fuzz_target.schema[path][method]
    # Valid inputs, and inputs that break the schema (a 4xx, never a 5xx, for those).
    # The credential is fixed in the strategy: generated security headers would replace it.
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, headers=headers),
        operation.as_strategy(GenerationMode.NEGATIVE, headers=headers),
    )

    @given(case=cases)
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def fuzz(case: Any) -> None:
        response = case.call(base_url=fuzz_target.url, timeout=30)
        assert response.status_code < 500, (
            f"{case.as_curl_command(headers=headers)}\n-> {response.status_code} "
            f"{response.text[:300]}"
        )
        if 400 <= response.status_code < 500:
            assert response.headers.get("content-type") == [PROBLEM_JSON], response.text[:300]

    fuzz()
