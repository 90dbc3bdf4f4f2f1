"""Build the transparency report from the audit chain: counts by hotline, ward, week, purpose.

Pure counting over audit events (:func:`tally`) plus one reader (:func:`build_report`). Nothing
personal leaves: no user names (roles only), no place finer than a ward code, and every count
from 1 to 4 is published as "<5".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import numpy as np
from sqlalchemy import Engine

from camroute.audit.models import AuditEvent, AuditQuery
from camroute.audit.service import Action, query, verify
from camroute.ptz.models import PtzAction
from camroute.reports.models import SMALL, Count, TransparencyReport

# Every event the ptz package writes when a camera turns: a user's aim, and the return home
# of a camera nobody watches any more (the system's move, as public as the user's).
PTZ_MOVES = (PtzAction.moved, PtzAction.returned_home)
ACTIONS = (
    Action.call_received,
    Action.incident_opened,
    Action.ticket_issued,
    Action.ticket_denied,
    Action.protected_view_approved,
    Action.stream_closed,
    Action.retention_purged,
    *PTZ_MOVES,
)
TOP_CAMERAS = 10
_PAGE = 10_000


def shown(n: int) -> str:
    """How a count is published.

    Examples
    --------
    >>> [shown(n) for n in (0, 1, 4, 5, 120)]
    ['0', '<5', '<5', '5', '120']
    """
    return "<5" if 0 < n < SMALL else str(n)


def count(key: str, n: int) -> Count:
    """A published count (``count`` hidden when small)."""
    return Count(key=key, count=None if 0 < n < SMALL else n, shown=shown(n))


def counts(values: Iterable[str | None]) -> list[Count]:
    """Counts per value (missing values as ``unknown``), largest first, then by key."""
    tally = Counter("unknown" if v is None or v == "" else str(v) for v in values)
    return [count(k, n) for k, n in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))]


def iso_week(moment: datetime) -> str:
    """``YYYY-Www`` of ``moment`` (UTC).

    Examples
    --------
    >>> iso_week(datetime(2026, 12, 4, 18, tzinfo=UTC))
    '2026-W49'
    """
    year, week, _ = moment.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def _detail(event: AuditEvent, key: str) -> Any:
    return (event.details or {}).get(key)


def _outcomes(
    by: Mapping[str, Sequence[AuditEvent]], restricted: Callable[[str], bool]
) -> list[Count]:
    issued, denied = by.get("ticket_issued", []), by.get("ticket_denied", [])
    approvals = [e for e in issued if e.role == "supervisor" and _detail(e, "reason")]
    return [
        count("opened", len(issued)),
        count("refused", len(denied)),
        count("supervisor_approved", len(approvals)),
        count("restricted_camera_opened", sum(restricted(e.subject or "") for e in issued)),
        count("protected_zone_refused", sum(bool(_detail(e, "protected_zones")) for e in denied)),
        count("protected_zone_approved", len(by.get("protected_view_approved", []))),
    ]


def _quantile(values: Sequence[float], q: float) -> float | None:
    return round(float(np.quantile(np.asarray(values), q)), 1) if values else None


def tally(
    events: Iterable[AuditEvent],
    *,
    date_from: date,
    date_to: date,
    restricted: Callable[[str], bool],
) -> dict[str, Any]:
    """Every count of the report from ``events`` (the audit events of the period)."""
    by: dict[str, list[AuditEvent]] = {}
    for event in events:
        by.setdefault(event.action, []).append(event)
    opened = by.get("incident_opened", [])
    issued = by.get("ticket_issued", [])
    durations = [float(d) for e in by.get("stream_closed", []) if (d := _detail(e, "duration_s"))]
    per_incident = Counter(e.incident_id for e in issued if e.incident_id)
    purges = by.get("retention_purged", [])
    purged = sum(
        int(_detail(e, "incidents") or 0) + int(_detail(e, "tickets") or 0) for e in purges
    )
    cameras = counts(e.subject for e in issued)[:TOP_CAMERAS]
    return {
        "date_from": date_from,
        "date_to": date_to,
        "calls_by_hotline": counts(_detail(e, "hotline") for e in by.get("call_received", [])),
        "incidents_by_hotline": counts(_detail(e, "hotline") for e in opened),
        "incidents_by_ward": counts(_detail(e, "ward_code") for e in opened),
        "incidents_by_week": sorted(counts(iso_week(e.time) for e in opened), key=lambda c: c.key),
        "views_by_purpose": counts(e.purpose for e in issued),
        "views_by_role": counts(e.role for e in issued),
        "views_by_outcome": _outcomes(by, restricted),
        "view_duration_median_s": _quantile(durations, 0.5),
        "view_duration_p95_s": _quantile(durations, 0.95),
        "views_per_incident_median": _quantile(list(per_incident.values()), 0.5),
        "cameras_most_used": cameras,
        "ptz_moves": count("ptz_moves", sum(len(by.get(a, [])) for a in PTZ_MOVES)),
        "retention_runs": count("retention_runs", len(purges)),
        "records_purged": count("records_purged", purged),
    }


def period_events(engine: Engine, *, date_from: date, date_to: date) -> list[AuditEvent]:
    """The audit events the report counts, from ``date_from`` to ``date_to`` (UTC days)."""
    start = datetime.combine(date_from, time(), UTC)
    end = datetime.combine(date_to, time(), UTC)
    out: list[AuditEvent] = []
    for action in ACTIONS:
        offset = 0
        while True:
            page = query(
                engine,
                AuditQuery(
                    action=str(action),
                    time_from=start,
                    time_to=end,
                    order="asc",
                    limit=_PAGE,
                    offset=offset,
                ),
            )
            out.extend(page.items)
            offset += len(page.items)
            if offset >= page.total or not page.items:
                break
    return out


def build_report(
    engine: Engine, *, date_from: date, date_to: date, restricted: Callable[[str], bool]
) -> TransparencyReport:
    """The report for the period; ``restricted(camera_id)`` says whether a camera is restricted."""
    events = period_events(engine, date_from=date_from, date_to=date_to)
    chain = verify(engine)
    return TransparencyReport(
        **tally(events, date_from=date_from, date_to=date_to, restricted=restricted),
        generated_at=datetime.now(UTC).replace(microsecond=0),
        audit_chain_ok=chain.ok,
        audit_checked=chain.checked,
        audit_head=f"{chain.head_id}:{chain.head_hash}",
    )
