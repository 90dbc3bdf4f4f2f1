"""Read audit events for reports by action, time, incident and actor (in id order).

The audit API filters one incident or one actor at a time; a report needs the rankings and
closings of every incident its views touched, so it selects them by the hundred.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.audit.models import AuditEvent
from camroute.audit.tables import audit_events

_CHUNK = 500  # ids in one IN list: far below every backend's limit on bound parameters


def _chunks(values: Iterable[str]) -> list[list[str]]:
    ordered = sorted(set(values))
    return [ordered[i : i + _CHUNK] for i in range(0, len(ordered), _CHUNK)]


def read_events(
    engine: Engine,
    *,
    actions: Sequence[str],
    time_from: datetime | None = None,
    time_to: datetime | None = None,
    incident_ids: Iterable[str] | None = None,
    actors: Iterable[str] | None = None,
) -> list[AuditEvent]:
    """Events of ``actions`` in ``[time_from, time_to)``, of the incidents / actors given.

    One of ``incident_ids`` and ``actors`` at most; empty means no event (not every event).
    """
    if incident_ids is not None and actors is not None:
        raise ValueError("filter by incident_ids or by actors, not both")
    c = audit_events.c
    base: list[sa.ColumnElement[bool]] = [c.action.in_([str(a) for a in actions])]
    if time_from is not None:
        base.append(c.time >= time_from)
    if time_to is not None:
        base.append(c.time < time_to)
    column, values = (
        (c.incident_id, incident_ids) if incident_ids is not None else (c.actor, actors)
    )
    groups: list[list[str] | None] = [None] if values is None else list(_chunks(values))
    rows: list[AuditEvent] = []
    with engine.connect() as conn:
        for group in groups:
            where = base if group is None else [*base, column.in_(group)]
            result = conn.execute(sa.select(audit_events).where(*where).order_by(c.id))
            rows.extend(AuditEvent.model_validate(dict(r)) for r in result.mappings())
    return sorted(rows, key=lambda e: e.id)
