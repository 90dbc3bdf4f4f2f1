"""Versioned administrative units: which unit of each level holds a point at a time.

Pure core. Polygons answer exactly; where a level only has centroids (ward points from the
2025 gazetteer) the nearest centroid within the unit's own reach answers, flagged
``approximate``. Vietnam abolished districts on 2025-07-01: units that expired on or before
that day are reported as ``legacy_<level>`` for later times, and where none are loaded the
dvhcvn old/new mapping names the legacy ward and district.

Boundary rule: a point on a boundary shared by several units of one level (it intersects
each) belongs to the unit with the smallest ``code`` (numerically when it is a number), then
the smallest ``name``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.areas.models import AdminLink, AdminUnitRead, AreaFeature
from camroute.areas.services import code_key
from camroute.areas.spatial import QueryPoint, ZonedIndex, zone_projection
from camroute.areas.vnref import LegacyWard, VnReference

REFORM = datetime(2025, 7, 1, tzinfo=UTC)
_EVE = REFORM.timestamp() - 1.0
DEFAULT_REACH_M = 15_000.0
MIN_REACH_M = 3_000.0
_AREA_KEYS = ("wardAreaKm2", "area_km2", "dtich_km2")
_PROVINCE_CODE_KEYS = ("provinceCode", "ma_tinh", "province_code")


def _epoch(value: datetime | None, default: float) -> float:
    return default if value is None else value.timestamp()


def _level_key(level: str | None) -> str:
    return (level or "unit").replace("-", "_")


def _reach_m(props: dict[str, object]) -> float:
    for key in _AREA_KEYS:
        value = props.get(key)
        if isinstance(value, int | float) and value > 0:
            return max(2.0 * float(np.sqrt(value * 1e6 / np.pi)), MIN_REACH_M)
    return DEFAULT_REACH_M


@dataclass(frozen=True)
class _Group:
    level: str
    valid_from: float
    valid_to: float
    ids: NDArray[np.int64]
    index: ZonedIndex
    reach_m: float


class AdminIndex:
    """All admin units of every level and period, indexed for point lookups."""

    def __init__(
        self,
        units: Sequence[AreaFeature],
        *,
        links: Sequence[AdminLink] = (),
        reference: VnReference | None = None,
    ) -> None:
        self.units = list(units)
        geoms = np.array([u.geometry for u in self.units], dtype=object)
        is_poly = shapely.get_dimensions(geoms) == 2 if len(geoms) else np.zeros(0, bool)
        self._poly_ids = np.flatnonzero(is_poly)
        self._point_ids = np.flatnonzero(~is_poly)
        self._polys = ZonedIndex.build(geoms[self._poly_ids])
        self._from = np.array([_epoch(u.valid_from, -np.inf) for u in self.units])
        self._to = np.array([_epoch(u.valid_to, np.inf) for u in self.units])
        self._reach = np.array([_reach_m(u.props) for u in self.units])
        self._level = [_level_key(u.level) for u in self.units]
        self._groups = self._centroid_groups()
        self._has_expired = bool((self._to <= REFORM.timestamp()).any())
        order = sorted(range(len(self.units)), key=self._sort_key)
        self._rank = np.empty(len(self.units), dtype=np.int64)
        self._rank[order] = np.arange(len(self.units))
        self._links: dict[str, list[AdminLink]] = {}
        for link in links:
            self._links.setdefault(link.new_code, []).append(link)
        self._ref = reference
        self._legacy_cache: dict[tuple[str, int], tuple[list[LegacyWard], NDArray[np.float64]]] = {}

    def _centroid_groups(self) -> list[_Group]:
        """Centroid units grouped by (level, validity): one metric index each."""
        keyed: dict[tuple[str, float, float], list[int]] = {}
        for i in self._point_ids.tolist():
            keyed.setdefault((self._level[i], self._from[i], self._to[i]), []).append(i)
        groups = []
        for (level, start, end), ids in sorted(keyed.items()):
            members = np.array(ids, dtype=np.int64)
            index = ZonedIndex.build([self.units[i].geometry for i in ids])
            reach = float(self._reach[members].max())
            groups.append(_Group(level, start, end, members, index, reach))
        return groups

    def _sort_key(self, i: int) -> tuple[int, int, str, str]:
        return code_key(self.units[i].code, self.units[i].name)

    def _valid(self, ids: NDArray[np.int64], t: float) -> NDArray[np.int64]:
        valid: NDArray[np.int64] = ids[(self._from[ids] <= t) & (t < self._to[ids])]
        return valid

    def _read(self, i: int, *, approximate: bool, distance_m: float | None) -> AdminUnitRead:
        unit = self.units[i]
        return AdminUnitRead.model_construct(
            level=_level_key(unit.level),
            name=unit.name,
            code=unit.code,
            approximate=approximate,
            distance_m=None if distance_m is None else round(distance_m, 1),
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
        )

    def at(self, point: QueryPoint, t: float) -> dict[str, tuple[int, bool, float | None]]:
        """Per level: (unit id, approximate, centroid distance) of the units holding ``point``."""
        found: dict[str, tuple[int, bool, float | None]] = {}
        hits = self._valid(self._poly_ids[self._polys.containing(point)], t)
        for i in hits[np.argsort(self._rank[hits])].tolist():
            found.setdefault(self._level[i], (i, False, None))
        for group in self._groups:
            if group.level in found or not group.valid_from <= t < group.valid_to:
                continue
            near, dist = group.index.nearest(point, max_distance_m=group.reach_m)
            if near.size:
                i = int(group.ids[int(near.min())])
                if dist[0] <= self._reach[i]:
                    found[group.level] = (i, True, float(dist[0]))
        return found

    def resolve(self, point: QueryPoint, at: datetime) -> dict[str, AdminUnitRead]:
        """Units by level at time ``at``, with legacy (pre-reform) units for later times."""
        t = at.timestamp()
        out = {
            level: self._read(i, approximate=a, distance_m=d)
            for level, (i, a, d) in self.at(point, t).items()
        }
        if self._has_expired and t >= REFORM.timestamp():
            for level, (i, a, d) in self.at(point, _EVE).items():
                if self._to[i] <= REFORM.timestamp():
                    key = level if level.startswith("legacy_") else f"legacy_{level}"
                    unit = self._read(i, approximate=a, distance_m=d)
                    out.setdefault(key, unit.model_copy(update={"level": key}))
        self._add_province(out)
        self._add_mapped_legacy(out, point)
        return out

    def _add_province(self, out: dict[str, AdminUnitRead]) -> None:
        ward = out.get("ward")
        if "province" in out or ward is None or self._ref is None:
            return
        found = self._ref.province_of_ward.get(ward.code or "")
        if found is None:
            return
        name, code = found
        out["province"] = AdminUnitRead.model_construct(
            level="province", name=name, code=code, approximate=ward.approximate
        )

    def _old_wards(self, code: str, epsg: int) -> tuple[list[LegacyWard], NDArray[np.float64]]:
        """Known pre-2025 wards of a 2025 ward, with their centroids in metres (cached)."""
        cached = self._legacy_cache.get((code, epsg))
        if cached is None:
            assert self._ref is not None
            found = [self._ref.legacy_wards.get(k.old_code) for k in self._links.get(code, [])]
            olds = [o for o in found if o is not None]
            xy = np.empty((0, 2))
            if olds:
                proj = zone_projection(epsg)
                xs, ys = proj.to_metric([o.lon for o in olds], [o.lat for o in olds])
                xy = np.column_stack([xs, ys])
            cached = (olds, xy)
            self._legacy_cache[(code, epsg)] = cached
        return cached

    def _add_mapped_legacy(self, out: dict[str, AdminUnitRead], point: QueryPoint) -> None:
        ward = out.get("ward")
        if ward is None or self._ref is None or "legacy_ward" in out:
            return
        olds, xy = self._old_wards(ward.code or "", point.epsg)
        if not olds:
            return
        here = shapely.get_coordinates(point.metric(zone_projection(point.epsg)))[0]
        best = olds[int(np.argmin(np.hypot(xy[:, 0] - here[0], xy[:, 1] - here[1])))]
        single = len(olds) == 1 and not ward.approximate
        out["legacy_ward"] = AdminUnitRead.model_construct(
            level="legacy_ward", name=best.name, code=best.code, approximate=not single
        )
        if "legacy_district" not in out:
            same = len({o.district_code for o in olds}) == 1 and not ward.approximate
            out["legacy_district"] = AdminUnitRead.model_construct(
                level="legacy_district",
                name=best.district,
                code=best.district_code,
                approximate=not same,
            )
