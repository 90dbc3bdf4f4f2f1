"""The API docs in Debian's Chromium: both pages render with nothing fetched off the origin.

The ``page`` fixture records every request and fails the test when one leaves the app's
origin (a CDN script, a web font, Swagger UI's online validator badge, ReDoc's vendor logo).
The tests keep the pages' own Content-Security-Policy on ("own_csp" in the name), so a page
that only works with the policy off fails here.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _csp_violations(page: Any) -> list[str]:
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security" in m.text else None)
    return found


def test_swagger_ui_renders_offline_under_its_own_csp(page: Any, stack: Any) -> None:
    violations = _csp_violations(page)
    page.goto(f"{stack.url}/docs")
    block = page.locator(".opblock-summary-path[data-path='/healthz']")
    block.wait_for(state="visible", timeout=15_000)
    assert page.locator(".opblock").count() > 20  # every route, not just the first
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("camroute")
    assert not violations


def test_redoc_renders_offline_under_its_own_csp(page: Any, stack: Any) -> None:
    violations = _csp_violations(page)
    page.goto(f"{stack.url}/redoc")
    page.wait_for_selector("[data-section-id='tag/system/operation/healthz_healthz_get']")
    assert page.locator("h1").first.inner_text().startswith("camroute")
    page.fill("input[placeholder='Search...']", "healthz")  # the search worker (blob:) runs
    page.wait_for_selector("[data-role='search:results'] li", timeout=5_000)
    # The only thing the policy stops is the vendor's logo from the vendor's CDN.
    assert all("logo-mini.svg" in v for v in violations), violations
