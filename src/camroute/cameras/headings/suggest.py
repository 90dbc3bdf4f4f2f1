"""Likely headings of a camera from the streets around it, each with a score and why.

Pure core. A traffic camera looks along a street: at a corner named ``"A - B"`` along A or B,
mid-block along its own street. Each direction is measured from the point of the street
nearest the camera to a point ``LOOK_AHEAD_M`` further along it, as a true bearing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import shapely
from pydantic import BaseModel, Field

from camroute.cameras.fov import KIND_DEFAULTS
from camroute.cameras.headings.names import corner_names
from camroute.cameras.headings.network import NearbyStreet, StreetNetwork
from camroute.geo import angle_diff_deg, bearing_deg

SEARCH_RADIUS_M: Final = 60.0  # corner cameras stand up to ~50 m from the junction
LOOK_AHEAD_M: Final = 30.0
MIN_RUN_M: Final = 8.0  # a street that ends closer than this offers no view that way
DISTANCE_SCALE_M: Final = 20.0  # the score halves about every 14 m from the street
SAME_DIRECTION_DEG: Final = 10.0  # closer suggestions are one
MAX_SUGGESTIONS: Final = 4
NAMED_WEIGHT: Final = 1.0  # the camera's name names this street
OTHER_WEIGHT: Final = 0.3  # a street nearby that the name does not mention
MINOR_FACTOR: Final = 0.5
# Measured on the HCMC cameras with 2017 headings (docs/HEADINGS.md): a corner camera looks
# along the street it stands on (the nearer one) in 20 of 23 cases; whether it looks toward
# the junction or away from it was near even (14 of 23 toward) and a preference for either
# lowered the top-1 share, so both ways along a street score the same.
CROSS_SCALE_M: Final = 12.0  # a named street farther than the camera's own by this: x 1/e
Along = Literal["corner", "street", "nearby"]


class Bilingual(BaseModel):
    """The same short explanation in Vietnamese and in English."""

    vi: str
    en: str


class HeadingSuggestion(BaseModel):
    """One likely heading of a camera."""

    heading_deg: float = Field(ge=0.0, lt=360.0, description="true bearing, clockwise from N")
    score: float = Field(ge=0.0, le=1.0)
    street: str
    along: Along = Field(description="corner street, the camera's own street, or just nearby")
    distance_m: float = Field(ge=0.0, description="camera to the street")
    reason: Bilingual


class CameraSite(BaseModel):
    """What the suggestions need to know of a camera."""

    id: str
    name: str | None = None
    lon: float
    lat: float
    kind: str = "fixed"
    hfov_deg: float | None = None


class CameraHeadings(BaseModel):
    """A camera's suggestions, best first, and the field of view to draw them with."""

    camera_id: str
    name: str | None
    lon: float
    lat: float
    hfov_deg: float
    hfov_assumed: bool
    suggestions: list[HeadingSuggestion]

    @property
    def best(self) -> HeadingSuggestion | None:
        """The highest scored suggestion, if any."""
        return self.suggestions[0] if self.suggestions else None


@dataclass(frozen=True)
class _Direction:
    heading_deg: float
    score: float
    street: NearbyStreet
    along: Along


def _directions_along(
    line: shapely.LineString, point: shapely.Point
) -> list[tuple[float, float, float, float]]:
    """``(x0, y0, x1, y1)`` from the nearest point of ``line`` ahead and back along it."""
    at_m, length_m = float(line.project(point)), float(line.length)
    here = line.interpolate(at_m)
    runs = []
    if length_m - at_m >= MIN_RUN_M:
        ahead = line.interpolate(min(at_m + LOOK_AHEAD_M, length_m))
        runs.append((here.x, here.y, ahead.x, ahead.y))
    if at_m >= MIN_RUN_M:
        back = line.interpolate(max(at_m - LOOK_AHEAD_M, 0.0))
        runs.append((here.x, here.y, back.x, back.y))
    return runs


def _mentioned(street: NearbyStreet, named: list[frozenset[str]]) -> bool:
    return any(street.key in spellings for spellings in named)


def _weight(
    street: NearbyStreet, named: list[frozenset[str]], *, own_m: float
) -> tuple[float, Along]:
    """Score before direction, and what kind of street it is to the camera.

    Named or not, minor or not, how far, how much farther than the camera's own street (the
    nearest street its name mentions, at ``own_m``).
    """
    along: Along
    if not _mentioned(street, named):
        weight, along = OTHER_WEIGHT, "nearby"
    else:
        weight, along = NAMED_WEIGHT, "corner" if len(named) >= 2 else "street"
        weight *= math.exp(-max(street.distance_m - own_m, 0.0) / CROSS_SCALE_M)
    if street.minor:
        weight *= MINOR_FACTOR
    return weight * math.exp(-street.distance_m / DISTANCE_SCALE_M), along


def _candidates(site: CameraSite, network: StreetNetwork, *, radius_m: float) -> list[_Direction]:
    x, y = network.projection.to_metric(site.lon, site.lat)
    point = shapely.Point(float(x), float(y))
    named = corner_names(site.name or "")
    streets = network.near(x_m=float(x), y_m=float(y), radius_m=radius_m)
    own_m = min((s.distance_m for s in streets if _mentioned(s, named)), default=0.0)
    found: list[_Direction] = []
    for street in streets:
        score, along = _weight(street, named, own_m=own_m)
        runs = [
            run
            for line in street.lines
            if line.distance(point) <= radius_m
            for run in _directions_along(line, point)
        ]
        if not runs:
            continue
        x0, y0, x1, y1 = np.asarray(runs, dtype=float).T
        lon0, lat0 = network.projection.to_wgs84(x0, y0)
        lon1, lat1 = network.projection.to_wgs84(x1, y1)
        headings = bearing_deg(from_lon=lon0, from_lat=lat0, to_lon=lon1, to_lat=lat1)
        found += [_Direction(float(h), score, street, along) for h in headings]
    return found


def _distinct(directions: list[_Direction], *, limit: int) -> list[_Direction]:
    kept: list[_Direction] = []
    for d in sorted(directions, key=lambda d: -d.score):
        gaps = np.abs(angle_diff_deg(d.heading_deg, [k.heading_deg for k in kept]))
        if not (gaps < SAME_DIRECTION_DEG).any():
            kept.append(d)
        if len(kept) == limit:
            break
    return kept


def _reason(d: _Direction) -> Bilingual:
    h, name, dist = round(d.heading_deg) % 360, d.street.name, round(d.street.distance_m)
    if d.along == "corner":
        return Bilingual(
            vi=f"dọc đường {name} tại góc phố trong tên camera, hướng {h}° (cách {dist} m)",
            en=f"along {name}, a street of the corner in the camera's name, {h}° ({dist} m away)",
        )
    if d.along == "street":
        return Bilingual(
            vi=f"dọc đường {name} trong tên camera, hướng {h}° (cách {dist} m)",
            en=f"along {name}, the street in the camera's name, {h}° ({dist} m away)",
        )
    return Bilingual(
        vi=f"dọc đường {name} gần nhất (tên camera không nhắc đến), hướng {h}° (cách {dist} m)",
        en=f"along nearby {name} (not in the camera's name), {h}° ({dist} m away)",
    )


def suggest_headings(
    site: CameraSite,
    network: StreetNetwork,
    *,
    radius_m: float = SEARCH_RADIUS_M,
    limit: int = MAX_SUGGESTIONS,
) -> CameraHeadings:
    """Likely headings of ``site`` along the streets within ``radius_m``, best first.

    No street within ``radius_m``: no suggestion (never a guess). The field of view is the
    camera's own, else the per-kind default (``hfov_assumed``).

    Examples
    --------
    >>> lines = [shapely.LineString([(106.699, 10.775), (106.701, 10.775)]),  # west-east
    ...          shapely.LineString([(106.700, 10.774), (106.700, 10.776)])]  # south-north
    >>> net = StreetNetwork.build(names=["Lê Lợi", "Nguyễn Huệ"], lines=lines)
    >>> cam = CameraSite(id="c1", name="Lê Lợi - Nguyễn Huệ", lon=106.70005, lat=10.77505)
    >>> found = suggest_headings(cam, net)
    >>> sorted(round(s.heading_deg) % 360 for s in found.suggestions)
    [0, 90, 180, 270]
    >>> found.suggestions[0].along, found.hfov_deg, found.hfov_assumed
    ('corner', 60.0, True)
    """
    if radius_m <= 0.0 or not math.isfinite(radius_m):
        raise ValueError(f"radius_m must be a positive number of metres, got {radius_m}")
    kept = _distinct(_candidates(site, network, radius_m=radius_m), limit=limit)
    suggestions = [
        HeadingSuggestion(
            heading_deg=round(d.heading_deg, 1) % 360.0,
            score=round(min(max(d.score, 0.0), 1.0), 3),
            street=d.street.name,
            along=d.along,
            distance_m=round(d.street.distance_m, 1),
            reason=_reason(d),
        )
        for d in kept
    ]
    default = KIND_DEFAULTS.get(site.kind, KIND_DEFAULTS["fixed"]).hfov_deg
    return CameraHeadings(
        camera_id=site.id,
        name=site.name,
        lon=site.lon,
        lat=site.lat,
        hfov_deg=site.hfov_deg if site.hfov_deg is not None else default,
        hfov_assumed=site.hfov_deg is None,
        suggestions=suggestions,
    )
