"""``GET /api/reports/transparency``: the public report, for auditors (JSON, CSV or HTML)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from camroute.api.deps import EngineDep
from camroute.auth.deps import Role, require_roles
from camroute.reports.models import TransparencyReport
from camroute.reports.render import to_csv, to_html
from camroute.reports.service import transparency, ward_places

router = APIRouter(
    prefix="/api/reports", tags=["reports"], dependencies=[Depends(require_roles(Role.auditor))]
)
TEXT: dict[int | str, dict[str, object]] = {
    200: {
        "content": {"text/csv": {}, "text/html": {}},
        "description": "the report as CSV or HTML when asked with format",
    }
}


@router.get("/transparency", response_model=TransparencyReport, responses=TEXT)
def transparency_report(
    engine: EngineDep,
    date_from: Annotated[date, Query(alias="from", description="first day (UTC)")],
    date_to: Annotated[date, Query(alias="to", description="day after the last (UTC)")],
    fmt: Annotated[Literal["json", "csv", "html"], Query(alias="format")] = "json",
    lang: Literal["vi", "en"] = "vi",
) -> TransparencyReport | Response:
    """Calls, incidents and live views of the period: counts only, small ones as "<5"."""
    report = transparency(engine, date_from=date_from, date_to=date_to)
    if fmt == "csv":
        return Response(to_csv(report), media_type="text/csv; charset=utf-8")
    if fmt == "html":
        wards = ward_places(engine, (c.key for c in report.incidents_by_ward))
        return HTMLResponse(to_html(report, lang=lang, wards=wards))
    return report
