"""A small synthetic street grid (metres east/north of a point in central HCMC)."""

from __future__ import annotations

import pytest
import shapely

from camroute.cameras.headings.network import StreetNetwork
from camroute.geo import local_projection

ORIGIN = (106.7000, 10.7750)
PROJ = local_projection(lon=ORIGIN[0], lat=ORIGIN[1])
X0, Y0 = (float(v) for v in PROJ.to_metric(*ORIGIN))


def lonlat(east_m: float, north_m: float) -> tuple[float, float]:
    """The WGS84 point ``east_m, north_m`` from the origin."""
    lon, lat = PROJ.to_wgs84(X0 + east_m, Y0 + north_m)
    return float(lon), float(lat)


def line(*points_m: tuple[float, float]) -> shapely.LineString:
    """A WGS84 line through metric offsets from the origin."""
    return shapely.LineString([lonlat(e, n) for e, n in points_m])


@pytest.fixture
def grid() -> StreetNetwork:
    """Lê Lợi runs west-east through the origin, Nguyễn Huệ south-north; a footway nearby;
    an isolated named street 1 km east."""
    return StreetNetwork.build(
        names=["Đường Lê Lợi", "Nguyễn Huệ", "Lối đi bộ", "Ðồng Khởi", None],
        lines=[
            line((-300, 0), (300, 0)),
            line((0, -300), (0, 300)),
            line((-300, 40), (300, 40)),
            line((1000, -200), (1000, 200)),
            line((-300, -20), (300, -20)),  # unnamed: ignored
        ],
        classes=["primary", "secondary", "footway", "tertiary", "residential"],
        projection=PROJ,
    )
