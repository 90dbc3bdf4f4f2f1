"""The PostgreSQL/PostGIS half of the suite says why it cannot run, and CI fails on it."""

from __future__ import annotations

import socket

import pytest
from tests.conftest import PG_ADMIN_DSN, REQUIRE_POSTGRES, pg_problem, skip_or_fail


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens once the socket is closed


def test_unreachable_server_is_named() -> None:
    dsn = f"postgresql://postgres@127.0.0.1:{_closed_port()}/postgres"
    problem = pg_problem(dsn)
    assert problem is not None
    assert problem.startswith(f"cannot connect to CAMROUTE_TEST_PG_ADMIN={dsn}: ")


def test_password_is_not_shown() -> None:
    problem = pg_problem(f"postgresql://u:hunter2@127.0.0.1:{_closed_port()}/postgres")
    assert problem is not None
    assert "hunter2" not in problem


@pytest.mark.postgres
def test_missing_extension_is_a_problem_not_a_pass() -> None:
    reachable = pg_problem()
    if reachable is not None:
        skip_or_fail(reachable)
    problem = pg_problem(PG_ADMIN_DSN, extension="camroute_no_such_extension")
    assert problem is not None
    assert "camroute_no_such_extension extension is not installed" in problem


def test_required_postgres_fails_instead_of_skipping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_POSTGRES, "1")
    with pytest.raises(pytest.fail.Exception, match=r"required here .* no PostGIS"):
        skip_or_fail("no PostGIS")


def test_outside_ci_it_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_POSTGRES, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no PostGIS"):
        skip_or_fail("no PostGIS")
