"""The supervisors' access review: per user, which audit events count for which figure.

Pure classification over audit events in chain (id) order (:func:`classify`), the outlier rule
against the team's median (:func:`rows`), and one reader (:func:`build_access`).

What a figure counts:

- ``views``: ``ticket_issued`` events (a live view granted).
- ``off_ranking``: views of a camera absent from every ranking stored for the incident before
  the view (the ``route_computed`` events' camera lists; a new location ranks again).
- ``after_close``: ``ticket_issued`` or ``stream_opened`` events after the incident's
  ``incident_closed`` event (closing revokes tickets, so any is worth a look).
- ``outside_shift``: views with no ``login_ok`` of the user in the ``shift_s`` before them.
  camroute holds no rota: a shift is the working time a login opens (a login token lasts one
  shift), so a view by an API key or a session kept past its shift counts here.
- ``refusals``: ``ticket_denied`` events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from urllib.parse import urlencode

from sqlalchemy import Engine

from camroute.audit.models import Action, AuditEvent
from camroute.reports.audit_reader import read_events
from camroute.reports.models import (
    AccessFigure,
    AccessFigureName,
    AccessReport,
    AccessRow,
    AccessRule,
)

FIGURES: tuple[AccessFigureName, ...] = (
    "views",
    "off_ranking",
    "after_close",
    "outside_shift",
    "refusals",
)
PERIOD_ACTIONS = (Action.ticket_issued, Action.ticket_denied, Action.stream_opened)
INCIDENT_ACTIONS = (Action.route_computed, Action.incident_closed)
EVENTS_PATH = "/api/reports/access/events"

Tally = dict[str, dict[AccessFigureName, list[int]]]


@dataclass(frozen=True)
class Rules:
    """The outlier rule and the shift length (see :class:`AccessRule`)."""

    outlier_factor: float = 2.0
    outlier_min_events: int = 3
    shift_s: int = 8 * 3600


@dataclass
class _Seen:
    """What the chain said so far: rankings, closed incidents, last logins."""

    ranked: dict[str, set[str]]
    closed: set[str]
    login: dict[str, datetime]


def _learn(seen: _Seen, event: AuditEvent) -> None:
    incident = event.incident_id or ""
    if event.action == Action.route_computed:
        cameras = (event.details or {}).get("cameras") or []
        seen.ranked.setdefault(incident, set()).update(str(c) for c in cameras)
    elif event.action == Action.incident_closed:
        seen.closed.add(incident)
    elif event.action == Action.login_ok:
        seen.login[event.actor] = event.time


def _figures(seen: _Seen, event: AuditEvent, shift: timedelta) -> list[AccessFigureName]:
    incident = event.incident_id or ""
    late = incident in seen.closed
    if event.action == Action.ticket_denied:
        return ["refusals"]
    if event.action == Action.stream_opened:
        return ["after_close"] if late else []
    out: list[AccessFigureName] = ["views"]
    if (event.subject or "") not in seen.ranked.get(incident, set()):
        out.append("off_ranking")
    if late:
        out.append("after_close")
    login = seen.login.get(event.actor)
    if login is None or event.time - login > shift:
        out.append("outside_shift")
    return out


def classify(
    period: Iterable[AuditEvent], context: Iterable[AuditEvent], *, shift_s: int
) -> tuple[Tally, dict[str, set[str]]]:
    """User -> figure -> event ids, and user -> roles seen, from the period's view events.

    ``context`` holds the rankings, closings and logins the period's events are judged by; all
    events are taken in chain order, so only what was recorded before an event counts.
    """
    tally: Tally = {}
    roles: dict[str, set[str]] = {}
    seen = _Seen(ranked={}, closed=set(), login={})
    shift = timedelta(seconds=shift_s)
    counted = {e.id for e in period}
    for event in sorted([*period, *context], key=lambda e: e.id):
        _learn(seen, event)
        if event.id not in counted:
            continue
        figures = tally.setdefault(event.actor, {name: [] for name in FIGURES})
        roles.setdefault(event.actor, set()).add(event.role)
        for name in _figures(seen, event, shift):
            figures[name].append(event.id)
    return tally, roles


def _value(figures: Mapping[AccessFigureName, list[int]], name: AccessFigureName) -> float:
    """The number compared with the team: the share of views for off_ranking, else the count."""
    if name == "off_ranking":
        views = len(figures["views"])
        return len(figures[name]) / views if views else 0.0
    return float(len(figures[name]))


def team_medians(tally: Tally) -> dict[str, float]:
    """Figure -> the median over the users of the period (0 with no user).

    Examples
    --------
    >>> t = {u: {n: list(range(k)) for n in FIGURES} for u, k in (("a", 1), ("b", 2), ("c", 9))}
    >>> team_medians(t)["views"], team_medians(t)["off_ranking"]
    (2.0, 1.0)
    """
    return {
        name: float(median([_value(f, name) for f in tally.values()])) if tally else 0.0
        for name in FIGURES
    }


def events_url(*, date_from: date, date_to: date, user: str, figure: str) -> str:
    """The link to the events behind one figure (supervisors and auditors may open it)."""
    query = {"from": date_from.isoformat(), "to": date_to.isoformat(), "user": user}
    return f"{EVENTS_PATH}?{urlencode({**query, 'figure': figure})}"


def rows(
    tally: Tally, roles: Mapping[str, set[str]], *, rules: Rules, date_from: date, date_to: date
) -> list[AccessRow]:
    """One row per user (most views first), each figure flagged against the team's median."""
    medians = team_medians(tally)
    out: list[AccessRow] = []
    for user, figures in tally.items():
        cells: dict[str, AccessFigure] = {}
        for name in FIGURES:
            ids = figures[name]
            views = len(figures["views"])
            share = round(len(ids) / views, 4) if name == "off_ranking" and views else None
            high = _value(figures, name) > rules.outlier_factor * medians[name]
            cells[name] = AccessFigure(
                count=len(ids),
                share=share,
                outlier=high and len(ids) >= rules.outlier_min_events,
                event_ids=ids,
                events_url=events_url(date_from=date_from, date_to=date_to, user=user, figure=name),
            )
        out.append(_row(user, sorted(roles[user]), cells))
    return sorted(out, key=lambda r: (-r.views.count, r.user))


def _row(user: str, roles: list[str], cells: Mapping[str, AccessFigure]) -> AccessRow:
    return AccessRow(
        user=user,
        roles=roles,
        views=cells["views"],
        off_ranking=cells["off_ranking"],
        after_close=cells["after_close"],
        outside_shift=cells["outside_shift"],
        refusals=cells["refusals"],
        outlier=any(c.outlier for c in cells.values()),
    )


def period_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The UTC instants a period of days starts and ends at."""
    return datetime.combine(date_from, time(), UTC), datetime.combine(date_to, time(), UTC)


def _before(moment: datetime, *, seconds: int) -> datetime | None:
    """``seconds`` before ``moment``; None (no bound) when that is before year 1."""
    earliest = datetime.min.replace(tzinfo=UTC)
    span = timedelta(seconds=seconds)
    return moment - span if moment - earliest > span else None


def read_period(
    engine: Engine, *, date_from: date, date_to: date, shift_s: int
) -> tuple[list[AuditEvent], list[AuditEvent]]:
    """The period's view events, and the rankings, closings and logins they are judged by."""
    start, end = period_bounds(date_from, date_to)
    period = read_events(engine, actions=PERIOD_ACTIONS, time_from=start, time_to=end)
    incidents = {e.incident_id for e in period if e.incident_id}
    context = read_events(engine, actions=INCIDENT_ACTIONS, time_to=end, incident_ids=incidents)
    logins = read_events(
        engine,
        actions=(Action.login_ok,),
        time_from=_before(start, seconds=shift_s),
        time_to=end,
        actors={e.actor for e in period},
    )
    return period, [*context, *logins]


def build_access(engine: Engine, *, date_from: date, date_to: date, rules: Rules) -> AccessReport:
    """The access review of the period."""
    period, context = read_period(
        engine, date_from=date_from, date_to=date_to, shift_s=rules.shift_s
    )
    tally, roles = classify(period, context, shift_s=rules.shift_s)
    return AccessReport(
        date_from=date_from,
        date_to=date_to,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        rule=AccessRule(
            outlier_factor=rules.outlier_factor,
            outlier_min_events=rules.outlier_min_events,
            shift_s=rules.shift_s,
        ),
        team_median=team_medians(tally),
        users=rows(tally, roles, rules=rules, date_from=date_from, date_to=date_to),
    )
