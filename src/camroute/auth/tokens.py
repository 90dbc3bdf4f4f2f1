"""Login tokens: HS256 JWTs carrying the user name, role, issue and expiry times."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from camroute.errors import AuthenticationError

ALGORITHM = "HS256"
ISSUER = "camroute"
AUDIENCE = "camroute-api"
MIN_SECRET_CHARS = 32


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A signed token and when it stops working."""

    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a verified token says."""

    subject: str
    role: str
    issued_at: datetime
    expires_at: datetime
    epoch: int


def new_secret() -> str:
    """A random 256-bit signing key (hex)."""
    return secrets.token_hex(32)


def issue_token(
    *,
    subject: str,
    role: str,
    secret: str,
    ttl_s: int,
    epoch: int = 0,
    now: datetime | None = None,
) -> IssuedToken:
    """Sign a token for ``subject`` valid ``ttl_s`` seconds from ``now``.

    ``epoch`` is the user's session epoch: logging out increments it, which ends every
    token issued before.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> t0 = datetime(2026, 11, 22, tzinfo=UTC)
    >>> key = "k" * 32
    >>> issued = issue_token(subject="an", role="dispatcher", secret=key, ttl_s=60, now=t0)
    >>> issued.expires_at.isoformat()
    '2026-11-22T00:01:00+00:00'
    >>> decode_token(issued.token, secret=key, now=t0).subject
    'an'
    """
    if len(secret) < MIN_SECRET_CHARS:
        raise ValueError(f"signing key has {len(secret)} characters, at least {MIN_SECRET_CHARS}")
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    expires_at = now + timedelta(seconds=ttl_s)
    claims = {
        "sub": subject,
        "role": role,
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sep": epoch,
    }
    return IssuedToken(jwt.encode(claims, secret, algorithm=ALGORITHM), expires_at)


def decode_token(token: str, *, secret: str, now: datetime | None = None) -> TokenClaims:
    """Verify signature, issuer, audience and expiry; raise ``AuthenticationError`` otherwise.

    Examples
    --------
    >>> from datetime import UTC, datetime, timedelta
    >>> t0 = datetime(2026, 11, 22, tzinfo=UTC)
    >>> tok = issue_token(subject="an", role="auditor", secret="k" * 32, ttl_s=60, now=t0).token
    >>> decode_token(tok, secret="k" * 32, now=t0 + timedelta(seconds=61))
    Traceback (most recent call last):
    ...
    camroute.errors.AuthenticationError: token expired
    >>> decode_token(tok, secret="x" * 32, now=t0)
    Traceback (most recent call last):
    ...
    camroute.errors.AuthenticationError: token invalid (Signature verification failed)
    """
    moment = now or datetime.now(UTC)
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={
                "require": ["sub", "role", "iat", "exp", "sep"],
                "verify_exp": False,
                "verify_iat": False,
            },
        )
    except jwt.InvalidTokenError as exc:
        raise AuthenticationError(f"token invalid ({exc})") from exc
    if int(claims["exp"]) <= moment.timestamp():
        raise AuthenticationError("token expired")
    return TokenClaims(
        subject=str(claims["sub"]),
        role=str(claims["role"]),
        issued_at=datetime.fromtimestamp(int(claims["iat"]), UTC),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        epoch=int(claims["sep"]),
    )
