"""``/api/reports``: the transparency report and the supervisors' access review.

The transparency report is for auditors; the access review for supervisors and auditors.
Both as JSON, CSV or HTML.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from camroute.api.deps import EngineDep, SettingsDep
from camroute.auth.deps import PrincipalDep, Role, require_roles
from camroute.reports.access_render import access_csv, access_html
from camroute.reports.models import AccessEvents, AccessFigureName, AccessReport, TransparencyReport
from camroute.reports.render import to_csv, to_html
from camroute.reports.service import (
    Reader,
    access_events,
    access_review,
    rules_from,
    transparency,
    ward_places,
)

router = APIRouter(prefix="/api/reports", tags=["reports"])
AUDITORS = [Depends(require_roles(Role.auditor))]
REVIEWERS = [Depends(require_roles(Role.supervisor, Role.auditor))]
TEXT: dict[int | str, dict[str, object]] = {
    200: {
        "content": {"text/csv": {}, "text/html": {}},
        "description": "the report as CSV or HTML when asked with format",
    }
}
DateFrom = Annotated[date, Query(alias="from", description="first day (UTC)")]
DateTo = Annotated[date, Query(alias="to", description="day after the last (UTC)")]
Format = Annotated[Literal["json", "csv", "html"], Query(alias="format")]


@router.get(
    "/transparency", response_model=TransparencyReport, responses=TEXT, dependencies=AUDITORS
)
def transparency_report(
    engine: EngineDep,
    date_from: DateFrom,
    date_to: DateTo,
    fmt: Format = "json",
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


@router.get("/access", response_model=AccessReport, responses=TEXT, dependencies=REVIEWERS)
def access_report(
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    date_from: DateFrom,
    date_to: DateTo,
    fmt: Format = "json",
    lang: Literal["vi", "en"] = "vi",
) -> AccessReport | Response:
    """Per user: views, off-ranking share, after close, outside the shift, refusals, outliers.

    Every figure lists its audit event ids and links to them (``events_url``). Each read is
    audited (``report_read``): the review names users.
    """
    report = access_review(
        engine,
        date_from=date_from,
        date_to=date_to,
        reader=Reader(principal.name, principal.role),
        rules=rules_from(settings),
    )
    if fmt == "csv":
        return Response(access_csv(report), media_type="text/csv; charset=utf-8")
    if fmt == "html":
        return HTMLResponse(access_html(report, lang=lang))
    return report


@router.get("/access/events", response_model=AccessEvents, dependencies=REVIEWERS)
def access_report_events(
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    date_from: DateFrom,
    date_to: DateTo,
    user: Annotated[str, Query(min_length=1, max_length=128, description="the user's name")],
    figure: AccessFigureName,
) -> AccessEvents:
    """The audit events behind one figure of one user in the access review of the period."""
    return access_events(
        engine,
        date_from=date_from,
        date_to=date_to,
        user=user,
        figure=figure,
        reader=Reader(principal.name, principal.role),
        rules=rules_from(settings),
    )
