"""``camroute serve --workers``: several processes on PostgreSQL, refused on SQLite."""

from __future__ import annotations

from pathlib import Path

import httpx
import psutil
import pytest
from tests.support import reset_postgres, role_api_keys
from typer.testing import CliRunner

from camroute.auth.models import Role
from camroute.cli import app
from camroute.sim.server import ServeProcess
from camroute.store import make_engine, migrate


def test_several_workers_on_sqlite_are_refused(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'camroute.db'}"
    result = CliRunner().invoke(app, ["serve", "--workers", "2", "--db", db])
    assert result.exit_code == 2
    assert "--workers" in result.output
    assert "PostgreSQL" in result.output
    assert not (tmp_path / "camroute.db").exists()  # refused before touching the store


@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_serve_calls_on_postgres(pg_database: str) -> None:
    store_url = pg_database
    reset_postgres(store_url)
    engine = make_engine(store_url)
    migrate(engine)
    headers = {"X-API-Key": role_api_keys(engine, "serve")[Role.integration]}
    engine.dispose()
    server = ServeProcess(database_url=store_url, workers=2).start(timeout_s=120.0)
    try:
        assert server.proc is not None
        children = psutil.Process(server.proc.pid).children()
        # Besides the workers, multiprocessing starts its resource tracker.
        workers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
        assert len(workers) == 2
        ids = set()
        for n in range(12):  # a new connection each time: the workers share the socket
            body = {
                "call_id": f"W-{n}",
                "hotline": "114",
                "location": {"lon": 106.698 + n * 1e-4, "lat": 10.7725, "uncertainty_m": 20},
            }
            resp = httpx.post(f"{server.url}/api/calls", json=body, headers=headers, timeout=10)
            assert resp.status_code == 201, resp.text
            ids.add(resp.json()["id"])
        assert len(ids) == 12
    finally:
        server.stop()
    assert all(not w.is_running() for w in workers)
