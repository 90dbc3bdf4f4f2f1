"""Responsible 113 / 114 / 115 units: by service area, else the nearest station of the service.

Pure core. The unit of a service area is the station of the same service with the same code,
else the station of that service inside the area (smallest code), else the area itself (its
name and phone, located at a point on its surface). Boundary rule as for admin units: the area
with the smallest code wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.areas.models import HOTLINES, AreaFeature, ServiceUnitRead
from camroute.areas.spatial import QueryPoint, ZonedIndex, zone_projection
from camroute.geo.crs import LocalProjection


def code_key(code: str | None, name: str) -> tuple[int, int, str, str]:
    """Order by code, numerically when the code is a number, then by name.

    Examples
    --------
    >>> sorted(["12", "3", None, "A1"], key=lambda c: code_key(c, ""))
    ['3', '12', 'A1', None]
    """
    if code is None:
        return (2, 0, "", name)
    if code.isdigit():
        return (0, int(code), code, name)
    return (1, 0, code, name)


@dataclass(frozen=True)
class _Unit:
    name: str
    code: str | None
    phone: str | None
    lon: float
    lat: float
    _metric: dict[int, NDArray[np.float64]] = field(default_factory=dict, compare=False)

    def metric(self, projection: LocalProjection) -> NDArray[np.float64]:
        """``x, y`` in ``projection``'s metres (cached per CRS)."""
        xy = self._metric.get(projection.epsg)
        if xy is None:
            x, y = projection.to_metric(self.lon, self.lat)
            xy = np.array([float(x), float(y)])
            self._metric[projection.epsg] = xy
        return xy


def _station_unit(station: AreaFeature) -> _Unit:
    point = shapely.point_on_surface(station.geometry)
    return _Unit(station.name, station.code, station.phone, point.x, point.y)


def _area_unit(area: AreaFeature, stations: Sequence[AreaFeature]) -> _Unit:
    same = [s for s in stations if s.service == area.service]
    by_code = [s for s in same if area.code is not None and s.code == area.code]
    inside = [s for s in same if shapely.covers(area.geometry, s.geometry)]
    chosen = by_code or sorted(inside, key=lambda s: code_key(s.code, s.name))
    if chosen:
        return _station_unit(chosen[0])
    point = shapely.point_on_surface(area.geometry)
    return _Unit(area.name, area.code, area.phone, point.x, point.y)


class ServiceIndex:
    """Service areas and stations of every hotline."""

    def __init__(self, areas: Sequence[AreaFeature], stations: Sequence[AreaFeature]) -> None:
        self.areas = sorted(areas, key=lambda a: (a.service or "", *code_key(a.code, a.name)))
        self._area_index = ZonedIndex.build([a.geometry for a in self.areas])
        self._area_service = np.array([a.service or "" for a in self.areas], dtype=object)
        self._area_units = [_area_unit(a, stations) for a in self.areas]
        self._stations: dict[str, tuple[list[AreaFeature], ZonedIndex]] = {}
        for service in HOTLINES:
            own = sorted(
                (s for s in stations if s.service == service),
                key=lambda s: code_key(s.code, s.name),
            )
            if own:
                self._stations[service] = (own, ZonedIndex.build([s.geometry for s in own]))
        self.services = sorted({*self._area_service.tolist(), *self._stations})

    def resolve(self, point: QueryPoint) -> dict[str, ServiceUnitRead]:
        """The responsible unit per hotline that has any data loaded."""
        out: dict[str, ServiceUnitRead] = {}
        for i in np.sort(self._area_index.containing(point)).tolist():
            service = str(self._area_service[i])
            if service not in out:
                out[service] = self._read(service, self._area_units[i], point, basis="area")
        for service, (own, index) in self._stations.items():
            if service in out:
                continue
            ids, dist = index.nearest(point)
            if ids.size:
                unit = _station_unit(own[int(ids.min())])
                out[service] = self._read(
                    service, unit, point, basis="nearest", distance_m=float(dist[0])
                )
        return dict(sorted(out.items()))

    @staticmethod
    def _read(
        service: str,
        unit: _Unit,
        point: QueryPoint,
        *,
        basis: str,
        distance_m: float | None = None,
    ) -> ServiceUnitRead:
        if distance_m is None:
            proj = zone_projection(point.epsg)
            here = shapely.get_coordinates(point.metric(proj))[0]
            distance_m = float(np.hypot(*(unit.metric(proj) - here)))
        return ServiceUnitRead.model_construct(
            service=service,
            name=unit.name,
            code=unit.code,
            phone=unit.phone,
            lon=unit.lon,
            lat=unit.lat,
            basis="area" if basis == "area" else "nearest",
            distance_m=round(distance_m, 1),
        )
