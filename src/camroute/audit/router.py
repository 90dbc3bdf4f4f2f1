"""Auditors read the log (JSON or CSV) and check the chain."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from camroute.api.deps import EngineDep, OffsetQuery
from camroute.audit import service
from camroute.audit.models import AuditEvent, AuditPage, AuditQuery, VerifyRead
from camroute.auth.deps import require_roles
from camroute.auth.models import Role
from camroute.errors import InvalidInputError

AUDIT_ROLES = (Role.auditor,)
CSV_COLUMNS = (
    "id",
    "time",
    "actor",
    "role",
    "action",
    "subject",
    "incident_id",
    "purpose",
    "details",
    "prev_hash",
    "hash",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

router = APIRouter(
    prefix="/api/audit", tags=["audit"], dependencies=[Depends(require_roles(*AUDIT_ROLES))]
)


def _cell(value: object) -> str:
    """Text for a CSV cell; a leading formula character is quoted so spreadsheets show it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def events_csv(events: list[AuditEvent]) -> str:
    """The events as CSV (UTF-8, header row, details as canonical JSON)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in events:
        row = e.model_dump()
        row["time"] = e.time.isoformat()
        row["details"] = service.to_canonical_details(e.details)
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def _wants_csv(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    return "text/csv" in request.headers.get("accept", "")


@router.get("", response_model=AuditPage, responses={200: {"content": {"text/csv": {}}}})
def list_events(
    request: Request,
    engine: EngineDep,
    camera: Annotated[str | None, Query(description="Subject: a camera id")] = None,
    user: Annotated[str | None, Query(description="Actor: a user or API key name")] = None,
    incident: Annotated[str | None, Query(description="Incident id")] = None,
    action: Annotated[str | None, Query(description="Action name")] = None,
    time_from: Annotated[datetime | None, Query(alias="from")] = None,
    time_to: Annotated[datetime | None, Query(alias="to")] = None,
    order: Literal["asc", "desc"] = "desc",
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: OffsetQuery = 0,
    fmt: Annotated[Literal["json", "csv"] | None, Query(alias="format")] = None,
) -> AuditPage | Response:
    """Audit events matching every given filter; ``format=csv`` or ``Accept: text/csv`` for CSV."""
    for name, moment in (("from", time_from), ("to", time_to)):
        if moment is not None and moment.tzinfo is None:
            raise InvalidInputError(f"{name} {moment.isoformat()} has no time zone", field=name)
    q = AuditQuery(
        subject=camera,
        actor=user,
        incident_id=incident,
        action=action,
        time_from=time_from,
        time_to=time_to,
        order=order,
        limit=limit,
        offset=offset,
    )
    page = service.query(engine, q)
    if _wants_csv(request, fmt):
        return Response(
            events_csv(page.items),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": 'attachment; filename="camroute-audit.csv"',
                "X-Total-Count": str(page.total),
            },
        )
    return page


@router.get("/verify", response_model=VerifyRead)
def verify_chain(
    engine: EngineDep,
    anchor: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9]+:[0-9a-f]{64}$",
            description="ID:HASH of a head kept outside the database",
        ),
    ] = None,
) -> VerifyRead:
    """Walk the whole chain; ``ok`` false names the first broken event."""
    expected = None
    if anchor is not None:
        event_id, digest = anchor.split(":")
        expected = (int(event_id), digest)
    return service.verify(engine, anchor=expected)
