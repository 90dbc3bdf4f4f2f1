"""Named values the domains keep in table ``camroute_meta``: generations and keys.

A generation is a counter that a writer bumps in the same transaction as its change, so a
reader (another process, another replica) can tell "something changed" from one cheap read.
A stored secret is a random key made on first use and shared by every process of the store.
"""

from __future__ import annotations

import secrets
import threading

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

# The protected-zone layer's generation: bumped by the zones store, read by the routing
# snapshot's fingerprint (its rows carry the zone marks) — kept here so neither imports the other.
ZONES_GENERATION = "zones_generation"

META = sa.table("camroute_meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def meta_value(engine: Engine, key: str) -> str | None:
    """The stored value of ``key``, or None."""
    with engine.connect() as conn:
        value = conn.execute(sa.select(META.c.value).where(META.c.key == key)).scalar()
    return None if value is None else str(value)


_secrets: dict[tuple[str, str], bytes] = {}
_secrets_guard = threading.Lock()


def stored_secret(engine: Engine, key: str) -> bytes:
    """The 32-byte random secret ``key`` of this store, made on first use (cached per process)."""
    cache_key = (engine.url.render_as_string(hide_password=True), key)
    with _secrets_guard:
        cached = _secrets.get(cache_key)
    if cached is not None:
        return cached
    value = meta_value(engine, key)
    if value is None:
        try:
            with engine.begin() as conn:
                conn.execute(sa.insert(META).values(key=key, value=secrets.token_hex(32)))
        except IntegrityError:
            pass  # another process stored it first; read theirs
        value = meta_value(engine, key)
    if value is None:
        raise RuntimeError(f"the secret {key!r} could not be stored")
    with _secrets_guard:
        return _secrets.setdefault(cache_key, bytes.fromhex(value))


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
