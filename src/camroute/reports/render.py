"""The transparency report as CSV and as a self-contained HTML page (Vietnamese or English).

The page carries its charts as inline SVG (weekly bars): no script, no request elsewhere.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from html import escape
from typing import Literal

from camroute.reports.models import Count, TransparencyReport
from camroute.reports.wardmap import ward_map_svg

Lang = Literal["vi", "en"]
SECTIONS = (
    "calls_by_hotline",
    "incidents_by_hotline",
    "incidents_by_week",
    "incidents_by_ward",
    "views_by_purpose",
    "views_by_role",
    "views_by_outcome",
    "cameras_most_used",
)
LABELS: dict[str, dict[Lang, str]] = {
    "title": {"vi": "Báo cáo minh bạch về sử dụng camera", "en": "Camera use transparency report"},
    "period": {"vi": "Thời gian", "en": "Period"},
    "calls_by_hotline": {"vi": "Cuộc gọi theo đường dây nóng", "en": "Calls by hotline"},
    "incidents_by_hotline": {"vi": "Sự việc theo đường dây nóng", "en": "Incidents by hotline"},
    "incidents_by_week": {"vi": "Sự việc theo tuần", "en": "Incidents by week"},
    "incidents_by_ward": {"vi": "Sự việc theo phường/xã (mã)", "en": "Incidents by ward (code)"},
    "views_by_purpose": {"vi": "Lượt xem trực tiếp theo mục đích", "en": "Live views by purpose"},
    "views_by_role": {"vi": "Lượt xem trực tiếp theo vai trò", "en": "Live views by role"},
    "views_by_outcome": {"vi": "Yêu cầu xem theo kết quả", "en": "View requests by outcome"},
    "cameras_most_used": {"vi": "Camera được xem nhiều nhất", "en": "Cameras viewed most"},
    "figures": {"vi": "Số liệu khác", "en": "Other figures"},
    "view_duration_median_s": {"vi": "Thời lượng xem trung vị (giây)", "en": "Median view (s)"},
    "view_duration_p95_s": {"vi": "Thời lượng xem p95 (giây)", "en": "95th percentile view (s)"},
    "views_per_incident_median": {
        "vi": "Lượt xem mỗi sự việc (trung vị)",
        "en": "Views per incident (median)",
    },
    "ptz_moves": {
        "vi": "Lần xoay camera PTZ (cả lần tự quay về vị trí gốc)",
        "en": "PTZ moves (returns home included)",
    },
    "retention_runs": {"vi": "Lần xóa dữ liệu hết hạn", "en": "Retention purges run"},
    "records_purged": {"vi": "Bản ghi đã xóa", "en": "Records purged"},
    "audit": {"vi": "Chuỗi nhật ký kiểm toán", "en": "Audit chain"},
    "audit_ok": {"vi": "đã kiểm tra, nguyên vẹn", "en": "verified, intact"},
    "audit_bad": {"vi": "BỊ SỬA ĐỔI", "en": "ALTERED"},
    "small": {
        "vi": "Số từ 1 đến 4 được ghi là \u201c<5\u201d. "
        "Không có tên người dùng hay vị trí người gọi.",
        "en": "Counts from 1 to 4 are shown as \u201c<5\u201d. No user names, no caller locations.",
    },
    "verify_incident": {"vi": "xác minh sự việc", "en": "verify the incident"},
    "locate_caller": {"vi": "xác định vị trí người gọi", "en": "locate the caller"},
    "guide_responders": {"vi": "hướng dẫn lực lượng", "en": "guide responders"},
    "dispatcher": {"vi": "điều phối viên", "en": "dispatcher"},
    "supervisor": {"vi": "giám sát viên", "en": "supervisor"},
    "unknown": {"vi": "không rõ", "en": "unknown"},
    "opened": {"vi": "đã mở", "en": "opened"},
    "refused": {"vi": "bị từ chối", "en": "refused"},
    "supervisor_approved": {"vi": "giám sát viên duyệt", "en": "supervisor approved"},
    "restricted_camera_opened": {"vi": "camera hạn chế", "en": "restricted cameras"},
    "protected_zone_refused": {
        "vi": "từ chối: khu vực được bảo vệ",
        "en": "refused: protected zone",
    },
    "protected_zone_approved": {
        "vi": "duyệt: khu vực được bảo vệ",
        "en": "approved: protected zone",
    },
}
FIGURES = (
    "view_duration_median_s",
    "view_duration_p95_s",
    "views_per_incident_median",
)


def _label(key: str, lang: Lang) -> str:
    return LABELS.get(key, {}).get(lang, key)


def to_csv(report: TransparencyReport) -> str:
    """``section,key,value`` rows (values as published: small counts are "<5")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "value"])
    writer.writerow(["period", "from", report.date_from.isoformat()])
    writer.writerow(["period", "to", report.date_to.isoformat()])
    for section in SECTIONS:
        for item in getattr(report, section):
            writer.writerow([section, item.key, item.shown])
    for name in FIGURES:
        value = getattr(report, name)
        writer.writerow(["figures", name, "" if value is None else value])
    for item in (report.ptz_moves, report.retention_runs, report.records_purged):
        writer.writerow(["figures", item.key, item.shown])
    writer.writerow(["audit", "chain_ok", str(report.audit_chain_ok).lower()])
    writer.writerow(["audit", "head", report.audit_head])
    return out.getvalue()


def _bars(items: list[Count], width_px: int = 560) -> str:
    """Horizontal SVG bars (a small count is drawn at its "<5" ceiling, hatched)."""
    if not items:
        return ""
    values = [c.count if c.count is not None else 4 for c in items]
    top = max(values) or 1
    row_px, label_px = 22, 110
    rects = []
    for i, (item, value) in enumerate(zip(items, values, strict=True)):
        y = i * row_px
        w = max(1, round((width_px - label_px - 50) * value / top))
        fill = "#9ec5e8" if item.count is None else "#2b6cb0"
        rects.append(
            f'<text x="0" y="{y + 15}" font-size="12">{escape(item.key)}</text>'
            f'<rect x="{label_px}" y="{y + 3}" width="{w}" height="15" fill="{fill}"/>'
            f'<text x="{label_px + w + 4}" y="{y + 15}" font-size="12">{escape(item.shown)}</text>'
        )
    height = row_px * len(items)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height}" '
        f'role="img">{"".join(rects)}</svg>'
    )


def _table(items: list[Count], lang: Lang) -> str:
    rows = "".join(
        f"<tr><td>{escape(_label(c.key, lang))}</td><td class=n>{escape(c.shown)}</td></tr>"
        for c in items
    )
    return f"<table>{rows}</table>" if rows else "<p>—</p>"


def to_html(
    report: TransparencyReport,
    *,
    lang: Lang = "vi",
    wards: Mapping[str, tuple[float, float]] | None = None,
) -> str:
    """A self-contained page (UTF-8, inline CSS and SVG), in ``lang``.

    ``wards`` (ward code -> its representative ``lon, lat``) adds the ward map.
    """
    parts = [
        f"<h1>{escape(_label('title', lang))}</h1>",
        f"<p>{escape(_label('period', lang))}: {report.date_from.isoformat()} – "
        f"{report.date_to.isoformat()}</p>",
        f"<p class=note>{escape(_label('small', lang))}</p>",
    ]
    for section in SECTIONS:
        items: list[Count] = getattr(report, section)
        chart = _bars(items) if section in ("incidents_by_week", "calls_by_hotline") else ""
        if section == "incidents_by_ward" and wards:
            chart = ward_map_svg(items, wards)
        title = escape(_label(section, lang))
        parts.append(f"<section><h2>{title}</h2>{chart}{_table(items, lang)}</section>")
    figures = [
        Count(key=name, count=None, shown="—" if v is None else str(v))
        for name in FIGURES
        for v in [getattr(report, name)]
    ]
    figures += [report.ptz_moves, report.retention_runs, report.records_purged]
    parts.append(f"<h2>{escape(_label('figures', lang))}</h2>{_table(figures, lang)}")
    state = _label("audit_ok" if report.audit_chain_ok else "audit_bad", lang)
    parts.append(
        f"<h2>{escape(_label('audit', lang))}</h2><p>{escape(state)} "
        f"({report.audit_checked}), <code>{escape(report.audit_head)}</code></p>"
    )
    style = (
        "table{border-collapse:collapse;margin:6px 0 14px}td{border-bottom:1px solid #ddd;"
        "padding:2px 10px}td.n{text-align:right}"
        "code{font-size:11px;word-break:break-all}"
        "section{break-inside:avoid}"
    )
    return html_page(_label("title", lang), "".join(parts), lang=lang, style=style)


def html_page(title: str, body: str, *, lang: Lang, style: str = "", width_px: int = 760) -> str:
    """A self-contained UTF-8 page: ``title`` escaped, ``body`` as given (already escaped)."""
    base = (
        "body{font-family:'DejaVu Sans','Noto Sans',Arial,sans-serif;margin:24px;"
        f"max-width:{width_px}px}}.note{{color:#555;font-size:13px}}"
        "h2{font-size:17px;margin-top:22px}"
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{base}{style}</style></head>"
        f"<body>{body}</body></html>"
    )
