"""Report use cases over the store: the transparency report for a period."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import shapely
from sqlalchemy import Engine

from camroute.areas.store import read_features
from camroute.cameras.store import load_cameras
from camroute.errors import InvalidInputError
from camroute.reports.models import TransparencyReport
from camroute.reports.transparency import build_report

MAX_DAYS = 3660


def transparency(engine: Engine, *, date_from: date, date_to: date) -> TransparencyReport:
    """The transparency report from ``date_from`` to ``date_to`` (exclusive, UTC days)."""
    if date_to <= date_from:
        raise InvalidInputError(
            f"to {date_to.isoformat()} must be after from {date_from.isoformat()}", field="to"
        )
    if (date_to - date_from).days > MAX_DAYS:
        raise InvalidInputError(f"a report covers at most {MAX_DAYS} days", field="to")
    frame = load_cameras(engine)
    restricted = set(frame.loc[frame["access_class"] == "restricted", "id"].astype(str))
    return build_report(
        engine, date_from=date_from, date_to=date_to, restricted=restricted.__contains__
    )


def ward_places(engine: Engine, codes: Iterable[str]) -> dict[str, tuple[float, float]]:
    """Ward code -> the ward's representative point (``lon, lat``), for the wards loaded."""
    wanted = set(codes)
    out: dict[str, tuple[float, float]] = {}
    for unit in read_features(engine, kind="admin"):
        if unit.code in wanted and (unit.level or "").replace("-", "_") == "ward":
            point = shapely.point_on_surface(unit.geometry)
            out.setdefault(unit.code, (float(point.x), float(point.y)))
    return out
