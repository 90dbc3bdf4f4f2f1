"""The transparency report equals counts made independently from the audit table, and holds
no user name and no coordinate (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
import shapely
import sqlalchemy as sa
from sqlalchemy import Engine
from typer.testing import CliRunner

from camroute.areas.models import AreaFeature
from camroute.areas.store import write_features
from camroute.audit.service import record_many
from camroute.audit.tables import audit_events
from camroute.cameras.store import insert_camera
from camroute.cli import app
from camroute.ptz.models import PtzAction
from camroute.reports.models import TransparencyReport
from camroute.reports.render import to_csv, to_html
from camroute.reports.service import transparency
from camroute.reports.transparency import iso_week, shown

USERS = ("nguyen.van.an", "tran.thi.binh", "le.minh.chau")
SUPERVISOR = "pham.thu.dung"
ZONE = [{"zone_id": "z1", "name": "Trường A", "kind": "school", "policy": "never"}]


def _e(action: str, actor: str, role: str, **fields: Any) -> dict[str, Any]:
    return {"actor": actor, "role": role, "action": action, **fields}


def _seed() -> list[dict[str, Any]]:
    events = []
    for hotline in ["113"] * 7 + ["114"] * 2 + ["115"] * 5:
        events.append(_e("call_received", "cad", "integration", details={"hotline": hotline}))
    wards = [("113", "26734")] * 6 + [("115", "26737")] * 3 + [("114", None)]
    for n, (hotline, ward) in enumerate(wards):
        details = {"hotline": hotline, "ward_code": ward}
        if n == 0:  # a careless writer's coordinates: the report must not copy details over
            details.update(lon=106.70123, lat=10.77456)
        events.append(
            _e("incident_opened", "cad", "integration", incident_id=f"I{n}", details=details)
        )
    for n in range(5):  # dispatchers, ranked cameras
        purpose = "verify_incident" if n < 4 else "locate_caller"
        events.append(
            _e(
                "ticket_issued",
                USERS[n % 3],
                "dispatcher",
                subject="CAM-A",
                incident_id=f"I{n % 2}",
                purpose=purpose,
                details={"reason": None},
            )
        )
    for n in range(3):  # a supervisor on a restricted camera, two with a written reason
        events.append(
            _e(
                "ticket_issued",
                SUPERVISOR,
                "supervisor",
                subject="CAM-R",
                incident_id="I5",
                purpose="verify_incident",
                details={"reason": "xác minh đám cháy" if n < 2 else None},
            )
        )
    for n in range(6):
        details = {"why": "no", **({"protected_zones": ZONE} if n < 2 else {})}
        events.append(
            _e("ticket_denied", USERS[n % 3], "dispatcher", subject="CAM-Z", details=details)
        )
    events.append(
        _e(
            "protected_view_approved",
            SUPERVISOR,
            "supervisor",
            subject="CAM-Z",
            details={"protected_zones": ZONE, "reason": "cháy gần trường"},
        )
    )
    for d in (10.0, 20.0, 30.0, 40.0, 100.0):
        events.append(
            _e("stream_closed", USERS[0], "dispatcher", subject="CAM-A", details={"duration_s": d})
        )
    events.append(
        _e("retention_purged", "system", "system", details={"incidents": 3, "tickets": 4})
    )
    events.append(_e("login_ok", USERS[1], "dispatcher"))  # not counted
    events += _ptz_events()
    return events


def _ptz_events() -> list[dict[str, Any]]:
    """What the ptz package writes: three aims, four returns home, and no move besides."""
    events = [
        _e(PtzAction.moved, USERS[n], "dispatcher", subject="CAM-P", incident_id="I1")
        for n in range(3)
    ]
    events += [_e(PtzAction.returned_home, "system", "system", subject="CAM-P") for _ in range(4)]
    events.append(_e(PtzAction.refused, USERS[0], "dispatcher", subject="CAM-P"))
    events.append(_e(PtzAction.taken_over, SUPERVISOR, "supervisor", subject="CAM-P"))
    events.append(_e(PtzAction.released, SUPERVISOR, "supervisor", subject="CAM-P"))
    events.append(_e(PtzAction.calibrated, "gus", "gis_admin", subject="CAM-P"))
    return events


@pytest.fixture
def seeded(store_engine: Engine) -> Engine:
    with store_engine.begin() as conn:
        record_many(conn, _seed())
        camera = {
            "id": "CAM-R",
            "name": "r",
            "lon": 106.7,
            "lat": 10.77,
            "hfov_deg": 60.0,
            "range_m": 50.0,
            "kind": "fixed",
            "status": "online",
            "access_class": "restricted",
            "fov_assumed": False,
        }
        insert_camera(conn, camera, actor="test")
    wards = [
        ("26734", "Phường Bến Thành", 106.6983, 10.7735),
        ("26737", "Phường Sài Gòn", 106.7041, 10.7786),
    ]
    write_features(
        store_engine,
        [
            AreaFeature(kind="admin", name=n, code=c, level="ward", geometry=shapely.Point(x, y))
            for c, n, x, y in wards
        ],
    )
    return store_engine


def _today() -> tuple[Any, Any]:
    today = datetime.now(UTC).date()
    return today, today + timedelta(days=1)


def _published(counter: Counter[str]) -> dict[str, str]:
    return {k: shown(n) for k, n in counter.items()}


def test_numbers_equal_independent_counts(seeded: Engine) -> None:
    start, end = _today()
    report = transparency(seeded, date_from=start, date_to=end)
    with seeded.connect() as conn:
        rows = [dict(r) for r in conn.execute(sa.select(audit_events)).mappings()]
    by: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by.setdefault(row["action"], []).append(row)

    def table(items: list[Any]) -> dict[str, str]:
        return {c.key: c.shown for c in items}

    calls = Counter(r["details"]["hotline"] for r in by["call_received"])
    assert (
        table(report.calls_by_hotline) == _published(calls) == {"113": "7", "114": "<5", "115": "5"}
    )
    opened = by["incident_opened"]
    assert table(report.incidents_by_hotline) == _published(
        Counter(r["details"]["hotline"] for r in opened)
    )
    wards = Counter(r["details"]["ward_code"] or "unknown" for r in opened)
    assert table(report.incidents_by_ward) == _published(wards)
    assert table(report.incidents_by_week) == {iso_week(opened[0]["time"]): "10"}
    issued = by["ticket_issued"]
    assert table(report.views_by_purpose) == _published(Counter(r["purpose"] for r in issued))
    assert table(report.views_by_role) == _published(Counter(r["role"] for r in issued))
    outcome = table(report.views_by_outcome)
    assert outcome["opened"] == shown(len(issued)) == "8"
    assert outcome["refused"] == shown(len(by["ticket_denied"])) == "6"
    assert outcome["supervisor_approved"] == "<5"  # two
    assert outcome["restricted_camera_opened"] == "<5"  # three on CAM-R
    assert outcome["protected_zone_refused"] == "<5"
    assert outcome["protected_zone_approved"] == "<5"
    durations = sorted(r["details"]["duration_s"] for r in by["stream_closed"])
    assert report.view_duration_median_s == durations[2] == 30.0
    assert report.view_duration_p95_s == pytest.approx(88.0)  # linear between 40 and 100
    per_incident = Counter(r["incident_id"] for r in issued)
    assert report.views_per_incident_median == sorted(per_incident.values())[1] == 3.0
    assert table(report.cameras_most_used) == {"CAM-A": "5", "CAM-R": "<5"}
    assert (report.retention_runs.shown, report.records_purged.shown) == ("<5", "7")
    moves = [r for r in rows if r["action"] in ("ptz_moved", "ptz_returned_home")]
    assert report.ptz_moves.shown == shown(len(moves)) == "7"
    assert report.audit_chain_ok
    assert report.audit_checked == len(rows)
    assert report.audit_head.startswith(f"{max(r['id'] for r in rows)}:")


def test_small_counts_never_carry_the_number(seeded: Engine) -> None:
    start, end = _today()
    report = transparency(seeded, date_from=start, date_to=end)
    small = [c for c in report.calls_by_hotline if c.shown == "<5"]
    assert small
    assert all(c.count is None for c in small)


def test_no_user_name_and_no_coordinate_in_any_output(seeded: Engine, tmp_path: Path) -> None:
    start, end = _today()
    db = str(seeded.url.render_as_string(hide_password=False))
    runner = CliRunner()
    files = {}
    for fmt, lang in (("html", "vi"), ("html", "en"), ("csv", "vi"), ("json", "vi")):
        out = tmp_path / f"report-{lang}.{fmt}"
        result = runner.invoke(
            app,
            [
                "report",
                "transparency",
                "--from",
                start.isoformat(),
                "--to",
                end.isoformat(),
                "--format",
                fmt,
                "--lang",
                lang,
                "--out",
                str(out),
                "--db",
                db,
            ],
        )
        assert result.exit_code == 0, result.output
        files[out.name] = out.read_text(encoding="utf-8")
    for name, text in files.items():
        for user in (*USERS, SUPERVISOR, "cad"):
            assert user not in text, f"{user} in {name}"
        assert not re.search(r"\b1?\d{2}\.\d{4,}", text), f"a coordinate in {name}"
    assert "Báo cáo minh bạch về sử dụng camera" in files["report-vi.html"]
    assert "Sự việc theo phường/xã" in files["report-vi.html"]
    assert "Camera use transparency report" in files["report-en.html"]
    assert "<svg" in files["report-vi.html"]
    assert files["report-vi.html"].count("<circle") == 2  # the ward map: both wards placed
    TransparencyReport.model_validate(orjson.loads(files["report-vi.json"]))
    assert "calls_by_hotline,114,<5" in files["report-vi.csv"]


def test_a_reversed_period_is_refused(seeded: Engine) -> None:
    start, end = _today()
    from camroute.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="must be after"):
        transparency(seeded, date_from=end, date_to=start)


def test_render_is_stable_for_an_empty_period(seeded: Engine) -> None:
    report = transparency(
        seeded, date_from=datetime(2020, 1, 1).date(), date_to=datetime(2020, 2, 1).date()
    )
    assert report.calls_by_hotline == []
    assert report.view_duration_median_s is None
    assert "section,key,value" in to_csv(report)
    assert "<html" in to_html(report, lang="vi")


def test_the_vietnamese_pdf_reads_back_with_its_diacritics(seeded: Engine, tmp_path: Path) -> None:
    import shutil
    import subprocess

    from camroute.reports.pdf import browser

    if browser() is None or shutil.which("pdftotext") is None:
        pytest.skip("needs Chromium and poppler-utils (scripts/setup installs both)")
    start, end = _today()
    out = tmp_path / "report.pdf"
    db = str(seeded.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(
        app,
        [
            "report",
            "transparency",
            "--from",
            start.isoformat(),
            "--to",
            end.isoformat(),
            "--format",
            "pdf",
            "--lang",
            "vi",
            "--out",
            str(out),
            "--db",
            db,
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    for words in (
        "Báo cáo minh bạch về sử dụng camera",
        "Cuộc gọi theo đường dây nóng",
        "Chuỗi nhật ký kiểm toán",
        "giám sát viên duyệt",
        "Lượt xem mỗi sự việc",
    ):
        assert words in text
    for user in (*USERS, SUPERVISOR):
        assert user not in text
