from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from typer.testing import CliRunner

from camroute.audit.chain import GENESIS_HASH, event_hash
from camroute.audit.service import Action, record
from camroute.audit.tables import audit_events, audit_head
from camroute.cli import app
from camroute.store import make_engine, migrate

runner = CliRunner()


def _seed(url: str, n: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        for i in range(n):
            record(
                conn, actor="an", role="dispatcher", action=Action.ticket_issued, subject=f"CAM-{i}"
            )
    engine.dispose()


def test_verify_passes_on_an_intact_log(store_url: str) -> None:
    _seed(store_url, 4)
    r = runner.invoke(app, ["audit", "verify", "--db", store_url])
    assert r.exit_code == 0, r.output
    assert "intact: 4 events" in r.stdout


def test_verify_fails_naming_the_first_broken_event(store_url: str) -> None:
    _seed(store_url, 4)
    engine = make_engine(store_url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_delete"))
        conn.execute(text("DELETE FROM audit_events WHERE id = 2"))
    engine.dispose()
    r = runner.invoke(app, ["audit", "verify", "--db", store_url])
    assert r.exit_code == 1
    assert "BROKEN at event 2" in r.output
    assert "deleted" in r.output


def test_list_shows_filtered_events(store_url: str) -> None:
    _seed(store_url, 3)
    r = runner.invoke(app, ["audit", "list", "--camera", "CAM-1", "--db", store_url])
    assert r.exit_code == 0, r.output
    assert "CAM-1" in r.stdout
    assert "CAM-2" not in r.stdout
    assert "1 of 1 matching" in r.output


def test_anchor_catches_a_fully_recomputed_rewrite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'anchor.db'}"
    _seed(url, 3)
    first = runner.invoke(app, ["audit", "verify", "--db", url])
    anchor = first.stdout.strip().rsplit(" ", 1)[-1]
    assert anchor.startswith("3:")
    assert runner.invoke(app, ["audit", "verify", "--anchor", anchor, "--db", url]).exit_code == 0
    _rewrite_history(url)
    assert runner.invoke(app, ["audit", "verify", "--db", url]).exit_code == 0  # undetectable...
    r = runner.invoke(app, ["audit", "verify", "--anchor", anchor, "--db", url])
    assert r.exit_code == 1  # ...except against the anchor kept outside
    assert "BROKEN at event 3" in r.output
    assert "anchor" in r.output


@pytest.mark.parametrize("anchor", ["3", "x:" + "0" * 64, "3:abc"])
def test_bad_anchor_is_a_usage_error(tmp_path: Path, anchor: str) -> None:
    r = runner.invoke(
        app, ["audit", "verify", "--anchor", anchor, "--db", f"sqlite:///{tmp_path / 'a.db'}"]
    )
    assert r.exit_code == 2
    assert "ID:HASH" in r.output


def _rewrite_history(url: str) -> None:
    """An attacker with write access who knows the algorithm recomputes the whole chain."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        rows = [
            dict(r)
            for r in conn.execute(sa.select(audit_events).order_by(audit_events.c.id)).mappings()
        ]
        prev = GENESIS_HASH
        for row in rows:
            row["actor"] = "nobody"
            row["prev_hash"] = prev
            row["hash"] = prev = event_hash(row, prev)
            conn.execute(
                sa.update(audit_events)
                .where(audit_events.c.id == row["id"])
                .values(actor=row["actor"], prev_hash=row["prev_hash"], hash=row["hash"])
            )
        conn.execute(sa.update(audit_head).values(last_hash=prev))
    engine.dispose()
