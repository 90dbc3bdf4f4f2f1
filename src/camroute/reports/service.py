"""Report use cases over the store: the transparency report and the access review."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import shapely
from sqlalchemy import Engine

from camroute.areas.store import read_features
from camroute.audit.models import Action
from camroute.audit.service import record
from camroute.cameras.store import load_cameras
from camroute.errors import InvalidInputError
from camroute.reports.access import Rules, build_access, classify, read_period
from camroute.reports.models import (
    AccessEvents,
    AccessFigureName,
    AccessReport,
    TransparencyReport,
)
from camroute.reports.transparency import build_report
from camroute.settings import Settings
from camroute.store.txn import writing

MAX_DAYS = 3660


def check_period(date_from: date, date_to: date) -> None:
    """Refuse a reversed, empty or too long period (problem naming ``to``)."""
    if date_to <= date_from:
        raise InvalidInputError(
            f"to {date_to.isoformat()} must be after from {date_from.isoformat()}", field="to"
        )
    if (date_to - date_from).days > MAX_DAYS:
        raise InvalidInputError(f"a report covers at most {MAX_DAYS} days", field="to")


def transparency(engine: Engine, *, date_from: date, date_to: date) -> TransparencyReport:
    """The transparency report from ``date_from`` to ``date_to`` (exclusive, UTC days)."""
    check_period(date_from, date_to)
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


def rules_from(settings: Settings) -> Rules:
    """The access review's outlier rule and shift length, as configured."""
    return Rules(
        outlier_factor=settings.access_outlier_factor,
        outlier_min_events=settings.access_outlier_min_events,
        shift_s=settings.access_shift_s,
    )


@dataclass(frozen=True)
class Reader:
    """Who reads the access review: it names users, so each read is itself audited."""

    name: str
    role: str


def _record_read(engine: Engine, reader: Reader, **details: str) -> None:
    with writing(engine) as conn:
        record(
            conn,
            actor=reader.name,
            role=reader.role,
            action=Action.report_read,
            subject="access",
            details=details,
        )


def access_review(
    engine: Engine,
    *,
    date_from: date,
    date_to: date,
    reader: Reader,
    rules: Rules | None = None,
) -> AccessReport:
    """The supervisors' access review from ``date_from`` to ``date_to`` (exclusive)."""
    check_period(date_from, date_to)
    report = build_access(engine, date_from=date_from, date_to=date_to, rules=rules or Rules())
    _record_read(engine, reader, period_from=date_from.isoformat(), period_to=date_to.isoformat())
    return report


def access_events(
    engine: Engine,
    *,
    date_from: date,
    date_to: date,
    user: str,
    figure: AccessFigureName,
    reader: Reader,
    rules: Rules | None = None,
) -> AccessEvents:
    """The audit events behind ``user``'s ``figure`` in the review of the period."""
    check_period(date_from, date_to)
    _record_read(
        engine,
        reader,
        period_from=date_from.isoformat(),
        period_to=date_to.isoformat(),
        user=user,
        figure=figure,
    )
    shift_s = (rules or Rules()).shift_s
    period, context = read_period(engine, date_from=date_from, date_to=date_to, shift_s=shift_s)
    tally, _ = classify(period, context, shift_s=shift_s)
    wanted = set(tally.get(user, {}).get(figure, []))
    return AccessEvents(user=user, figure=figure, items=[e for e in period if e.id in wanted])
