"""How good the suggestions are against cameras whose heading is known (measured, not assumed).

Pure. A *corner camera* names two streets (``"A - B"``) that both run within the search
radius. Its street directions are the azimuths of the segment of A and of B nearest the camera,
taken independently of the suggestions (both ways), so "a suggestion within 20 degrees of a
street direction" can fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import shapely
from pydantic import BaseModel, Field

from camroute.cameras.headings.names import corner_names
from camroute.cameras.headings.network import StreetNetwork
from camroute.cameras.headings.suggest import SEARCH_RADIUS_M, CameraHeadings
from camroute.geo import angle_diff_deg

STREET_TOLERANCE_DEG: Final = 20.0
HEADING_TOLERANCE_DEG: Final = 30.0


class KnownHeading(BaseModel):
    """A camera's suggestions beside the heading recorded for it."""

    found: CameraHeadings
    heading_deg: float = Field(ge=0.0, lt=360.0)


class HeadingEvaluation(BaseModel):
    """Shares over the cameras with a known heading and at least one suggestion."""

    cameras: int = Field(description="known heading and at least one suggestion")
    without_suggestion: int = Field(description="known heading, no street near")
    corner_cameras: int
    corner_on_street: float = Field(description="corner cameras with a suggestion within 20 deg")
    best_within: float = Field(description="best suggestion within 30 deg of the heading")
    top2_within: float
    top4_within: float


def _segment_azimuths_deg(
    network: StreetNetwork, *, lon: float, lat: float, key: str
) -> list[float]:
    """Grid azimuths of the nearest segment of each way named ``key`` near the point."""
    x, y = network.projection.to_metric(lon, lat)
    point = shapely.Point(float(x), float(y))
    azimuths = []
    for street in network.near(x_m=float(x), y_m=float(y), radius_m=SEARCH_RADIUS_M):
        if street.key != key:
            continue
        for line in street.lines:
            coords = np.asarray(line.coords)
            segments = shapely.linestrings(np.stack([coords[:-1], coords[1:]], axis=1))
            nearest = int(np.argmin(shapely.distance(point, segments)))
            dx, dy = coords[nearest + 1] - coords[nearest]
            azimuths.append(float(np.degrees(np.arctan2(dx, dy))) % 360.0)
    return azimuths


def _corner_keys(case: KnownHeading, network: StreetNetwork) -> list[list[str]] | None:
    named = corner_names(case.found.name or "")
    if len(named) < 2:
        return None
    x, y = network.projection.to_metric(case.found.lon, case.found.lat)
    near = {s.key for s in network.near(x_m=float(x), y_m=float(y), radius_m=SEARCH_RADIUS_M)}
    keys = [sorted(spellings & near) for spellings in named[:2]]
    return keys if all(keys) else None


def _on_street(case: KnownHeading, network: StreetNetwork, keys: list[list[str]]) -> bool:
    suggested = np.array([s.heading_deg for s in case.found.suggestions])
    for key in (k for group in keys for k in group):
        for azimuth in _segment_azimuths_deg(
            network, lon=case.found.lon, lat=case.found.lat, key=key
        ):
            for way in (azimuth, azimuth + 180.0):  # grid convergence here is < 1 degree
                if (np.abs(angle_diff_deg(suggested, way)) <= STREET_TOLERANCE_DEG).any():
                    return True
    return False


def _within(case: KnownHeading, top: int) -> bool:
    headings = [s.heading_deg for s in case.found.suggestions[:top]]
    errors = np.abs(angle_diff_deg(headings, case.heading_deg))
    return bool((errors <= HEADING_TOLERANCE_DEG).any())


def evaluate(cases: Sequence[KnownHeading], network: StreetNetwork) -> HeadingEvaluation:
    """Score suggestions against recorded headings.

    Examples
    --------
    >>> evaluate([], StreetNetwork.build(names=[], lines=[])).cameras
    0
    """
    scored = [c for c in cases if c.found.suggestions]
    corners = [(c, k) for c in scored if (k := _corner_keys(c, network)) is not None]

    def share(hits: int, total: int) -> float:
        return round(hits / total, 4) if total else 0.0

    n = len(scored)
    return HeadingEvaluation(
        cameras=n,
        without_suggestion=len(cases) - n,
        corner_cameras=len(corners),
        corner_on_street=share(sum(_on_street(c, network, k) for c, k in corners), len(corners)),
        best_within=share(sum(_within(c, 1) for c in scored), n),
        top2_within=share(sum(_within(c, 2) for c in scored), n),
        top4_within=share(sum(_within(c, 4) for c in scored), n),
    )
