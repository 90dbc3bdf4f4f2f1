"""SQL for users and API keys (SQLAlchemy Core, inside the caller's connection).

Every change is announced to the credential caches by the tables' triggers (migration
``auth_0002``), so a change made here, by the CLI or by hand in SQL is seen alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, RowMapping

from camroute.auth.tables import api_keys, users


def insert_user(
    conn: Connection, *, name: str, role: str, password_hash: str, created_at: datetime
) -> None:
    """Insert an enabled user (``IntegrityError`` when the name is taken)."""
    conn.execute(
        sa.insert(users).values(
            name=name,
            role=role,
            password_hash=password_hash,
            disabled=False,
            created_at=created_at,
            session_epoch=0,
        )
    )


def get_user(conn: Connection, name: str) -> RowMapping | None:
    """The user row named ``name``, or None."""
    return conn.execute(sa.select(users).where(users.c.name == name)).mappings().first()


def all_users(conn: Connection) -> list[RowMapping]:
    """Every user, by name."""
    return list(conn.execute(sa.select(users).order_by(users.c.name)).mappings())


def update_user(conn: Connection, name: str, **values: Any) -> bool:
    """Set columns of user ``name``; False when there is no such user."""
    result = conn.execute(sa.update(users).where(users.c.name == name).values(**values))
    return result.rowcount == 1


def bump_session_epoch(conn: Connection, name: str) -> None:
    """End every session of user ``name`` (tokens carry the epoch they were issued in)."""
    stmt = sa.update(users).where(users.c.name == name)
    conn.execute(stmt.values(session_epoch=users.c.session_epoch + 1))


def insert_api_key(
    conn: Connection,
    *,
    name: str,
    role: str,
    key_hash: str,
    key_prefix: str,
    created_at: datetime,
) -> None:
    """Insert an enabled API key (``IntegrityError`` when the name is taken)."""
    conn.execute(
        sa.insert(api_keys).values(
            name=name,
            role=role,
            key_hash=key_hash,
            key_prefix=key_prefix,
            disabled=False,
            created_at=created_at,
        )
    )


def find_api_key(conn: Connection, key_hash: str) -> RowMapping | None:
    """The API key row with this digest, or None."""
    stmt = sa.select(api_keys).where(api_keys.c.key_hash == key_hash)
    return conn.execute(stmt).mappings().first()


def get_api_key(conn: Connection, name: str) -> RowMapping | None:
    """The API key row named ``name``, or None."""
    return conn.execute(sa.select(api_keys).where(api_keys.c.name == name)).mappings().first()


def all_api_keys(conn: Connection) -> list[RowMapping]:
    """Every API key, by name."""
    return list(conn.execute(sa.select(api_keys).order_by(api_keys.c.name)).mappings())


def update_api_key(conn: Connection, name: str, **values: Any) -> bool:
    """Set columns of API key ``name``; False when there is no such key."""
    result = conn.execute(sa.update(api_keys).where(api_keys.c.name == name).values(**values))
    return result.rowcount == 1
