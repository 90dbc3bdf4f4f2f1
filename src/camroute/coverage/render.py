"""The coverage report as a self-contained HTML page (Vietnamese or English), printable to PDF.

The map picture is inline SVG (``coverage.mapsvg``); the PDF is printed by
``reports.pdf.html_to_pdf`` like the transparency report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Literal

from camroute.coverage.mapsvg import BLIND, SEEN_FILL, coverage_map_svg

if TYPE_CHECKING:
    from camroute.coverage.service import CoverageResult

Lang = Literal["vi", "en"]
LABELS: dict[str, tuple[str, str]] = {
    "title": ("Báo cáo độ phủ camera", "Camera coverage report"),
    "made": ("Lập lúc", "Made at"),
    "summary": ("Tổng quan", "Summary"),
    "cameras": ("Camera có tầm nhìn", "Cameras with a view"),
    "street_km": ("Chiều dài đường (km)", "Street length (km)"),
    "seen_km": ("Được camera nhìn thấy (km)", "Seen by a camera (km)"),
    "share": ("Tỷ lệ", "Share"),
    "incidents": ("Sự việc", "Incidents"),
    "incidents_seen": ("Sự việc trong vùng nhìn thấy", "Incidents in the seen area"),
    "months": ("tháng gần nhất", "last months"),
    "map": ("Bản đồ độ phủ", "Coverage map"),
    "legend_seen": ("vùng camera nhìn thấy", "seen by a camera"),
    "legend_blind": ("đoạn đường khuất (số thứ tự như bảng)", "blind stretch (numbered as below)"),
    "wards": ("Theo phường/xã (đơn vị 2025)", "By ward (2025 units)"),
    "ward": ("Phường/xã", "Ward"),
    "approx": (
        "Ranh giới phường ước tính: ô Voronoi quanh điểm trung tâm mỗi phường.",
        "Ward areas approximate: the Voronoi cell around each ward's point.",
    ),
    "streets": ("Theo tuyến đường (khuất nhiều nhất trước)", "By street (most unseen first)"),
    "street": ("Đường", "Street"),
    "length_m": ("Dài (m)", "Length (m)"),
    "seen_m": ("Nhìn thấy (m)", "Seen (m)"),
    "blind": ("Đoạn đường khuất, xếp theo mật độ cuộc gọi", "Blind stretches by call density"),
    "near": ("Sự việc trong {m} m", "Incidents within {m} m"),
    "per_km": ("Sự việc / km", "Incidents per km"),
    "none": ("Không có", "None"),
}


def _t(key: str, lang: Lang) -> str:
    vi, en = LABELS[key]
    return vi if lang == "vi" else en


def _pct(share: float) -> str:
    return f"{100 * share:.1f} %"


def _cell(value: object) -> str:
    """A table cell; figures (numbers, "12.5 %", "3.1 (4.0 %)") right-aligned."""
    text = str(value)
    numeric = isinstance(value, int | float) or text[:1].isdigit()
    return f"<td class=n>{escape(text)}</td>" if numeric else f"<td>{escape(text)}</td>"


def _table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    if not rows:
        return ""
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _summary(result: CoverageResult, lang: Lang, months: int) -> str:
    c, i = result.coverage, result.incidents
    rows = [
        (_t("cameras", lang), c.cameras),
        (_t("street_km", lang), f"{c.street_length_m / 1000:.1f}"),
        (_t("seen_km", lang), f"{c.street_seen_m / 1000:.1f} ({_pct(c.street_share)})"),
        (f"{_t('incidents', lang)} ({months} {_t('months', lang)})", i.incidents),
        (_t("incidents_seen", lang), f"{i.seen} ({_pct(i.share)})"),
    ]
    return f"<h2>{escape(_t('summary', lang))}</h2>{_table(('', ''), rows)}"


def _sections(result: CoverageResult, lang: Lang, top: int, near_m: float) -> list[str]:
    wards = [
        (w.name, f"{w.street_length_m / 1000:.2f}", _pct(w.street_share), w.incidents,
         _pct(w.incident_share))
        for w in result.wards[:top]
    ]  # fmt: skip
    ward_head = (_t("ward", lang), _t("street_km", lang), _t("share", lang),
                 _t("incidents", lang), _t("share", lang))  # fmt: skip
    note = f"<p class=note>{escape(_t('approx', lang))}</p>" if result.wards_approximate else ""
    streets = [
        (s.name, f"{s.length_m:.0f}", f"{s.seen_m:.0f}", _pct(s.share))
        for s in result.coverage.streets[:top]
    ]
    street_head = (_t("street", lang), _t("length_m", lang), _t("seen_m", lang), _t("share", lang))
    blind = [
        (n, b.name, f"{b.length_m:.0f}", b.incidents, f"{b.per_km:.1f}")
        for n, b in enumerate(result.blind[:top], start=1)
    ]
    near = _t("near", lang).format(m=f"{near_m:.0f}")
    blind_head = ("#", _t("street", lang), _t("length_m", lang), near, _t("per_km", lang))
    return [
        _section(_t("blind", lang), "", _table(blind_head, blind), lang),
        _section(_t("wards", lang), note, _table(ward_head, wards), lang),
        _section(_t("streets", lang), "", _table(street_head, streets), lang),
    ]


def _section(title: str, note: str, table: str, lang: Lang) -> str:
    body = table or f"<p>{escape(_t('none', lang))}</p>"
    return f"<section><h2>{escape(title)}</h2>{note}{body}</section>"


STYLE = (
    "body{font-family:'DejaVu Sans','Noto Sans',Arial,sans-serif;margin:24px;max-width:760px}"
    "table{border-collapse:collapse;margin:6px 0 14px;font-size:13px}"
    "th,td{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left}"
    "td.n{text-align:right}.note{color:#555;font-size:12px}h2{font-size:17px;margin-top:22px}"
    "section{break-inside:auto}thead{display:table-header-group}tr{break-inside:avoid}"
    ".key{display:inline-block;width:14px;height:10px;margin:0 4px 0 12px}"
)


def to_html(
    result: CoverageResult,
    *,
    lang: Lang = "vi",
    months: int = 12,
    top: int = 20,
    near_m: float = 30.0,
    made_at: datetime,
) -> str:
    """The report page: summary, map picture, blind stretches, wards, streets (``top`` rows)."""
    labels = [str(n) for n in range(1, min(top, len(result.blind)) + 1)]
    svg = coverage_map_svg(
        result.seen_wgs84,
        list(result.ways.geometry),
        result.blind_wgs84[: len(labels)],
        labels=labels,
    )
    legend = (
        f'<p class=note><span class=key style="background:{SEEN_FILL};opacity:.6"></span>'
        f'{escape(_t("legend_seen", lang))}<span class=key style="background:{BLIND}"></span>'
        f"{escape(_t('legend_blind', lang))}</p>"
    )
    parts = [
        f"<h1>{escape(_t('title', lang))}</h1>",
        f"<p class=note>{escape(_t('made', lang))}: {made_at.isoformat(timespec='minutes')}</p>",
        _summary(result, lang, months),
        f"<h2>{escape(_t('map', lang))}</h2>{svg}{legend}" if svg else "",
        *_sections(result, lang, top, near_m),
    ]
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(_t('title', lang))}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    )
