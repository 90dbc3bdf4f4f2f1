"""Live-view tickets: HS256-signed, short-lived, bound to user, incident, camera and purpose.

The signature makes a ticket unforgeable and its expiry checkable without the store; the
store row (``live_tickets``) makes it revocable (closing the incident kills its tickets).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from camroute.errors import PermissionDeniedError

ALGORITHM = "HS256"
AUDIENCE = "camroute:live"
MAX_TTL_S = 600


class TicketInvalidError(PermissionDeniedError):
    """The ticket is forged, garbled, or for another service."""

    code = "ticket_invalid"
    title = "Live-view ticket invalid"


class TicketExpiredError(PermissionDeniedError):
    """The ticket's time is up (renew it while the incident is open)."""

    code = "ticket_expired"
    title = "Live-view ticket expired"

    claims: TicketClaims | None = None  # what the expired ticket granted (for the audit)


class TicketRevokedError(PermissionDeniedError):
    """The ticket was revoked (the incident closed, or the view was ended)."""

    code = "ticket_revoked"
    title = "Live-view ticket revoked"


@dataclass(frozen=True)
class TicketClaims:
    """What a ticket grants: one user may view one camera for one incident, for a purpose."""

    ticket_id: str
    incident_id: str
    camera_id: str
    user: str
    role: str
    purpose: str
    expires_at: datetime


def expiry(*, now: datetime, ttl_s: int) -> datetime:
    """``now + ttl_s``, refusing lifetimes outside (0, 600] seconds.

    Examples
    --------
    >>> expiry(now=datetime(2026, 1, 1, tzinfo=UTC), ttl_s=600).isoformat()
    '2026-01-01T00:10:00+00:00'
    >>> expiry(now=datetime(2026, 1, 1, tzinfo=UTC), ttl_s=601)
    Traceback (most recent call last):
    ...
    ValueError: ticket ttl_s must be in (0, 600], got 601
    """
    if not 0 < ttl_s <= MAX_TTL_S:
        raise ValueError(f"ticket ttl_s must be in (0, {MAX_TTL_S}], got {ttl_s}")
    return now + timedelta(seconds=ttl_s)


def sign_ticket(claims: TicketClaims, *, key: bytes) -> str:
    """The signed ticket (a compact JWT) for ``claims``.

    Examples
    --------
    >>> c = TicketClaims("t1", "i1", "CAM", "ann", "dispatcher", "check scene",
    ...                  datetime(2099, 1, 1, tzinfo=UTC))
    >>> verify_ticket(sign_ticket(c, key=b"k" * 32), key=b"k" * 32) == c
    True
    """
    payload = {
        "jti": claims.ticket_id,
        "inc": claims.incident_id,
        "cam": claims.camera_id,
        "sub": claims.user,
        "role": claims.role,
        "purpose": claims.purpose,
        "exp": int(claims.expires_at.timestamp()),
        "aud": AUDIENCE,
    }
    return jwt.encode(payload, key, algorithm=ALGORITHM)


def verify_ticket(token: str, *, key: bytes, now: datetime | None = None) -> TicketClaims:
    """Check the signature, audience and expiry of ``token`` and return its claims.

    Examples
    --------
    >>> c = TicketClaims("t1", "i1", "CAM", "ann", "dispatcher", "p",
    ...                  datetime(2026, 1, 1, tzinfo=UTC))
    >>> verify_ticket(sign_ticket(c, key=b"k" * 32), key=b"k" * 32)
    Traceback (most recent call last):
    ...
    camroute.live.tickets.TicketExpiredError: live-view ticket expired at 2026-01-01T00:00:00+00:00
    """
    try:
        body = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["exp", "jti", "inc", "cam", "sub", "aud"], "verify_exp": False},
        )
    except jwt.PyJWTError as exc:
        raise TicketInvalidError(f"live-view ticket rejected: {exc}", field="ticket") from exc
    expires_at = datetime.fromtimestamp(int(body["exp"]), UTC)
    claims = TicketClaims(
        ticket_id=str(body["jti"]),
        incident_id=str(body["inc"]),
        camera_id=str(body["cam"]),
        user=str(body["sub"]),
        role=str(body.get("role", "")),
        purpose=str(body.get("purpose", "")),
        expires_at=expires_at,
    )
    if (now or datetime.now(UTC)) >= expires_at:
        error = TicketExpiredError(
            f"live-view ticket expired at {expires_at.isoformat()}", field="ticket"
        )
        error.claims = claims
        raise error
    return claims
