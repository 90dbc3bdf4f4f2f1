from __future__ import annotations

import threading
import time

import sqlalchemy as sa
from sqlalchemy import Engine

from camroute.store.txn import writing


def test_writers_queue_on_sqlite_and_run_side_by_side_on_postgres(store_engine: Engine) -> None:
    meta = sa.table("camroute_meta", sa.column("key"), sa.column("value"))
    inside, peak, lock = 0, 0, threading.Lock()

    def write(n: int) -> None:
        nonlocal inside, peak
        with writing(store_engine) as conn:
            with lock:
                inside += 1
                peak = max(peak, inside)
            conn.execute(sa.insert(meta).values(key=f"txn-{n}", value="x"))
            time.sleep(0.05)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with store_engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count()).select_from(meta).where(meta.c.key.like("txn-%"))
        ).scalar_one()
    assert count == 6
    if store_engine.dialect.name == "sqlite":
        assert peak == 1
    else:
        assert peak > 1
