"""The wards the areas package holds, as basemap features: names at a point, polygon edges.

The 2025 wards reach the map from the same store the location lookup answers from (imported
once, by ``camroute areas import``), so a city whose OSM extract lacks its ward relations -- or
holds them cut at the extract's edge, as the HCMC exports do -- still shows its ward names.
A ward stored as a polygon gives its edge and a point inside it; one stored as a centroid (the
``vietnamadminunits`` gazetteer) gives a name only, marked ``approximate``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

import shapely
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.areas.models import AreaFeature
from camroute.areas.store import read_features as read_area_features
from camroute.areas.tables import area_features
from camroute.basemap.models import BasemapFeature, Props

WARD_LEVEL = "ward"


def _current(unit: AreaFeature, now: datetime) -> bool:
    starts, ends = unit.valid_from, unit.valid_to
    return (
        unit.level == WARD_LEVEL
        and (starts is None or starts <= now)
        and (ends is None or now < ends)
    )


def ward_features(
    units: Sequence[AreaFeature], *, named: Sequence[str] = (), now: datetime | None = None
) -> list[BasemapFeature]:
    """Basemap ``places`` (and ``boundaries`` for polygons) of the wards valid at ``now``.

    A ward whose name the basemap already places (``named``, from its OSM relation) is not
    named twice.

    Examples
    --------
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


def read_wards(engine: Engine) -> list[AreaFeature]:
    """The stored admin units (every level; ``ward_features`` keeps the current wards)."""
    return read_area_features(engine, kind="admin")


def wards_signature(engine: Engine) -> str:
    """Changes when admin units are imported or replaced (a cheap check for the tile cache)."""
    t = area_features.c
    query = sa.select(sa.func.count(t.id), sa.func.max(t.id)).where(t.kind == "admin")
    with engine.connect() as conn:
        count, last = conn.execute(query).one()
    return f"{count}.{last}"
