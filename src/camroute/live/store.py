"""Ticket rows: insert, read, count the live ones, renew and revoke (inside the caller's txn)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, RowMapping

from camroute.live.tables import live_tickets

t = live_tickets.c


def insert_ticket(conn: Connection, **values: Any) -> None:
    """Store a new ticket row."""
    conn.execute(sa.insert(live_tickets).values(renewals=0, **values))


def get_ticket(conn: Connection, ticket_id: str) -> RowMapping | None:
    """The ticket row, or None."""
    return conn.execute(sa.select(live_tickets).where(t.id == ticket_id)).mappings().first()


def lock_user(conn: Connection, user_name: str) -> None:
    """Serialise ticket issuing per user until the transaction ends (the view limit holds).

    PostgreSQL: a transaction-scoped advisory lock on the user name. SQLite: a write that
    matches no row takes the database write lock, so the count that follows is current.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(user_name))))
    else:
        conn.execute(sa.update(live_tickets).where(sa.false()).values(renewals=t.renewals))


def count_live(conn: Connection, *, user_name: str, now: datetime) -> int:
    """How many unexpired, unrevoked tickets ``user_name`` holds."""
    stmt = (
        sa.select(sa.func.count())
        .select_from(live_tickets)
        .where(t.user_name == user_name, t.revoked_at.is_(None), t.expires_at > now)
    )
    return int(conn.execute(stmt).scalar_one())


def renew(conn: Connection, ticket_id: str, *, expires_at: datetime, now: datetime) -> None:
    """Push a ticket's expiry out (its holder is there: it counts as seen)."""
    conn.execute(
        sa.update(live_tickets)
        .where(t.id == ticket_id)
        .values(expires_at=expires_at, renewals=t.renewals + 1, last_seen_at=now)
    )


def touch(conn: Connection, ticket_id: str, *, now: datetime) -> None:
    """Note that a stream client used the ticket at ``now``."""
    conn.execute(
        sa.update(live_tickets)
        .where(t.id == ticket_id, t.revoked_at.is_(None))
        .values(last_seen_at=now)
    )


def live_of_user(conn: Connection, *, user_name: str, now: datetime) -> list[RowMapping]:
    """The unexpired, unrevoked tickets of ``user_name``, oldest first."""
    stmt = (
        sa.select(live_tickets)
        .where(t.user_name == user_name, t.revoked_at.is_(None), t.expires_at > now)
        .order_by(t.issued_at, t.id)
    )
    return list(conn.execute(stmt).mappings())


def unseen_since(conn: Connection, *, seen_before: datetime, now: datetime) -> list[RowMapping]:
    """Live tickets no stream client has used since ``seen_before`` (orphans)."""
    seen = sa.func.coalesce(t.last_seen_at, t.issued_at)
    stmt = sa.select(live_tickets).where(
        t.revoked_at.is_(None), t.expires_at > now, seen < seen_before
    )
    return list(conn.execute(stmt).mappings())


def keep_reason(conn: Connection, ticket_id: str, reason: str, *, shorter_than: int) -> None:
    """Give the ticket ``reason`` unless it holds one of at least ``shorter_than`` characters."""
    conn.execute(
        sa.update(live_tickets)
        .where(
            t.id == ticket_id,
            sa.or_(t.reason.is_(None), sa.func.length(t.reason) < shorter_than),
        )
        .values(reason=reason)
    )


def revoke(conn: Connection, ticket_id: str, *, now: datetime, because: str) -> bool:
    """Revoke one live ticket; False when it was already revoked."""
    result = conn.execute(
        sa.update(live_tickets)
        .where(t.id == ticket_id, t.revoked_at.is_(None))
        .values(revoked_at=now, revoked_because=because)
    )
    return result.rowcount > 0


def revoke_for_incident(
    conn: Connection, incident_id: str, *, now: datetime, because: str
) -> list[str]:
    """Revoke every unrevoked ticket of an incident; return their ids."""
    ids = list(
        conn.execute(
            sa.select(t.id).where(t.incident_id == incident_id, t.revoked_at.is_(None))
        ).scalars()
    )
    if ids:
        conn.execute(
            sa.update(live_tickets)
            .where(t.id.in_(ids))
            .values(revoked_at=now, revoked_because=because)
        )
    return ids


def revoke_on_close(conn: Connection, incident_id: str, *, now: datetime) -> list[str]:
    """The ``incidents`` close hook: a closed incident's tickets stop working with it."""
    return revoke_for_incident(conn, incident_id, now=now, because="incident_closed")


def delete_expired(conn: Connection, *, before: datetime) -> int:
    """Delete tickets that expired or were revoked before ``before``; return how many."""
    result = conn.execute(
        sa.delete(live_tickets).where(sa.or_(t.expires_at < before, t.revoked_at < before))
    )
    return result.rowcount


def live_on_camera(conn: Connection, camera_id: str, *, now: datetime) -> list[RowMapping]:
    """The unexpired, unrevoked tickets on ``camera_id`` (PTZ: is anyone still watching)."""
    stmt = sa.select(live_tickets).where(
        t.camera_id == camera_id, t.revoked_at.is_(None), t.expires_at > now
    )
    return list(conn.execute(stmt).mappings())
