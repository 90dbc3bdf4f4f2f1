"""Suggest headings for the registry's cameras and, when asked, store the best one.

An applied suggestion is an ordinary camera update (``cameras.service.update_camera``): the
same If-Match check, ``camera_history`` row and audit event, one transaction per camera, with
``heading_source = suggested`` so routing treats the heading as an estimate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

import numpy as np
import sqlalchemy as sa
from numpy.typing import NDArray
from pydantic import BaseModel, Field
from pyproj import Geod
from sqlalchemy import Engine

from camroute.areas.models import AreaFeature
from camroute.cameras import service, store
from camroute.cameras.headings.network import StreetNetwork
from camroute.cameras.headings.pastcalls import calls_in_range
from camroute.cameras.headings.suggest import CameraHeadings, CameraSite, suggest_headings
from camroute.cameras.model import CameraUpdate
from camroute.cameras.tables import cameras
from camroute.errors import ConflictError, PreconditionFailedError
from camroute.geo import local_projection
from camroute.incidents.service import incident_places
from camroute.store.txn import writing

SUGGESTED = "suggested"
# A heading a person has not confirmed: none, an assumed one, or a suggestion.
UNCONFIRMED_SOURCES = ("assumed", SUGGESTED)
_GEOD = Geod(ellps="WGS84")
# Only a fixed camera has one heading to find: a PTZ camera turns, a 360 dome sees all round.
NEEDS_HEADING_KINDS = ("fixed",)
Outcome = Literal["applied", "would_apply", "below_min_score", "no_street", "listed", "conflict"]


class HeadingRow(BaseModel):
    """One camera of a run: its suggestions and what the run did with the best one."""

    found: CameraHeadings
    version: int
    outcome: Outcome


class HeadingRun(BaseModel):
    """Every camera without a heading, and the counts of the JSON summary."""

    rows: list[HeadingRow]
    dry_run: bool
    apply_best: bool
    min_score: float

    def summary(self) -> dict[str, int | bool | float]:
        """The JSON summary line of the CLI (its keys are an interface)."""
        count = {o: sum(r.outcome == o for r in self.rows) for o in get_args(Outcome)}
        return {
            "cameras": len(self.rows),
            "with_suggestion": sum(bool(r.found.suggestions) for r in self.rows),
            "applied": count["applied"],
            "would_apply": count["would_apply"],
            "below_min_score": count["below_min_score"],
            "no_street": count["no_street"],
            "conflicts": count["conflict"],
            "min_score": self.min_score,
            "dry_run": self.dry_run,
        }


def street_network(streets: Sequence[AreaFeature]) -> StreetNetwork:
    """The street layer as a metric network for suggestions."""
    return StreetNetwork.build(
        names=[s.name for s in streets],
        lines=[s.geometry for s in streets],
        classes=[s.props.get("highway") for s in streets],
    )


def _without_heading(engine: Engine) -> list[tuple[CameraSite, int]]:
    c = cameras.c
    query = (
        sa.select(c.id, c.name, c.lon, c.lat, c.kind, c.hfov_deg, c.version)
        .where(c.heading_deg.is_(None), c.kind.in_(NEEDS_HEADING_KINDS))
        .order_by(c.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        (
            CameraSite(
                id=r.id, name=r.name, lon=r.lon, lat=r.lat, kind=r.kind, hfov_deg=r.hfov_deg
            ),
            int(r.version),
        )
        for r in rows
    ]


def _apply(engine: Engine, found: CameraHeadings, *, version: int, actor: str) -> Outcome:
    best = found.best
    if best is None:
        return "no_street"
    body = CameraUpdate(heading_deg=best.heading_deg, heading_source=SUGGESTED)
    try:
        with writing(engine) as conn:
            service.update_camera(conn, found.camera_id, body, if_match=version, actor=actor)
    except (PreconditionFailedError, ConflictError):
        return "conflict"  # changed since it was read: a person's edit wins
    return "applied"


def suggest_registry(
    engine: Engine, network: StreetNetwork, *, min_score: float = 0.0
) -> HeadingRun:
    """Suggestions for every fixed camera without a heading, read at their current version.

    A camera whose best suggestion scores at least ``min_score`` is ``listed`` (ready to
    apply); the others are ``below_min_score`` or, with no street near, ``no_street``.
    """
    if not 0.0 <= min_score <= 1.0:
        raise ValueError(f"min_score must lie in [0, 1], got {min_score}")
    rows = []
    for site, version in _without_heading(engine):
        found = suggest_headings(site, network)
        outcome: Outcome = "listed"
        if found.best is None:
            outcome = "no_street"
        elif found.best.score < min_score:
            outcome = "below_min_score"
        rows.append(HeadingRow(found=found, version=version, outcome=outcome))
    return HeadingRun(rows=rows, dry_run=False, apply_best=False, min_score=min_score)


def apply_best(
    engine: Engine, run: HeadingRun, *, dry_run: bool = False, actor: str = "cli"
) -> HeadingRun:
    """Store the best suggestion of each ``listed`` camera, one transaction per camera.

    A camera changed since ``run`` read it (another version) is a ``conflict`` and keeps its
    values. ``dry_run`` only marks them ``would_apply``.
    """
    rows = []
    for row in run.rows:
        outcome = row.outcome
        if outcome == "listed":
            outcome = (
                "would_apply"
                if dry_run
                else _apply(engine, row.found, version=row.version, actor=actor)
            )
        rows.append(row.model_copy(update={"outcome": outcome}))
    return run.model_copy(update={"rows": rows, "dry_run": dry_run, "apply_best": True})


def suggest_camera(engine: Engine, camera_id: str, network: StreetNetwork) -> CameraHeadings:
    """Suggestions for one stored camera (whatever its heading is now)."""
    with engine.connect() as conn:
        row = store.require_camera(conn, camera_id)
    site = CameraSite(
        id=row["id"],
        name=row["name"],
        lon=row["lon"],
        lat=row["lat"],
        kind=row["kind"],
        hfov_deg=row["hfov_deg"],
    )
    return suggest_headings(site, network)


QueueOrder = Literal["nearest", "calls"]


class QueuedCamera(BaseModel):
    """A fixed camera whose heading no person has confirmed yet."""

    id: str
    name: str | None
    lon: float
    lat: float
    heading_deg: float | None
    heading_source: str | None
    hfov_deg: float
    distance_m: float = Field(description="from the point the queue was asked for")
    past_calls: int = Field(
        ge=0, description="incident places of the period within the camera's range"
    )


class HeadingQueue(BaseModel):
    """Cameras still without a measured heading, nearest first or most past calls first."""

    items: list[QueuedCamera]
    total: int
    order: QueueOrder = "nearest"
    since: datetime | None = Field(default=None, description="past calls counted from here")


def heading_queue(
    engine: Engine,
    *,
    lon: float,
    lat: float,
    limit: int = 50,
    order: QueueOrder = "nearest",
    since: datetime | None = None,
) -> HeadingQueue:
    """Fixed cameras with no heading or an assumed / suggested one.

    ``order="nearest"``: nearest to ``lon, lat`` first. ``order="calls"``: the most incident
    places since ``since`` (default a year back) within each camera's range first, then nearest:
    the cameras whose heading would have served the most callers.
    """
    c = cameras.c
    unconfirmed = sa.or_(c.heading_deg.is_(None), c.heading_source.in_(UNCONFIRMED_SOURCES))
    query = sa.select(
        c.id, c.name, c.lon, c.lat, c.heading_deg, c.heading_source, c.hfov_deg, c.range_m
    ).where(c.kind.in_(NEEDS_HEADING_KINDS), unconfirmed)
    since = since or datetime.now(UTC) - timedelta(days=365)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    if not rows:
        return HeadingQueue(items=[], total=0, order=order, since=since)
    lons = np.array([r.lon for r in rows], dtype=float)
    lats = np.array([r.lat for r in rows], dtype=float)
    _az, _back, dist_m = _GEOD.inv(np.full_like(lons, lon), np.full_like(lats, lat), lons, lats)
    calls = _past_calls(engine, lons, lats, [r.range_m for r in rows], since=since)
    keys = (dist_m,) if order == "nearest" else (dist_m, -calls)  # lexsort: last key first
    ranked = np.lexsort(keys)[:limit]
    items = [
        QueuedCamera(
            **{k: v for k, v in rows[i]._mapping.items() if k != "range_m"},
            distance_m=round(float(dist_m[i]), 1),
            past_calls=int(calls[i]),
        )
        for i in ranked.tolist()
    ]
    return HeadingQueue(items=items, total=len(rows), order=order, since=since)


def _past_calls(
    engine: Engine,
    lons: NDArray[np.float64],
    lats: NDArray[np.float64],
    range_m: Sequence[float],
    *,
    since: datetime,
) -> NDArray[np.int64]:
    places = incident_places(engine, since=since)
    if not places:
        return np.zeros(lons.size, dtype=np.int64)
    projection = local_projection(lon=float(np.median(lons)), lat=float(np.median(lats)))
    cx, cy = projection.to_metric(lons, lats)
    px, py = projection.to_metric([p.lon for p in places], [p.lat for p in places])
    return calls_in_range(cx, cy, range_m, px, py)
