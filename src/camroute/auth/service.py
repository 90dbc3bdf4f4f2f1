"""Users, API keys, login and credential checks; every change is written to the audit log."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol

from argon2 import PasswordHasher
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from camroute.audit.service import Action, record
from camroute.auth import store
from camroute.auth.cache import changed_here
from camroute.auth.guard import LoginGuard, audit_failure, refuse_if_throttled
from camroute.auth.models import (
    ApiKeyRead,
    NewApiKey,
    NewUser,
    Principal,
    Role,
    TokenRead,
    UserRead,
)
from camroute.auth.passwords import (
    check_password,
    generate_password,
    hash_password,
    make_hasher,
    verify_password,
)
from camroute.auth.tokens import decode_token, issue_token, new_secret
from camroute.errors import AuthenticationError, ConflictError, InvalidInputError, NotFoundError
from camroute.settings import Settings


class UserEndedHook(Protocol):
    """Ends what a user holds in another package (live views); returns the ended ids.

    ``bus`` is the app's event bus (None from the CLI): auth passes it through unread.
    """

    def __call__(
        self, engine: Engine, user_name: str, *, because: str, bus: object | None
    ) -> list[str]: ...


# Run when a user logs out, is disabled or has their password changed. Registered by the
# composition root (``camroute.wiring``), so that ``auth`` needs no import of ``live``.
USER_ENDED_HOOKS: list[UserEndedHook] = []


def on_user_ended(hook: UserEndedHook) -> None:
    """Run ``hook`` whenever a user's sessions end (once, however often it is registered)."""
    if hook not in USER_ENDED_HOOKS:
        USER_ENDED_HOOKS.append(hook)


def user_ended(
    engine: Engine, user_name: str, *, because: str, bus: object | None = None
) -> list[str]:
    """Run every ``on_user_ended`` hook for ``user_name``; return what they ended."""
    return [
        ended
        for hook in USER_ENDED_HOOKS
        for ended in hook(engine, user_name, because=because, bus=bus)
    ]


log = logging.getLogger(__name__)

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
API_KEY_PREFIX = "crk_"
LOGIN_FAILED = "invalid username or password"
_secret_lock = threading.Lock()
_process_secret: list[str] = []


def signing_secret(settings: Settings) -> str:
    """``CAMROUTE_JWT_SECRET``, else one random key for this process (logged once)."""
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    with _secret_lock:
        if not _process_secret:
            _process_secret.append(new_secret())
            log.warning(
                "CAMROUTE_JWT_SECRET is not set: using a random key for this process; "
                "login tokens will not survive a restart or work across replicas"
            )
        return _process_secret[0]


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return make_hasher(time_cost=time_cost, memory_kib=memory_kib)


def hasher_for(settings: Settings) -> PasswordHasher:
    """The argon2id hasher with the configured cost."""
    return _hasher(settings.password_hash_time_cost, settings.password_hash_memory_kib)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_kib: int) -> str:
    return hash_password(_hasher(time_cost, memory_kib), generate_password())


def check_name(name: str, *, field: str = "name") -> str:
    """Refuse names that are empty, too long or carry odd characters."""
    if not NAME_RE.match(name):
        raise InvalidInputError(
            f"name {name!r} must be 1-64 letters, digits or . _ @ - (starting with one "
            "letter or digit)",
            field=field,
        )
    return name


def add_user(
    engine: Engine,
    settings: Settings,
    *,
    name: str,
    role: Role,
    password: str | None = None,
    actor: str,
    actor_role: str,
) -> NewUser:
    """Create a user; with no password, generate one (returned once, stored only hashed)."""
    check_name(name)
    generated = password is None
    password = generate_password() if password is None else password
    check_password(password)
    now = datetime.now(UTC)
    digest = hash_password(hasher_for(settings), password)
    try:
        with engine.begin() as conn:
            store.insert_user(
                conn, name=name, role=role.value, password_hash=digest, created_at=now
            )
            _audit_user_change(conn, name, "created", actor=actor, actor_role=actor_role, role=role)
    except IntegrityError as exc:
        raise ConflictError(f"user {name!r} already exists", field="name") from exc
    user = UserRead(name=name, role=role, disabled=False, created_at=now)
    return NewUser(user=user, password=password, generated=generated)


def _audit_user_change(
    conn: Connection, subject: str, change: str, *, actor: str, actor_role: str, role: Role
) -> None:
    record(
        conn,
        actor=actor,
        role=actor_role,
        action=Action.user_changed,
        subject=subject,
        details={"change": change, "role": role.value},
    )


def list_users(engine: Engine) -> list[UserRead]:
    """Every user (no hashes)."""
    with engine.connect() as conn:
        rows = store.all_users(conn)
    return [
        UserRead(name=r["name"], role=r["role"], disabled=r["disabled"], created_at=r["created_at"])
        for r in rows
    ]


def disable_user(engine: Engine, name: str, *, actor: str, actor_role: str) -> UserRead:
    """Disable a user: their tokens stop working on the next request."""
    return set_user_disabled(engine, name, disabled=True, actor=actor, actor_role=actor_role)


def set_user_disabled(
    engine: Engine, name: str, *, disabled: bool, actor: str, actor_role: str
) -> UserRead:
    """Disable or re-enable a user (audited)."""
    with engine.begin() as conn:
        if not store.update_user(conn, name, disabled=disabled):
            raise NotFoundError(f"no user named {name!r}", field="name")
        row = store.get_user(conn, name)
        assert row is not None
        role = Role(row["role"])
        change = "disabled" if disabled else "enabled"
        _audit_user_change(conn, name, change, actor=actor, actor_role=actor_role, role=role)
    changed_here()
    return UserRead(name=name, role=role, disabled=disabled, created_at=row["created_at"])


def reset_password(
    engine: Engine,
    settings: Settings,
    name: str,
    *,
    password: str | None = None,
    actor: str,
    actor_role: str,
) -> NewUser:
    """Set a new password (generated when none is given) and end the user's sessions."""
    generated = password is None
    password = generate_password() if password is None else password
    check_password(password)
    digest = hash_password(hasher_for(settings), password)
    with engine.begin() as conn:
        if not store.update_user(conn, name, password_hash=digest):
            raise NotFoundError(f"no user named {name!r}", field="name")
        store.bump_session_epoch(conn, name)
        row = store.get_user(conn, name)
        assert row is not None
        role = Role(row["role"])
        _audit_user_change(
            conn, name, "password_reset", actor=actor, actor_role=actor_role, role=role
        )
    changed_here()
    user = UserRead(name=name, role=role, disabled=row["disabled"], created_at=row["created_at"])
    return NewUser(user=user, password=password, generated=generated)


def key_digest(key: str) -> str:
    """SHA-256 hex of an API key (keys are 256 random bits, so no slow hash is needed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(
    engine: Engine,
    *,
    name: str,
    role: Role = Role.integration,
    actor: str,
    actor_role: str,
) -> NewApiKey:
    """Create an API key; the key is returned once and stored only as its digest."""
    check_name(name)
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    prefix = key[: len(API_KEY_PREFIX) + 6]
    try:
        with engine.begin() as conn:
            store.insert_api_key(
                conn,
                name=name,
                role=role.value,
                key_hash=key_digest(key),
                key_prefix=prefix,
                created_at=now,
            )
            _audit_user_change(
                conn, f"apikey:{name}", "created", actor=actor, actor_role=actor_role, role=role
            )
    except IntegrityError as exc:
        raise ConflictError(f"API key {name!r} already exists", field="name") from exc
    read = ApiKeyRead(name=name, role=role, prefix=prefix, disabled=False, created_at=now)
    return NewApiKey(api_key=read, key=key)


def list_api_keys(engine: Engine) -> list[ApiKeyRead]:
    """Every API key (prefix only)."""
    with engine.connect() as conn:
        rows = store.all_api_keys(conn)
    return [
        ApiKeyRead(
            name=r["name"],
            role=r["role"],
            prefix=r["key_prefix"],
            disabled=r["disabled"],
            created_at=r["created_at"],
        )
        for r in rows
    ]


def disable_api_key(engine: Engine, name: str, *, actor: str, actor_role: str) -> None:
    """Disable an API key at once."""
    with engine.begin() as conn:
        row = store.get_api_key(conn, name)
        if row is None:
            raise NotFoundError(f"no API key named {name!r}", field="name")
        store.update_api_key(conn, name, disabled=True)
        role = Role(row["role"])
        subject = f"apikey:{name}"
        _audit_user_change(conn, subject, "disabled", actor=actor, actor_role=actor_role, role=role)
    changed_here()


def _refuse_login(
    engine: Engine,
    username: str,
    reason: str,
    client: str | None,
    guard: LoginGuard,
) -> None:
    if guard.throttle is not None:
        guard.throttle.failed(user=username, address=client)
    audit_failure(engine, username, reason, client, guard.failures)
    raise AuthenticationError(LOGIN_FAILED)


def login(
    engine: Engine,
    settings: Settings,
    *,
    username: str,
    password: str,
    client: str | None = None,
    guard: LoginGuard | None = None,
) -> TokenRead:
    """Check the password and issue a token; a failure is audited and gives one vague 401.

    With ``guard``, a locked user name or address gets :class:`LoginThrottledError` (429)
    before any check, failures are counted towards the lock, and failure events aggregated.
    """
    guard = guard or LoginGuard()
    refuse_if_throttled(engine, username, client, guard)
    hasher = hasher_for(settings)
    with engine.connect() as conn:
        row = store.get_user(conn, username)
    if row is None:
        # Same work as a real check, so response time does not reveal which names exist.
        cost = (settings.password_hash_time_cost, settings.password_hash_memory_kib)
        verify_password(hasher, _dummy_hash(*cost), password)
        _refuse_login(engine, username, "unknown_user", client, guard)
    assert row is not None
    if not verify_password(hasher, row["password_hash"], password):
        _refuse_login(engine, username, "bad_password", client, guard)
    if row["disabled"]:
        _refuse_login(engine, username, "disabled", client, guard)
    if guard.throttle is not None:
        guard.throttle.succeeded(user=username)
    issued = issue_token(
        subject=username,
        role=row["role"],
        secret=signing_secret(settings),
        ttl_s=settings.token_ttl_s,
        epoch=row["session_epoch"],
    )
    with engine.begin() as conn:
        if hasher.check_needs_rehash(row["password_hash"]):
            store.update_user(conn, username, password_hash=hash_password(hasher, password))
        record(
            conn,
            actor=username,
            role=row["role"],
            action=Action.login_ok,
            details={"client": client, "expires_at": issued.expires_at},
        )
    return TokenRead(access_token=issued.token, role=row["role"], expires_at=issued.expires_at)


def principal_from_token(engine: Engine, settings: Settings, token: str) -> Principal:
    """The user a token names, if it verifies and the user is still enabled and logged in."""
    claims = decode_token(token, secret=signing_secret(settings))
    with engine.connect() as conn:
        row = store.get_user(conn, claims.subject)
    if row is None or row["disabled"]:
        raise AuthenticationError("the token's user is unknown or disabled")
    if claims.epoch != row["session_epoch"]:
        raise AuthenticationError("the session has ended (logged out)")
    return Principal(
        name=row["name"], role=Role(row["role"]), kind="user", session_epoch=claims.epoch
    )


def principal_from_api_key(engine: Engine, key: str) -> Principal:
    """The API key's principal, if the key exists and is enabled."""
    with engine.connect() as conn:
        row = store.find_api_key(conn, key_digest(key))
    if row is None or row["disabled"]:
        raise AuthenticationError("unknown or disabled API key")
    return Principal(name=row["name"], role=Role(row["role"]), kind="apikey")


def holder_problem(
    conn: Connection, *, name: str, role: str, session_epoch: int | None
) -> str | None:
    """Why a credential granted to ``name`` may no longer be used, or None while it may.

    ``session_epoch`` is the user's login-session epoch when it was granted; None means an
    API key holder (or a grant older than epochs), which only has to be enabled, with the
    same role, as a key or a user. Reasons: ``user_disabled``, ``role_changed``,
    ``session_ended`` (logged out, or the password was reset).
    """
    if session_epoch is None:
        row = store.get_api_key(conn, name) or store.get_user(conn, name)
    else:
        row = store.get_user(conn, name)
    if row is None or row["disabled"]:
        return "user_disabled"
    if row["role"] != role:
        return "role_changed"
    if session_epoch is not None and row["session_epoch"] != session_epoch:
        return "session_ended"
    return None


def end_sessions(engine: Engine, principal: Principal) -> None:
    """Log the user out everywhere: tokens issued before now stop working."""
    if principal.kind != "user":
        return
    with engine.begin() as conn:
        store.bump_session_epoch(conn, principal.name)
    changed_here()
