"""Audit appends, chain verification and per-request authentication cost.

Scenarios, on a fresh SQLite file and (when reachable) a fresh PostgreSQL database:

- ``baseline insert``   one transaction inserting one row into an unchained table of the
                        same shape (same run, same store)
- ``record``            one transaction calling ``camroute.audit.service.record``
                        (head-row lock, SHA-256 over canonical JSON, insert, head update)
- ``record x4 threads`` four writers appending concurrently (events/s; p50/p99 per append)
- ``verify``            ``verify(engine)`` over every event written (events/s)
- ``token check``       ``principal_from_token`` (JWT verify + one user SELECT), the cost every
                        authenticated request pays; baseline ``SELECT 1`` on the same engine
- ``login``             ``login`` with the production argon2id cost (64 MiB, t=3)

Usage: ``python benchmarks/bench_audit.py [--events 3000] [--pg URL-of-admin-db]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.audit.service import Action, record, verify
from camroute.auth.models import Role
from camroute.auth.service import add_user, login, principal_from_token
from camroute.settings import Settings
from camroute.store import make_engine, migrate

SCRATCH = sa.Table(
    "bench_plain_events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("time", sa.DateTime(timezone=True)),
    sa.Column("actor", sa.String(128)),
    sa.Column("action", sa.String(64)),
    sa.Column("subject", sa.String(256)),
    sa.Column("details", sa.JSON),
    sa.Column("hash", sa.String(64)),
)
DETAILS = {"hotline": "115", "cameras": ["HCM-0001", "HCM-0002", "HCM-0003"], "bytes": 123456}


def _pct(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1e6, p99 * 1e6


def _timed(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _row(name: str, samples: list[float], base_p50: float) -> None:
    p50, p99 = _pct(samples)
    rate = len(samples) / sum(samples)
    print(f"| {name} | {rate:,.0f} | {p50:,.1f} | {p99:,.1f} | {p50 / base_p50:.1f}x |")


def _plain_insert(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.insert(SCRATCH).values(
                time=datetime.now(UTC),
                actor="bench",
                action="stream_opened",
                subject="HCM-0001",
                details=DETAILS,
                hash="0" * 64,
            )
        )


def _record(engine: Engine) -> None:
    with engine.begin() as conn:
        record(
            conn,
            actor="bench",
            role="dispatcher",
            action=Action.stream_opened,
            subject="HCM-0001",
            incident_id=42,
            purpose="bench",
            details=DETAILS,
        )


def _threads(engine: Engine, *, writers: int, each: int) -> tuple[list[float], float]:
    samples: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        mine = _timed(lambda: _record(engine), each)
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(writers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, time.perf_counter() - t0


def run(url: str, *, events: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    SCRATCH.create(engine, checkfirst=True)
    print(f"\n### {engine.dialect.name}\n")
    print("| scenario | per s | p50 µs | p99 µs | vs baseline |")
    print("|---|---:|---:|---:|---:|")
    base = _timed(lambda: _plain_insert(engine), events)
    base_p50 = _pct(base)[0]
    _row("baseline: plain insert, one transaction", base, base_p50)
    _row("record (hash chain)", _timed(lambda: _record(engine), events), base_p50)
    samples, wall = _threads(engine, writers=4, each=events // 4)
    p50, p99 = _pct(samples)
    print(
        f"| record, 4 threads (events/s overall) | {len(samples) / wall:,.0f} | {p50:,.1f} "
        f"| {p99:,.1f} | {p50 / base_p50:.1f}x |"
    )
    t0 = time.perf_counter()
    result = verify(engine)
    took = time.perf_counter() - t0
    assert result.ok, result
    print(
        f"| verify {result.checked:,} events (events/s) | {result.checked / took:,.0f} | "
        f"{took / result.checked * 1e6:,.1f} per event | | |"
    )
    _auth(engine, url)
    engine.dispose()


def _auth(engine: Engine, url: str) -> None:
    settings = Settings(_env_file=None, database_url=url, jwt_secret="b" * 40)  # type: ignore[call-arg]
    name = f"bench{uuid.uuid4().hex[:6]}"
    password = add_user(
        engine, settings, name=name, role=Role.dispatcher, actor="bench", actor_role="bench"
    ).password
    logins = _timed(lambda: login(engine, settings, username=name, password=password), 10)
    token = login(engine, settings, username=name, password=password).access_token

    def select_one() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    base = _timed(select_one, 2000)
    base_p50 = _pct(base)[0]
    _row("baseline: SELECT 1", base, base_p50)
    _row(
        "token check (JWT + user row)",
        _timed(lambda: principal_from_token(engine, settings, token), 2000),
        base_p50,
    )
    _row("login, argon2id 64 MiB t=3", logins, base_p50)


def _pg_database(admin: str) -> str | None:
    try:
        name = f"bench_audit_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True, connect_timeout=2) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base = admin.rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/{name}", autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return name
    except psycopg.OperationalError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", events=args.events)
    name = _pg_database(args.pg)
    if name is None:
        print("PostgreSQL unreachable: skipped")
        return
    base = args.pg.rsplit("/", 1)[0]
    try:
        run(f"{base}/{name}", events=args.events)
    finally:
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
