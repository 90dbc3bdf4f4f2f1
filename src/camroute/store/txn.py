"""Write transactions that queue in-process on SQLite instead of spinning on its file lock.

SQLite admits one writer; a second one waits in SQLite's busy handler, which sleeps in growing
steps (up to 100 ms) and so turns a burst of calls into second-long tails. One process-wide
lock per database makes writers queue fairly in memory instead. PostgreSQL needs none.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def _lock_for(engine: Engine) -> threading.Lock:
    key = str(engine.url)
    with _guard:
        return _locks.setdefault(key, threading.Lock())


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """``engine.begin()``, serialised per database file on SQLite."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    with _lock_for(engine), engine.begin() as conn:
        yield conn
