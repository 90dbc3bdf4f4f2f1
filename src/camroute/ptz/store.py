"""The only code touching the PTZ tables; every function runs in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from camroute.ptz.aim import PtzPosition
from camroute.ptz.calibration import Calibration
from camroute.ptz.tables import ptz_calibrations, ptz_control, ptz_follow

c = ptz_control.c


@dataclass(frozen=True)
class Control:
    """Who holds a camera's lock until when, and its flags."""

    camera_id: str
    holder: str | None
    holder_role: str | None
    incident_id: str | None
    ticket_id: str | None
    lock_until: datetime | None
    do_not_move: bool
    away_from_home: bool
    position: PtzPosition | None
    last_aim: dict[str, Any] | None = None  # the last AimResult, as JSON

    def held_by_other(self, user: str, *, now: datetime) -> bool:
        """Whether someone else holds a live lock at ``now``."""
        live = self.lock_until is not None and self.lock_until > now
        return live and self.holder is not None and self.holder != user


def save_calibration(
    conn: Connection, camera_id: str, calibration: Calibration, *, at: datetime, by: str
) -> None:
    """Store (replace) ``camera_id``'s measured calibration."""
    values = {
        "calibration": calibration.model_dump(mode="json"),
        "source": "measured",
        "fit_error_deg": calibration.fit_error_deg,
        "fitted_at": at,
        "fitted_by": by,
    }
    t = ptz_calibrations.c
    done = conn.execute(
        sa.update(ptz_calibrations).where(t.camera_id == camera_id).values(**values)
    )
    if done.rowcount == 0:
        conn.execute(sa.insert(ptz_calibrations).values(camera_id=camera_id, **values))


def get_calibration(conn: Connection, camera_id: str) -> tuple[Calibration, datetime, str] | None:
    """The stored calibration with when and by whom, or None."""
    t = ptz_calibrations.c
    row = conn.execute(
        sa.select(t.calibration, t.fitted_at, t.fitted_by).where(t.camera_id == camera_id)
    ).first()
    if row is None:
        return None
    return Calibration.model_validate(row.calibration), row.fitted_at, row.fitted_by


def _control(row: sa.RowMapping) -> Control:
    pos = row["position"]
    return Control(
        camera_id=row["camera_id"],
        holder=row["holder"],
        holder_role=row["holder_role"],
        incident_id=row["incident_id"],
        ticket_id=row["ticket_id"],
        lock_until=row["lock_until"],
        do_not_move=bool(row["do_not_move"]),
        away_from_home=bool(row["away_from_home"]),
        position=None if pos is None else PtzPosition.model_validate(pos),
        last_aim=row["last_aim"],
    )


def controlled(conn: Connection, camera_id: str, *, now: datetime) -> bool:
    """Whether somebody holds the camera's lock now (it may turn at their word)."""
    until = conn.execute(
        sa.select(c.lock_until).where(c.camera_id == camera_id, c.holder.is_not(None))
    ).scalar()
    return until is not None and until > now


def ensure_control(conn: Connection, camera_id: str, *, now: datetime) -> Control:
    """The camera's control row, created empty on first use."""
    row = conn.execute(sa.select(ptz_control).where(c.camera_id == camera_id)).mappings().first()
    if row is None:
        try:
            with conn.begin_nested():
                conn.execute(sa.insert(ptz_control).values(camera_id=camera_id, updated_at=now))
        except IntegrityError:
            pass  # another request created it first
        row = conn.execute(sa.select(ptz_control).where(c.camera_id == camera_id)).mappings().one()
    return _control(row)


def claim(
    conn: Connection,
    camera_id: str,
    *,
    user: str,
    role: str,
    incident_id: str | None,
    ticket_id: str | None,
    until: datetime,
    now: datetime,
    force: bool = False,
) -> bool:
    """Take or renew the lock unless another user holds a live one (``force``: anyway)."""
    stmt = sa.update(ptz_control).where(c.camera_id == camera_id)
    if not force:
        stmt = stmt.where(sa.or_(c.holder.is_(None), c.holder == user, c.lock_until <= now))
    done = conn.execute(
        stmt.values(
            holder=user,
            holder_role=role,
            incident_id=incident_id,
            ticket_id=ticket_id,
            lock_until=until,
            updated_at=now,
        )
    )
    return bool(done.rowcount)


def moved(
    conn: Connection,
    camera_id: str,
    position: PtzPosition,
    *,
    now: datetime,
    result: dict[str, Any] | None = None,
) -> None:
    """Note where the head stopped after camroute moved it (and the aim's result)."""
    conn.execute(
        sa.update(ptz_control)
        .where(c.camera_id == camera_id)
        .values(
            away_from_home=True, position=position.model_dump(), updated_at=now, last_aim=result
        )
    )


def release(conn: Connection, camera_id: str, *, now: datetime) -> None:
    """Drop the lock (whoever held it)."""
    conn.execute(
        sa.update(ptz_control)
        .where(c.camera_id == camera_id)
        .values(
            holder=None,
            holder_role=None,
            incident_id=None,
            ticket_id=None,
            lock_until=None,
            updated_at=now,
        )
    )


def at_home(conn: Connection, camera_id: str, position: PtzPosition, *, now: datetime) -> None:
    """The head went back to its home preset."""
    conn.execute(
        sa.update(ptz_control)
        .where(c.camera_id == camera_id)
        .values(away_from_home=False, position=position.model_dump(), updated_at=now)
    )


def set_do_not_move(conn: Connection, camera_id: str, value: bool, *, now: datetime) -> None:
    """Mark (or unmark) a camera camroute must never move."""
    ensure_control(conn, camera_id, now=now)
    conn.execute(
        sa.update(ptz_control)
        .where(c.camera_id == camera_id)
        .values(do_not_move=value, updated_at=now)
    )


def away_cameras(conn: Connection) -> list[str]:
    """Cameras camroute moved and has not sent home yet."""
    return list(conn.execute(sa.select(c.camera_id).where(c.away_from_home)).scalars())


f = ptz_follow.c


def set_follow(
    conn: Connection,
    ticket_id: str,
    *,
    incident_id: str,
    camera_id: str,
    enabled: bool,
    by: str,
    now: datetime,
    key: str | None,
    reason: str | None = None,
) -> None:
    """Turn aim-follow on or off for a live ticket; ``key``: the incident version seen now.

    ``reason``: a supervisor's, for the re-aims (dropped when the follow is turned off).
    """
    values = {
        "enabled": enabled,
        "updated_by": by,
        "updated_at": now,
        "followed_key": key,
        "reason": reason if enabled else None,
    }
    done = conn.execute(sa.update(ptz_follow).where(f.ticket_id == ticket_id).values(**values))
    if done.rowcount == 0:
        conn.execute(
            sa.insert(ptz_follow).values(
                ticket_id=ticket_id, incident_id=incident_id, camera_id=camera_id, **values
            )
        )


def follows(conn: Connection, ticket_id: str) -> bool:
    """Whether the ticket's camera follows its incident's location."""
    return bool(conn.execute(sa.select(f.enabled).where(f.ticket_id == ticket_id)).scalar())


def follow_reason(conn: Connection, ticket_id: str) -> str | None:
    """The written reason the ticket's follow re-aims with (None: none given)."""
    reason: str | None = conn.execute(sa.select(f.reason).where(f.ticket_id == ticket_id)).scalar()
    return reason


def following(conn: Connection, incident_id: str) -> list[str]:
    """The tickets of ``incident_id`` with aim-follow on."""
    query = sa.select(f.ticket_id).where(f.incident_id == incident_id, f.enabled)
    return list(conn.execute(query.order_by(f.updated_at)).scalars())


def followed_incidents(conn: Connection) -> list[str]:
    """The incidents with at least one ticket following them."""
    query = sa.select(f.incident_id).where(f.enabled).distinct()
    return list(conn.execute(query).scalars())


def claim_follow(conn: Connection, ticket_id: str, *, key: str, now: datetime) -> bool:
    """Take the re-aim of incident version ``key`` for the ticket; False if taken already.

    Every replica hears the location update; the one whose update lands does the move.
    """
    done = conn.execute(
        sa.update(ptz_follow)
        .where(f.ticket_id == ticket_id, f.enabled)
        .where(sa.or_(f.followed_key.is_(None), f.followed_key != key))
        .values(followed_key=key, updated_at=now)
    )
    return bool(done.rowcount)
