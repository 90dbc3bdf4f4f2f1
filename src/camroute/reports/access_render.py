"""The access review as CSV (one row per user and figure) and as an HTML page (vi or en).

Unlike the public report this one names users: it is for the centre's supervisors.
"""

from __future__ import annotations

import csv
import io
from html import escape

from camroute.reports.access import FIGURES
from camroute.reports.models import AccessFigure, AccessReport, AccessRow
from camroute.reports.render import Lang, html_page

LABELS: dict[str, dict[Lang, str]] = {
    "title": {"vi": "Rà soát truy cập camera", "en": "Camera access review"},
    "period": {"vi": "Thời gian", "en": "Period"},
    "user": {"vi": "Người dùng", "en": "User"},
    "views": {"vi": "Lượt xem", "en": "Views"},
    "off_ranking": {"vi": "Ngoài danh sách xếp hạng", "en": "Not in the ranking"},
    "after_close": {"vi": "Sau khi đóng sự việc", "en": "After the incident closed"},
    "outside_shift": {"vi": "Ngoài ca trực", "en": "Outside the shift"},
    "refusals": {"vi": "Bị từ chối", "en": "Refusals"},
    "median": {"vi": "Trung vị của nhóm", "en": "Team median"},
    "outlier": {"vi": "bất thường", "en": "outlier"},
    "events": {"vi": "Sự kiện kiểm toán", "en": "Audit events"},
    "none": {"vi": "Không có lượt xem nào trong thời gian này.", "en": "No views in this period."},
    "rule": {
        "vi": "Bất thường: lớn hơn {factor} × trung vị của nhóm và ít nhất {n} sự kiện. "
        "Ca trực: {hours} giờ kể từ lần đăng nhập.",
        "en": "Outlier: above {factor} × the team median and at least {n} events. "
        "Shift: {hours} hours from the login.",
    },
}


def _label(key: str, lang: Lang) -> str:
    return LABELS.get(key, {}).get(lang, key)


def _shown(figure: AccessFigure) -> str:
    if figure.share is None:
        return str(figure.count)
    return f"{figure.count} ({figure.share:.0%})"


def access_csv(report: AccessReport) -> str:
    """``user,roles,figure,count,share,team_median,outlier,event_ids`` rows (ids ``;``-joined)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["user", "roles", "figure", "count", "share", "team_median", "outlier", "event_ids"]
    )
    for row in report.users:
        for name in FIGURES:
            f: AccessFigure = getattr(row, name)
            writer.writerow(
                [
                    row.user,
                    ";".join(row.roles),
                    name,
                    f.count,
                    "" if f.share is None else f.share,
                    report.team_median[name],
                    str(f.outlier).lower(),
                    ";".join(str(i) for i in f.event_ids),
                ]
            )
    return out.getvalue()


def _cells(row: AccessRow) -> str:
    cells = []
    for name in FIGURES:
        f: AccessFigure = getattr(row, name)
        mark = " class='n outlier'" if f.outlier else " class=n"
        cells.append(f"<td{mark}>{escape(_shown(f))}{' ▲' if f.outlier else ''}</td>")
    return "".join(cells)


def _events(report: AccessReport, lang: Lang) -> str:
    items = []
    for row in report.users:
        for name in FIGURES:
            f: AccessFigure = getattr(row, name)
            if f.event_ids:
                ids = ", ".join(str(i) for i in f.event_ids)
                what = f"{escape(row.user)} · {escape(_label(name, lang))}"
                items.append(f"<li>{what}: <code>{ids}</code></li>")
    return f"<h2>{escape(_label('events', lang))}</h2><ul>{''.join(items)}</ul>" if items else ""


def access_html(report: AccessReport, *, lang: Lang = "vi") -> str:
    """A self-contained page: the table (outliers marked ▲), the rule, the events behind it."""
    head = "".join(f"<th>{escape(_label(n, lang))}</th>" for n in ("user", *FIGURES))
    body = "".join(
        f"<tr{' class=flagged' if r.outlier else ''}><td>{escape(r.user)}</td>{_cells(r)}</tr>"
        for r in report.users
    )
    medians = "".join(f"<td class=n>{report.team_median[n]:g}</td>" for n in FIGURES)
    rule = _label("rule", lang).format(
        factor=f"{report.rule.outlier_factor:g}",
        n=report.rule.outlier_min_events,
        hours=f"{report.rule.shift_s / 3600:g}",
    )
    table = (
        f"<table><tr>{head}</tr>{body}<tr class=median><td>{escape(_label('median', lang))}</td>"
        f"{medians}</tr></table>"
        if report.users
        else f"<p>{escape(_label('none', lang))}</p>"
    )
    parts = [
        f"<h1>{escape(_label('title', lang))}</h1>",
        f"<p>{escape(_label('period', lang))}: {report.date_from.isoformat()} – "
        f"{report.date_to.isoformat()}</p>",
        table,
        f"<p class=note>{escape(rule)}</p>",
        _events(report, lang),
    ]
    style = (
        "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:3px 8px}"
        "td.n{text-align:right}td.outlier{background:#fde2e1;color:#9b1c1c;font-weight:bold}"
        "tr.median td{color:#555;font-style:italic}code{font-size:11px}"
    )
    return html_page(_label("title", lang), "".join(parts), lang=lang, style=style, width_px=1000)
