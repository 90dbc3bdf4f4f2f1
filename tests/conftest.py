"""Shared fixtures: app settings, the SQLite and PostgreSQL/PostGIS stores, shared data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine
from tests.support import reset_postgres

from camroute.settings import Settings
from camroute.store import make_engine, migrate

# Hundreds of apps start in one test process: freezing the heap at each start would cost a full
# collection each and keep every test's garbage (tests/test_heap.py turns it on).
os.environ.setdefault("CAMROUTE_GC_FREEZE", "false")

ROOT = Path(__file__).resolve().parents[1]
# Test data lives in the repository (copied from the team's ../shared with its licences and
# provenance): a fresh clone runs every test with nothing beside it.
DATA = ROOT / "tests" / "data"
VECTORS = DATA / "location"
# Where the PostgreSQL tests create their throw-away databases: a role that may CREATE
# DATABASE, on a server with the PostGIS extension available (README, "Testing").
PG_ADMIN_DSN = os.environ.get(
    "CAMROUTE_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = "CAMROUTE_REQUIRE_POSTGRES"


def pg_problem(dsn: str = PG_ADMIN_DSN, *, extension: str = "postgis") -> str | None:
    """Why the PostgreSQL/PostGIS tests cannot run against ``dsn``, or None when they can."""
    has_password = psycopg.conninfo.conninfo_to_dict(dsn).get("password")
    shown = psycopg.conninfo.make_conninfo(dsn, password="***") if has_password else dsn
    try:
        with psycopg.connect(dsn, connect_timeout=2) as conn:
            found = conn.execute(
                "SELECT 1 FROM pg_available_extensions WHERE name = %s", (extension,)
            ).fetchone()
    except psycopg.OperationalError as exc:
        reason = " ".join(line.strip() for line in str(exc).splitlines()) or type(exc).__name__
        return f"cannot connect to CAMROUTE_TEST_PG_ADMIN={shown}: {reason}"
    if found is None:
        return f"the {extension} extension is not installed on {shown} (postgresql-15-postgis-3)"
    return None


def skip_or_fail(problem: str) -> None:
    """Skip outside CI; fail when ``CAMROUTE_REQUIRE_POSTGRES`` is set (``.ci/run`` sets it)."""
    if os.environ.get(REQUIRE_POSTGRES):
        pytest.fail(f"PostgreSQL/PostGIS is required here ({REQUIRE_POSTGRES}) but {problem}")
    pytest.skip(problem)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``tests/data``: the real data sets the tests read (see ``tests/data/README.md``)."""
    assert DATA.is_dir(), f"missing {DATA}"
    return DATA


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throw-away PostgreSQL database with PostGIS.

    Skipped only outside CI when the server is unreachable, refuses the login, or lacks PostGIS.
    """
    problem = pg_problem()
    if problem is not None:
        skip_or_fail(problem)
    name = f"camroute_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/{name}", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same store contract runs on both: a fresh SQLite file, or a fresh PostGIS database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'camroute.db'}"
        return
    pg_url: str = request.getfixturevalue("pg_database")
    reset_postgres(pg_url)
    yield pg_url


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def module_store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """``store_url`` for a module's app: a fresh SQLite file, or the emptied PostGIS database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('store') / 'camroute.db'}"
    pg_url: str = request.getfixturevalue("pg_database")
    reset_postgres(pg_url)
    return pg_url


@pytest.fixture
def store_engine(store_url: str) -> Iterator[Engine]:
    """A migrated engine on ``store_url``."""
    engine = make_engine(store_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an app on a fresh SQLite file, ignoring any ``.env``."""
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'camroute.db'}")  # type: ignore[call-arg]
