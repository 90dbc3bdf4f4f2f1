"""Illustrative 113/114/115 service areas and stations for the demo cities (not real units).

No open data set gives the responsibility areas or stations of Vietnam's 113 (police), 114
(fire and rescue) and 115 (ambulance) units, so the demo splits each city into quadrants per
hotline and puts one station in each. Every feature says ``illustrative`` in its name and in an
``illustrative`` property; the page and README repeat it.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely

HOTLINES = ("113", "114", "115")


@dataclass(frozen=True)
class CityFrame:
    """Where the illustrative layers go: a centre, an extent (WGS84) and unit names."""

    centre: tuple[float, float]
    bbox: tuple[float, float, float, float]
    unit_names: dict[str, str]
    quadrant_names: dict[str, str]
    station_spread: float


CITIES = {
    "hcmc": CityFrame(
        centre=(106.700, 10.776),
        bbox=(106.44, 10.63, 106.88, 11.01),
        unit_names={
            "113": "Công an khu vực {q}",
            "114": "Đội Cảnh sát PCCC và CNCH khu vực {q}",
            "115": "Trạm Cấp cứu 115 khu vực {q}",
        },
        quadrant_names={"nw": "Tây Bắc", "ne": "Đông Bắc", "sw": "Tây Nam", "se": "Đông Nam"},
        station_spread=0.03,
    ),
    "helsinki": CityFrame(
        centre=(24.944, 60.171),
        bbox=(24.930, 60.160, 24.960, 60.182),
        unit_names={
            "113": "Police unit {q}",
            "114": "Fire and rescue unit {q}",
            "115": "Ambulance unit {q}",
        },
        quadrant_names={
            "nw": "north-west",
            "ne": "north-east",
            "sw": "south-west",
            "se": "south-east",
        },
        station_spread=0.003,
    ),
}

_SIGNS = {"nw": (-1, 1), "ne": (1, 1), "sw": (-1, -1), "se": (1, -1)}
_SPREAD_FACTOR = {"113": 1.0, "114": 1.35, "115": 0.7}
LABEL = " (minh họa / illustrative)"


def _quadrant(frame: CityFrame, key: str) -> shapely.Polygon:
    cx, cy = frame.centre
    minx, miny, maxx, maxy = frame.bbox
    sx, sy = _SIGNS[key]
    xs = sorted((cx, maxx if sx > 0 else minx))
    ys = sorted((cy, maxy if sy > 0 else miny))
    return shapely.box(xs[0], ys[0], xs[1], ys[1])


def service_layers(city: str) -> dict[str, gpd.GeoDataFrame]:
    """Service areas and stations per hotline for ``city``, every one labelled illustrative.

    Returns ``{"service_areas_113": ..., "stations_113": ..., ...}`` (WGS84).

    Examples
    --------
    >>> layers = service_layers("hcmc")
    >>> sorted(layers)[:2]
    ['service_areas_113', 'service_areas_114']
    >>> len(layers["service_areas_115"]), bool(layers["stations_114"]["illustrative"].all())
    (4, True)
    >>> all("illustrative" in name for name in layers["stations_113"]["name"])
    True
    """
    frame = CITIES[city]
    layers: dict[str, gpd.GeoDataFrame] = {}
    for hotline in HOTLINES:
        rows, areas, stations = [], [], []
        for key, label in frame.quadrant_names.items():
            name = frame.unit_names[hotline].format(q=label) + LABEL
            sx, sy = _SIGNS[key]
            spread = frame.station_spread * _SPREAD_FACTOR[hotline]
            rows.append(
                {
                    "name": name,
                    "code": f"{city}-{hotline}-{key}",
                    "service": hotline,
                    "phone": hotline,
                    "illustrative": True,
                }
            )
            areas.append(_quadrant(frame, key))
            stations.append(
                shapely.Point(frame.centre[0] + sx * spread, frame.centre[1] + sy * spread * 0.8)
            )
        layers[f"service_areas_{hotline}"] = gpd.GeoDataFrame(rows, geometry=areas, crs=4326)
        layers[f"stations_{hotline}"] = gpd.GeoDataFrame(rows, geometry=stations, crs=4326)
    return layers
