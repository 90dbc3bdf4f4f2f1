"""Passwords: argon2id hashing, verification, generation and the minimum length."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from camroute.errors import InvalidInputError

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024


def make_hasher(*, time_cost: int = 3, memory_kib: int = 64 * 1024) -> PasswordHasher:
    """An argon2id hasher with the given cost (defaults: RFC 9106 low-memory profile).

    argon2 needs 8 KiB per lane, so a tiny test memory cost uses fewer lanes.

    Examples
    --------
    >>> make_hasher(time_cost=1, memory_kib=8).hash("twelve chars").startswith("$argon2id$")
    True
    """
    lanes = max(1, min(4, memory_kib // 8))
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=lanes)


def generate_password() -> str:
    """A random password of 24 URL-safe characters (144 bits).

    Examples
    --------
    >>> p = generate_password()
    >>> len(p), p == generate_password()
    (24, False)
    """
    return secrets.token_urlsafe(18)


def check_password(password: str) -> None:
    """Refuse passwords too short to resist guessing, or absurdly long.

    Examples
    --------
    >>> check_password("correct horse battery")
    >>> check_password("hunter2")
    Traceback (most recent call last):
    ...
    camroute.errors.InvalidInputError: password has 7 characters, at least 12 are required
    """
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInputError(
            f"password has {len(password)} characters, at least {MIN_PASSWORD_CHARS} are required",
            field="password",
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidInputError(
            f"password has {len(password)} characters, at most {MAX_PASSWORD_CHARS}",
            field="password",
        )


def hash_password(hasher: PasswordHasher, password: str) -> str:
    """The argon2id hash string (salt and parameters included)."""
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    """True when ``password`` matches; False for a mismatch or an unreadable hash."""
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
