"""The access review equals counts made independently from the audit table (SQLite and
PostgreSQL), flags the outlier, and links every figure to its events."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from typer.testing import CliRunner

from camroute.audit.service import record_many
from camroute.audit.tables import audit_events
from camroute.cli import app
from camroute.reports.access import FIGURES, Rules
from camroute.reports.access_render import access_csv, access_html
from camroute.reports.models import AccessReport
from camroute.reports.service import Reader, access_events, access_review

TEAM = ("an", "binh", "chau")
ROGUE = "tuan"
SHIFT_S = 1  # the rogue's login is older than a shift when the views come (a 1.2 s sleep)
READER = Reader("sup-review", "supervisor")
RULES = Rules(outlier_factor=2.0, outlier_min_events=3, shift_s=SHIFT_S)


def _e(action: str, actor: str, **fields: Any) -> dict[str, Any]:
    return {"actor": actor, "role": fields.pop("role", "dispatcher"), "action": action, **fields}


def _view(actor: str, camera: str, incident: str, **fields: Any) -> dict[str, Any]:
    return _e("ticket_issued", actor, subject=camera, incident_id=incident, **fields)


def _route(incident: str, cameras: list[str]) -> dict[str, Any]:
    return _e("route_computed", "cad", role="integration", incident_id=incident,
              details={"cameras": cameras})  # fmt: skip


def _seed(engine: Engine) -> None:
    with engine.begin() as conn:
        record_many(
            conn,
            [
                _e("login_ok", ROGUE),  # a shift ago when the views come
                _route("I1", ["CAM-1", "CAM-2"]),
                _route("I2", ["CAM-3"]),
            ],
        )
    time.sleep(SHIFT_S + 0.2)
    first = [_e("login_ok", u) for u in TEAM]
    first += [_view("an", "CAM-1", "I1"), _view("an", "CAM-2", "I1")]
    first += [_view("binh", "CAM-3", "I2"), _view("binh", "CAM-4", "I2")]  # CAM-4: not yet
    first += [_view("chau", "CAM-1", "I1"), _e("ticket_denied", "chau", subject="CAM-9")]
    first.append(_view("sue", "CAM-2", "I1", role="supervisor"))  # no login: an API key
    first += [_view(ROGUE, cam, "I1") for cam in ("CAM-7", "CAM-8", "CAM-9", "CAM-1")]
    first += [_e("ticket_denied", ROGUE, subject="CAM-7", incident_id="I1") for _ in range(4)]
    second = [_route("I2", ["CAM-3", "CAM-4"]), _view(ROGUE, "CAM-4", "I2")]  # ranked now
    second += [_view(ROGUE, "CAM-5", "I2"), _view(ROGUE, "CAM-6", "I2")]
    second += [_e("incident_closed", "an", incident_id="I1")]
    second += [_e("stream_opened", ROGUE, subject="CAM-1", incident_id="I1")]
    second += [_view(ROGUE, "CAM-1", "I1")]  # after close (a race the chain still shows)
    with engine.begin() as conn:
        record_many(conn, first)
    with engine.begin() as conn:
        record_many(conn, second)


@pytest.fixture
def seeded(store_engine: Engine) -> Engine:
    _seed(store_engine)
    return store_engine


def _today() -> tuple[date, date]:
    today = datetime.now(UTC).date()
    return today, today + timedelta(days=1)


def _independent(rows: list[dict[str, Any]]) -> dict[str, dict[str, set[int]]]:
    """Per user and figure, the ids counted, walking the table's rows in id order."""
    out: dict[str, dict[str, set[int]]] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        if row["action"] not in ("ticket_issued", "ticket_denied", "stream_opened"):
            continue
        before = [r for r in rows if r["id"] < row["id"]]
        mine = out.setdefault(row["actor"], {name: set() for name in FIGURES})
        same = [r for r in before if r["incident_id"] == row["incident_id"]]
        closed = any(r["action"] == "incident_closed" for r in same)
        if row["action"] == "ticket_denied":
            mine["refusals"].add(row["id"])
            continue
        if closed:
            mine["after_close"].add(row["id"])
        if row["action"] == "stream_opened":
            continue
        mine["views"].add(row["id"])
        ranked = {
            c for r in same if r["action"] == "route_computed" for c in r["details"]["cameras"]
        }
        if row["subject"] not in ranked:
            mine["off_ranking"].add(row["id"])
        logins = [
            r["time"] for r in before if r["action"] == "login_ok" and r["actor"] == row["actor"]
        ]
        if not logins or (row["time"] - max(logins)).total_seconds() > SHIFT_S:
            mine["outside_shift"].add(row["id"])
    return out  # fmt: skip


def test_figures_equal_independent_counts(seeded: Engine) -> None:
    start, end = _today()
    report = access_review(seeded, reader=READER, date_from=start, date_to=end, rules=RULES)
    with seeded.connect() as conn:
        rows = [dict(r) for r in conn.execute(sa.select(audit_events)).mappings()]
    expected = _independent(rows)
    assert {r.user for r in report.users} == set(expected) == {*TEAM, ROGUE, "sue"}
    for row in report.users:
        for name in FIGURES:
            assert set(getattr(row, name).event_ids) == expected[row.user][name], (row.user, name)
            assert getattr(row, name).count == len(expected[row.user][name])
    rogue = next(r for r in report.users if r.user == ROGUE)
    counts = {name: getattr(rogue, name).count for name in FIGURES}
    assert counts == {
        "views": 8,
        "off_ranking": 5,  # CAM-7, 8, 9, 5, 6; CAM-4 came after its new ranking
        "after_close": 2,  # the stream and the view after I1 closed
        "outside_shift": 8,  # the login is older than the shift
        "refusals": 4,
    }
    assert rogue.off_ranking.share == pytest.approx(5 / 8)
    binh = next(r for r in report.users if r.user == "binh")
    assert binh.off_ranking.count == 1  # CAM-4 before I2 was ranked again
    assert binh.outside_shift.count == 0


def test_the_outlier_is_flagged_against_the_team_median(seeded: Engine) -> None:
    start, end = _today()
    report = access_review(seeded, reader=READER, date_from=start, date_to=end, rules=RULES)
    assert report.team_median["views"] == 2.0  # 1, 1, 2, 2, 8
    flagged = {r.user for r in report.users if r.outlier}
    assert flagged == {ROGUE}
    rogue = report.users[0]
    assert rogue.user == ROGUE  # most views first
    assert rogue.views.outlier
    assert rogue.refusals.outlier
    assert rogue.off_ranking.outlier
    assert not rogue.after_close.outlier  # 2 events: under the minimum of 3
    lax = access_review(
        seeded,
        reader=READER,
        date_from=start,
        date_to=end,
        rules=Rules(outlier_factor=4.0, shift_s=SHIFT_S),
    )
    assert not next(r for r in lax.users if r.user == ROGUE).views.outlier  # 8 = 4 x 2


def test_the_link_of_a_figure_returns_its_events(seeded: Engine) -> None:
    start, end = _today()
    report = access_review(seeded, reader=READER, date_from=start, date_to=end, rules=RULES)
    rogue = report.users[0]
    query = parse_qs(urlsplit(rogue.off_ranking.events_url).query)
    assert query == {
        "from": [start.isoformat()],
        "to": [end.isoformat()],
        "user": [ROGUE],
        "figure": ["off_ranking"],
    }
    events = access_events(
        seeded,
        reader=READER,
        date_from=start,
        date_to=end,
        user=ROGUE,
        figure="off_ranking",
        rules=RULES,
    )
    assert [e.id for e in events.items] == rogue.off_ranking.event_ids
    assert {e.subject for e in events.items} == {"CAM-5", "CAM-6", "CAM-7", "CAM-8", "CAM-9"}
    nobody = access_events(
        seeded, reader=READER, date_from=start, date_to=end, user="x", figure="views"
    )
    assert nobody.items == []


def test_an_empty_period_has_no_users(seeded: Engine) -> None:
    report = access_review(
        seeded, reader=READER, date_from=date(2020, 1, 1), date_to=date(2020, 1, 2)
    )
    assert report.users == []
    assert report.team_median["views"] == 0.0
    assert "Không có lượt xem nào" in access_html(report, lang="vi")


def test_a_period_at_year_one_is_empty_not_an_overflow(seeded: Engine) -> None:
    report = access_review(seeded, reader=READER, date_from=date(1, 1, 1), date_to=date(1, 1, 2))
    assert report.users == []


def test_csv_and_html_carry_the_figures(seeded: Engine) -> None:
    start, end = _today()
    report = access_review(seeded, reader=READER, date_from=start, date_to=end, rules=RULES)
    rows = list(csv.DictReader(io.StringIO(access_csv(report))))
    assert len(rows) == len(report.users) * len(FIGURES)
    cell = next(r for r in rows if r["user"] == ROGUE and r["figure"] == "refusals")
    assert cell["count"] == "4"
    assert cell["outlier"] == "true"
    assert cell["event_ids"] == ";".join(str(i) for i in report.users[0].refusals.event_ids)
    vi, en = access_html(report, lang="vi"), access_html(report, lang="en")
    assert "Rà soát truy cập camera" in vi
    assert "Ngoài danh sách xếp hạng" in vi
    assert "Camera access review" in en
    assert "Not in the ranking" in en
    assert vi.count("class='n outlier'") == sum(
        getattr(r, n).outlier for r in report.users for n in FIGURES
    )


def test_the_cli_writes_the_three_formats(seeded: Engine, tmp_path: Path) -> None:
    start, end = _today()
    db = str(seeded.url.render_as_string(hide_password=False))
    texts = {}
    for fmt in ("json", "csv", "html"):
        out = tmp_path / f"access.{fmt}"
        args = ["report", "access", "--from", start.isoformat(), "--to", end.isoformat()]
        args += ["--format", fmt, "--lang", "en", "--out", str(out), "--db", db]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        texts[fmt] = out.read_text(encoding="utf-8")
    report = AccessReport.model_validate(orjson.loads(texts["json"]))
    assert {r.user for r in report.users} == {*TEAM, ROGUE, "sue"}
    assert texts["csv"].startswith("user,roles,figure,count")
    assert "Camera access review" in texts["html"]
    reversed_args = ["report", "access", "--from", end.isoformat(), "--to", start.isoformat()]
    bad = CliRunner().invoke(app, [*reversed_args, "--db", db])
    assert bad.exit_code == 2
    assert "must be after" in bad.output


def test_every_read_of_the_review_is_audited_with_what_was_read(seeded: Engine) -> None:
    """The review names users, so reading it is itself an event, and the review ignores it."""
    start, end = _today()
    before = access_review(seeded, reader=READER, date_from=start, date_to=end, rules=RULES)
    access_events(
        seeded, reader=READER, date_from=start, date_to=end, user=ROGUE, figure="refusals"
    )
    with seeded.connect() as conn:
        reads = conn.execute(
            sa.select(audit_events.c.actor, audit_events.c.role, audit_events.c.details)
            .where(audit_events.c.action == "report_read")
            .order_by(audit_events.c.id.desc())
            .limit(2)
        ).all()
    newest, older = (
        orjson.loads(r.details) if isinstance(r.details, str) else r.details for r in reads
    )
    assert {(r.actor, r.role) for r in reads} == {("sup-review", "supervisor")}
    assert newest == {
        "period_from": start.isoformat(),
        "period_to": end.isoformat(),
        "user": ROGUE,
        "figure": "refusals",
    }
    assert older == {"period_from": start.isoformat(), "period_to": end.isoformat()}
    after = access_review(seeded, reader=READER, date_from=start, date_to=end, rules=RULES)
    assert after.users == before.users
