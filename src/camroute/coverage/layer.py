"""The map's coverage layer from the figures and the last plan: GeoJSON geometries, WGS84.

The seen area is simplified to about half a metre and blind stretches cut to the ``top`` most
called, so a city's layer stays a few hundred kB.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry import mapping

from camroute.coverage.models import BlindRead, CoverageLayer, PlannedRead
from camroute.coverage.store import SavedPlan
from camroute.geo.shapes import sector

if TYPE_CHECKING:
    from camroute.coverage.service import CoverageResult

SIMPLIFY_DEG = 5e-6  # about 0.5 m


def _geojson(geom: shapely.Geometry) -> dict[str, Any]:
    return dict(mapping(shapely.set_precision(geom, 1e-7)))


def coverage_layer(
    result: CoverageResult,
    plan: SavedPlan | None,
    *,
    months: int,
    top: int,
    computed_at: datetime,
) -> CoverageLayer:
    """The layer: union of views, the ``top`` blind stretches, the plan's cones and gains."""
    seen = shapely.simplify(result.seen_wgs84, SIMPLIFY_DEG, preserve_topology=True)
    blind = [
        BlindRead(
            name=b.name,
            length_m=b.length_m,
            incidents=b.incidents,
            per_km=b.per_km,
            geometry=_geojson(g),
        )
        for b, g in zip(result.blind[:top], result.blind_wgs84[:top], strict=True)
    ]
    planned = [
        PlannedRead(
            **p.model_dump(),
            cone=_geojson(
                sector(
                    lon=p.lon,
                    lat=p.lat,
                    heading_deg=p.heading_deg,
                    hfov_deg=p.hfov_deg,
                    range_m=p.range_m,
                )
            ),
        )
        for p in (plan.cameras if plan else [])
    ]
    c = result.coverage
    return CoverageLayer(
        cameras=c.cameras,
        street_share=c.street_share,
        incidents=result.incidents.incidents,
        incident_share=result.incidents.share,
        months=months,
        seen=_geojson(seen),
        blind=blind,
        blind_total=len(result.blind),
        plan=planned,
        plan_made_at=plan.made_at if plan else None,
        computed_at=computed_at,
    )
