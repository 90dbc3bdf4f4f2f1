"""``AreaLayers``: the in-memory snapshot of every area layer, built once, swapped on reload.

Pure except :meth:`AreaLayers.load` / :meth:`AreaLayers.reload`, which read the store.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import shapely

from camroute.areas.admin import AdminIndex
from camroute.areas.gazetteer import Entry, NameIndex, entry_keys
from camroute.areas.models import AdminLink, AreaFeature
from camroute.areas.services import ServiceIndex
from camroute.areas.streets import StreetIndex
from camroute.areas.textnorm import normalise
from camroute.areas.vnref import vn_reference

if TYPE_CHECKING:
    from sqlalchemy import Engine

CELL_DEG = 0.05  # grouping bucket for same-named streets (~5 km), not a distance


@dataclass(frozen=True)
class Snapshot:
    """One consistent set of indexes (read it once per query)."""

    admin: AdminIndex
    services: ServiceIndex
    streets: StreetIndex
    names: NameIndex
    counts: dict[str, int]


def _cell(lon: float, lat: float) -> tuple[int, int]:
    return math.floor(lon / CELL_DEG), math.floor(lat / CELL_DEG)


def _street_entries(streets: Sequence[AreaFeature]) -> list[Entry]:
    groups: dict[tuple[str, tuple[int, int]], AreaFeature] = {}
    for street in streets:
        point = shapely.point_on_surface(street.geometry)
        key = (normalise(street.name), _cell(point.x, point.y))
        kept = groups.get(key)
        if kept is None or shapely.length(street.geometry) > shapely.length(kept.geometry):
            groups[key] = street
    entries = []
    for street in groups.values():
        point = shapely.line_interpolate_point(street.geometry, 0.5, normalized=True)
        entries.append(Entry(street.name, "street", point.x, point.y, entry_keys(street.name)))
    return entries


def _intersection_entries(index: StreetIndex) -> list[Entry]:
    c = index.intersections
    seen: set[tuple[str, str, tuple[int, int]]] = set()
    entries = []
    for a, b, lon, lat in zip(c.name_a, c.name_b, c.lon, c.lat, strict=True):
        ka, kb = sorted((normalise(str(a)), normalise(str(b))))
        group = (ka, kb, _cell(float(lon), float(lat)))
        if group in seen:
            continue
        seen.add(group)
        keys = (f"{ka} {kb}", f"{kb} {ka}")
        label = f"{a} × {b}"
        entries.append(Entry(label, "intersection", float(lon), float(lat), keys, (ka, kb)))
    return entries


def _admin_label(unit: AreaFeature) -> str:
    level = (unit.level or "unit").replace("_", "-")
    parent = unit.props.get("province") or unit.props.get("ten_tinh")
    until = f", until {unit.valid_to.date().isoformat()}" if unit.valid_to else ""
    return f"{unit.name} ({level}{', ' + str(parent) if parent else ''}{until})"


def _other_entries(admin: Sequence[AreaFeature], pois: Sequence[AreaFeature]) -> list[Entry]:
    entries = []
    for unit in admin:
        point = shapely.point_on_surface(unit.geometry)
        keys = entry_keys(unit.name)
        entries.append(Entry(_admin_label(unit), "admin_unit", point.x, point.y, keys))
    for poi in pois:
        point = shapely.point_on_surface(poi.geometry)
        entries.append(Entry(poi.name, "poi", point.x, point.y, entry_keys(poi.name)))
    return [e for e in entries if e.keys]


def _build(features: Sequence[AreaFeature], links: Sequence[AdminLink]) -> Snapshot:
    by_kind: dict[str, list[AreaFeature]] = {}
    for feature in features:
        by_kind.setdefault(feature.kind, []).append(feature)
    admin_units = by_kind.get("admin", [])
    reference = vn_reference() if admin_units else None
    admin = AdminIndex(admin_units, links=links, reference=reference)
    services = ServiceIndex(by_kind.get("service-areas", []), by_kind.get("stations", []))
    streets = StreetIndex(by_kind.get("streets", []), by_kind.get("pois", []))
    entries = [
        *_street_entries(streets.streets),
        *_intersection_entries(streets),
        *_other_entries(admin_units, streets.pois),
    ]
    counts = {kind: len(items) for kind, items in sorted(by_kind.items())}
    counts["intersections"] = len(streets.intersections)
    counts["admin_links"] = len(links)
    return Snapshot(admin, services, streets, NameIndex(entries), counts)


def _stored_features(engine: Engine) -> list[AreaFeature]:
    """The area layers plus the basemap's named roads and POIs (one import feeds both)."""
    from camroute.areas.store import read_features
    from camroute.basemap.service import search_features

    basemap = [
        AreaFeature(
            "streets" if f.layer == "roads" else "pois",
            str(f.name),
            f.geometry,
            props={"highway" if f.layer == "roads" else "category": f.kind, "source": "basemap"},
        )
        for f in search_features(engine)
    ]
    return [*read_features(engine), *basemap]


class AreaLayers:
    """Every loaded layer, indexed; ``reload`` swaps in a new snapshot atomically.

    Examples
    --------
    >>> layers = AreaLayers.build([])
    >>> layers.counts["intersections"], len(layers.names)
    (0, 0)
    """

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot

    @classmethod
    def build(
        cls, features: Sequence[AreaFeature], *, links: Sequence[AdminLink] = ()
    ) -> AreaLayers:
        """Index ``features`` (and the old/new ward ``links``) in memory."""
        return cls(_build(features, links))

    @classmethod
    def load(cls, engine: Engine) -> AreaLayers:
        """Read every layer from the store (with the basemap's named streets) and index it."""
        from camroute.areas.store import read_links

        return cls.build(_stored_features(engine), links=read_links(engine))

    def reload(self, engine: Engine) -> None:
        """Rebuild from the store; queries see the old or the new snapshot, never a mix."""
        from camroute.areas.store import read_links

        self._snapshot = _build(_stored_features(engine), read_links(engine))

    @property
    def current(self) -> Snapshot:
        """The snapshot in use now (take it once per query)."""
        return self._snapshot

    @property
    def admin(self) -> AdminIndex:
        """Admin units."""
        return self._snapshot.admin

    @property
    def services(self) -> ServiceIndex:
        """Service areas and stations."""
        return self._snapshot.services

    @property
    def streets(self) -> StreetIndex:
        """Streets, intersections, points of interest."""
        return self._snapshot.streets

    @property
    def names(self) -> NameIndex:
        """The address-search index."""
        return self._snapshot.names

    @property
    def counts(self) -> dict[str, int]:
        """Features per kind, intersections and links."""
        return dict(self._snapshot.counts)
