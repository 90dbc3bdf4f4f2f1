"""The page draws the incident's stored route: the same cameras, their cones, no second ranking."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from camroute.incidents.models import IncidentRead

from .conftest import CALLER

pytestmark = pytest.mark.browser

# An ellipse 45 x 12 m around the caller, its major axis east-west: a circle re-ranked from the
# centre and the semi-major axis would cover other ground than the caller's region.
ELLIPSE = f"""<presence xmlns="urn:ietf:params:xml:ns:pidf"
 xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" xmlns:gml="http://www.opengis.net/gml"
 xmlns:gs="http://www.opengis.net/pidflo/1.0" entity="pres:caller@example.com">
<tuple id="e"><status><gp:geopriv><gp:location-info>
<gs:Ellipse srsName="urn:ogc:def:crs:EPSG::4326">
<gml:pos>{CALLER["lat"]} {CALLER["lon"]}</gml:pos>
<gs:semiMajorAxis uom="urn:ogc:def:uom:EPSG::9001">45</gs:semiMajorAxis>
<gs:semiMinorAxis uom="urn:ogc:def:uom:EPSG::9001">12</gs:semiMinorAxis>
<gs:orientation uom="urn:ogc:def:uom:EPSG::9102">90</gs:orientation>
</gs:Ellipse></gp:location-info><gp:usage-rules/></gp:geopriv></status></tuple></presence>"""


def _post_ellipse(stack: Any) -> IncidentRead:
    call_id = f"WEB-{uuid.uuid4().hex[:8]}"
    body = {
        "call_id": call_id,
        "hotline": "113",
        "location": ELLIPSE,
        "content_type": "application/pidf+xml",
    }
    headers = {"X-API-Key": stack.integration_key}
    resp = httpx.post(f"{stack.url}/api/calls", json=body, headers=headers, timeout=10.0)
    assert resp.status_code == 201, resp.text
    stack.calls.append(call_id)
    return IncidentRead.model_validate(resp.json())


def test_an_ellipse_callers_map_shows_the_stored_route_without_ranking_again(
    page: Any, ui: Any, login: Any, stack: Any
) -> None:
    incident = _post_ellipse(stack)
    assert incident.location is not None
    assert incident.location["region"]["type"] == "Polygon"  # the ellipse, not a disc
    route = incident.route
    assert route is not None
    assert route.cameras
    login("ann")
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    ui.open_incident(incident.id)
    page.wait_for_selector("path.cone")
    page.wait_for_timeout(500)  # anything the page would still ask for after drawing
    assert not [u for u in posted if "/api/route" in u], posted

    def listed(selector: str) -> list[str]:
        return list(
            page.locator(f"#detail {selector} > li").evaluate_all(
                "items => items.map(li => li.dataset.camera)"
            )
        )

    assert listed("ol.cams") == [c.camera_id for c in route.cameras]
    assert listed("ul.cams.context") == [c.camera_id for c in route.context]
    assert listed("ul.cams.offline") == [c.camera_id for c in route.offline]
    assert page.locator(".ranked-camera").count() == len(route.cameras)
    drawn = [*route.context, *route.offline]
    assert page.locator(".context-camera").count() == len(drawn)
    # every stored cone is drawn: a fixed camera's as a cone, a turning one's as its reach
    everyone = [*route.cameras, *drawn]
    turning = [c for c in everyone if c.pan_deg is not None and c.hfov_deg is not None]
    fixed = [c for c in everyone if c not in turning]
    assert all(c.view_geojson is not None for c in everyone)
    assert page.locator("path.cone:not(.ptz-frame)").count() == len(fixed)
    assert page.locator("path.ptz-reach").count() == len(turning)
