from __future__ import annotations

import numpy as np
import pytest
import shapely

from camroute.geo import local_projection
from camroute.zones.rules import EDGE_M, MetricZones, Zone, ordered, zones_seen, zones_seen_by_many

PROJ = local_projection(lon=105.0, lat=10.77)
X0, Y0 = (float(v) for v in PROJ.to_metric(105.0, 10.77))


def zone(zone_id: str, box: tuple[float, float, float, float], **over: str) -> Zone:
    """A zone on a local-metre box east of the origin."""
    a, b, c, d = box
    geom = PROJ.geometry_to_wgs84(shapely.box(X0 + a, Y0 + b, X0 + c, Y0 + d))
    fields = {"name": zone_id, "kind": "school", "policy": "supervisor", **over}
    return Zone(zone_id, fields["name"], fields["kind"], fields["policy"], geom)  # type: ignore[arg-type]


def view(max_x_m: float) -> shapely.Geometry:
    """A viewshed from the origin to ``max_x_m`` east (metres, the zones' CRS)."""
    return shapely.box(X0, Y0 - 5.0, X0 + max_x_m, Y0 + 5.0)


SCHOOL = MetricZones.build([zone("S", (10.0, -5.0, 20.0, 5.0))], PROJ)


@pytest.mark.parametrize(
    ("max_x_m", "seen"),
    [
        (15.0, True),  # into the zone
        (10.0, True),  # ends on its wall
        (10.0 - EDGE_M * 0.8, True),  # a hair before the wall: the wall is what it sees
        (10.0 - EDGE_M * 1.5, False),  # stops short: the zone is not reached
        (5.0, False),
    ],
)
def test_zone_seen_by_the_viewshed_edge(max_x_m: float, seen: bool) -> None:
    assert bool(zones_seen(view(max_x_m), SCHOOL)) is seen


def test_a_viewshed_with_a_hole_over_the_zone_does_not_see_it() -> None:
    # the sector covers the zone, but a building's shadow removed it from the viewshed
    sector = shapely.box(X0, Y0 - 30.0, X0 + 40.0, Y0 + 30.0)
    shadow = shapely.box(X0 + 8.0, Y0 - 8.0, X0 + 40.0, Y0 + 8.0)
    assert zones_seen(sector, SCHOOL)
    assert zones_seen(shapely.difference(sector, shadow), SCHOOL) == []


def test_empty_layer_and_empty_view_see_nothing() -> None:
    assert zones_seen(view(15.0), MetricZones.build([], PROJ)) == []
    assert zones_seen(shapely.Polygon(), SCHOOL) == []


def test_never_zones_come_first_and_carry_the_reason() -> None:
    zones = MetricZones.build(
        [
            zone("A", (10.0, -5.0, 20.0, 5.0), name="A school"),
            zone(
                "B",
                (12.0, -5.0, 14.0, 5.0),
                name="B church",
                kind="place_of_worship",
                policy="never",
            ),
        ],
        PROJ,
    )
    hits = zones_seen(view(30.0), zones)
    assert [h.zone_id for h in hits] == ["B", "A"]
    assert hits[0].reason.vi == "nhìn vào khu vực nơi thờ tự — không được xem"
    assert hits[1].reason.vi == "nhìn vào khu vực trường học — cần giám sát viên"
    assert hits[1].reason.en == "looks into a school zone — supervisor needed"
    assert ordered(list(reversed(hits))) == hits


def test_many_views_at_once_equal_one_at_a_time() -> None:
    zones = MetricZones.build(
        [zone("A", (10.0, -5.0, 20.0, 5.0)), zone("B", (40.0, -5.0, 50.0, 5.0), policy="never")],
        PROJ,
    )
    views = np.array([view(5.0), view(15.0), view(45.0), view(9.0)], dtype=object)
    many = zones_seen_by_many(views, zones)
    assert set(many) == {1, 2}
    for i, v in enumerate(views):
        assert many.get(i, []) == zones_seen(v, zones)
