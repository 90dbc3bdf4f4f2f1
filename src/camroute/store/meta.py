"""Named values the domains keep in table ``camroute_meta``: generations and keys.

A generation is a counter that a writer bumps in the same transaction as its change, so a
reader (another process, another replica) can tell "something changed" from one cheap read.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

META = sa.table("camroute_meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def meta_value(engine: Engine, key: str) -> str | None:
    """The stored value of ``key``, or None."""
    with engine.connect() as conn:
        value = conn.execute(sa.select(META.c.value).where(META.c.key == key)).scalar()
    return None if value is None else str(value)


def generation(engine: Engine, key: str) -> str:
    """The counter ``key`` ("0" before its first bump)."""
    return meta_value(engine, key) or "0"


def bump_generation(conn: Connection, key: str) -> None:
    """Add one to the counter ``key``, inside the caller's transaction."""
    current = conn.execute(sa.select(META.c.value).where(META.c.key == key)).scalar()
    if current is None:
        conn.execute(sa.insert(META).values(key=key, value="1"))
    else:
        conn.execute(sa.update(META).where(META.c.key == key).values(value=str(int(current) + 1)))
