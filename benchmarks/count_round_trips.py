"""Round trips and pool checkouts per ``POST /api/calls`` on PostgreSQL, counted in process.

Every libpq operation psycopg runs (a statement, BEGIN, COMMIT, ROLLBACK, the pool's ping)
goes through one ``Connection.wait``: counting those calls counts the waits on the server.
Pool checkouts are counted with SQLAlchemy's ``checkout`` event. The event and credential
listener threads use their own connections outside the pool and ``notifies``, not ``wait``.

Run: ``python benchmarks/count_round_trips.py --db postgresql+psycopg://.../db [--calls 100]``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import uuid
from typing import Any

import httpx
import psycopg
from bench_calls import _location, _prepare
from sqlalchemy import event

from camroute.app import create_app
from camroute.settings import Settings

COUNTS = {"waits": 0, "checkouts": 0}
_wait = psycopg.Connection.wait


def _counted_wait(self: psycopg.Connection[Any], *args: Any, **kwargs: Any) -> Any:
    COUNTS["waits"] += 1
    return _wait(self, *args, **kwargs)


async def run(url: str, n: int) -> None:
    key = _prepare(url)["X-API-Key"]
    app = create_app(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    rng = random.Random(7)
    async with app.router.lifespan_context(app):
        app.state.camera_index.wait(120)
        event.listen(
            app.state.engine,
            "checkout",
            lambda *a: COUNTS.__setitem__("checkouts", COUNTS["checkouts"] + 1),
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            run_id = uuid.uuid4().hex[:8]
            for phase in ("warm", "count"):
                COUNTS.update(waits=0, checkouts=0)
                psycopg.Connection.wait = _counted_wait  # type: ignore[method-assign]
                for i in range(n):
                    body = {
                        "call_id": f"{run_id}-{phase}-{i}",
                        "hotline": "113",
                        "location": _location(rng),
                    }
                    r = await client.post("/api/calls", json=body, headers={"X-API-Key": key})
                    assert r.status_code == 201, r.text
                psycopg.Connection.wait = _wait  # type: ignore[method-assign]
            waits, checkouts = COUNTS["waits"] / n, COUNTS["checkouts"] / n
            print(f"per new call: {waits:.2f} server waits, {checkouts:.2f} pool checkouts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(run(args.db, args.calls))


if __name__ == "__main__":
    main()
