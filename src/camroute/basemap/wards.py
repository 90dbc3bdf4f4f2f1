"""The wards the areas package holds, as basemap features: names at a point, polygon edges.

The 2025 wards reach the map from the same store the location lookup answers from (imported
once, by ``camroute areas import``), so a city whose OSM extract lacks its ward relations -- or
holds them cut at the extract's edge, as the HCMC exports do -- still shows its ward names.
A ward stored as a polygon gives its edge and a point inside it; one stored as a centroid (the
``vietnamadminunits`` gazetteer) gives a name only, marked ``approximate``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import shapely
from sqlalchemy import Engine

from camroute.basemap.models import BasemapFeature, Props

WARD_LEVEL = "ward"


class AdminUnit(Protocol):
    """What the map needs of a stored admin unit (the areas package's ``AreaFeature`` fits)."""

    @property
    def name(self) -> str: ...
    @property
    def geometry(self) -> shapely.Geometry: ...
    @property
    def level(self) -> str | None: ...
    @property
    def code(self) -> str | None: ...
    @property
    def valid_from(self) -> datetime | None: ...
    @property
    def valid_to(self) -> datetime | None: ...


@dataclass(frozen=True)
class WardSource:
    """Where the stored admin units come from, given by the app (the areas store).

    Passed in rather than imported: the areas package already reads the basemap's streets
    for its lookup, and two packages must not import each other.
    """

    read: Callable[[Engine], Sequence[AdminUnit]]
    signature: Callable[[Engine], str]  # changes when admin units are imported or replaced


def _current(unit: AdminUnit, now: datetime) -> bool:
    starts, ends = unit.valid_from, unit.valid_to
    return (
        unit.level == WARD_LEVEL
        and (starts is None or starts <= now)
        and (ends is None or now < ends)
    )


def ward_features(
    units: Sequence[AdminUnit], *, named: Sequence[str] = (), now: datetime | None = None
) -> list[BasemapFeature]:
    """Basemap ``places`` (and ``boundaries`` for polygons) of the wards valid at ``now``.

    A ward whose name the basemap already places (``named``, from its OSM relation) is not
    named twice.

    Examples
    --------
    >>> from camroute.areas.models import AreaFeature  # what the app passes
    >>> ward = AreaFeature("admin", "Phường Bến Thành", shapely.box(0, 0, 1, 1), level="ward")
    >>> [(f.layer, f.kind, f.name) for f in ward_features([ward])]
    [('places', 'ward', 'Phường Bến Thành'), ('boundaries', 'ward', None)]
    >>> ward_features([ward], named=["Phường Bến Thành"])[0].layer
    'boundaries'
    """
    moment = now or datetime.now(UTC)
    seen = {unicodedata.normalize("NFC", n) for n in named}
    out: list[BasemapFeature] = []
    for unit in (u for u in units if _current(u, moment)):
        polygon = shapely.get_dimensions(unit.geometry) == 2
        name = unicodedata.normalize("NFC", unit.name)
        if name not in seen:
            seen.add(name)
            point = shapely.point_on_surface(unit.geometry) if polygon else unit.geometry
            props: Props = {} if polygon else {"approximate": 1}
            out.append(BasemapFeature("places", "ward", point, name, unit.code, props))
        if polygon:
            edge = shapely.boundary(unit.geometry)
            out.append(BasemapFeature("boundaries", "ward", edge, None, unit.code))
    return out
