from __future__ import annotations

import pytest
from sqlalchemy import Engine
from tests.auth.conftest import fast_settings

from camroute.audit.models import AuditQuery
from camroute.audit.service import query, verify
from camroute.auth import service
from camroute.auth.models import Principal, Role
from camroute.errors import AuthenticationError, ConflictError, InvalidInputError, NotFoundError
from camroute.settings import Settings

ADMIN = {"actor": "cli:root", "actor_role": "cli"}


@pytest.fixture
def settings(store_url: str) -> Settings:
    return fast_settings(store_url)


def test_added_user_can_log_in_and_is_audited(store_engine: Engine, settings: Settings) -> None:
    new = service.add_user(store_engine, settings, name="an.nguyen", role=Role.dispatcher, **ADMIN)
    assert new.generated
    assert len(new.password) >= 20
    token = service.login(store_engine, settings, username="an.nguyen", password=new.password)
    assert token.role is Role.dispatcher
    principal = service.principal_from_token(store_engine, settings, token.access_token)
    assert principal == Principal(
        name="an.nguyen", role=Role.dispatcher, kind="user", session_epoch=0
    )
    actions = [e.action for e in query(store_engine, AuditQuery(order="asc")).items]
    assert actions == ["user_changed", "login_ok"]
    assert verify(store_engine).ok


def test_password_is_never_stored_or_audited(store_engine: Engine, settings: Settings) -> None:
    password = "a very secret phrase 42"
    service.add_user(
        store_engine, settings, name="bo", role=Role.auditor, password=password, **ADMIN
    )
    with pytest.raises(AuthenticationError):
        service.login(store_engine, settings, username="bo", password=password + "!")
    with store_engine.connect() as conn:
        dump = "\n".join(str(tuple(r)) for r in conn.exec_driver_sql("SELECT * FROM users"))
        dump += "\n".join(str(tuple(r)) for r in conn.exec_driver_sql("SELECT * FROM audit_events"))
    assert "secret phrase" not in dump
    assert "$argon2id$" in dump


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("bo", "wrong password here", "bad_password"),
        ("nobody", "whatever password", "unknown_user"),
        ("cuong", "cuong's password 1", "disabled"),
    ],
)
def test_failed_logins_are_vague_and_audited(
    store_engine: Engine, settings: Settings, username: str, password: str, reason: str
) -> None:
    for name in ("bo", "cuong"):
        service.add_user(
            store_engine,
            settings,
            name=name,
            role=Role.dispatcher,
            password=f"{name}'s password 1",
            **ADMIN,
        )
    service.disable_user(store_engine, "cuong", **ADMIN)
    with pytest.raises(AuthenticationError) as info:
        service.login(
            store_engine, settings, username=username, password=password, client="10.0.0.9"
        )
    assert info.value.detail == service.LOGIN_FAILED
    failed = query(store_engine, AuditQuery(action="login_failed")).items
    assert len(failed) == 1
    assert failed[0].actor == username
    assert failed[0].details == {"reason": reason, "client": "10.0.0.9"}
    assert password not in str(failed[0].model_dump())


def test_disabling_a_user_ends_their_token(store_engine: Engine, settings: Settings) -> None:
    new = service.add_user(store_engine, settings, name="dung", role=Role.supervisor, **ADMIN)
    token = service.login(store_engine, settings, username="dung", password=new.password)
    service.disable_user(store_engine, "dung", **ADMIN)
    with pytest.raises(AuthenticationError, match="disabled"):
        service.principal_from_token(store_engine, settings, token.access_token)
    assert [u.disabled for u in service.list_users(store_engine)] == [True]


def test_ending_sessions_refuses_older_tokens_only(
    store_engine: Engine, settings: Settings
) -> None:
    new = service.add_user(store_engine, settings, name="em", role=Role.dispatcher, **ADMIN)
    old = service.login(store_engine, settings, username="em", password=new.password)
    principal = service.principal_from_token(store_engine, settings, old.access_token)
    service.end_sessions(store_engine, principal)
    with pytest.raises(AuthenticationError, match="session has ended"):
        service.principal_from_token(store_engine, settings, old.access_token)
    fresh = service.login(store_engine, settings, username="em", password=new.password)
    assert service.principal_from_token(store_engine, settings, fresh.access_token).name == "em"


def test_token_from_another_key_is_refused(store_engine: Engine, settings: Settings) -> None:
    new = service.add_user(store_engine, settings, name="gia", role=Role.dispatcher, **ADMIN)
    token = service.login(store_engine, settings, username="gia", password=new.password)
    other = settings.model_copy(update={"jwt_secret": None})
    with pytest.raises(AuthenticationError, match="token invalid"):
        service.principal_from_token(store_engine, other, token.access_token)


def test_role_comes_from_the_store_not_the_token(store_engine: Engine, settings: Settings) -> None:
    from camroute.auth import store

    new = service.add_user(store_engine, settings, name="hai", role=Role.gis_admin, **ADMIN)
    token = service.login(store_engine, settings, username="hai", password=new.password)
    with store_engine.begin() as conn:
        store.update_user(conn, "hai", role=Role.dispatcher.value)
    principal = service.principal_from_token(store_engine, settings, token.access_token)
    assert principal.role is Role.dispatcher


@pytest.mark.parametrize(
    ("name", "password", "error", "field"),
    [
        ("", None, InvalidInputError, "name"),
        ("an nguyen", None, InvalidInputError, "name"),
        ("-an", None, InvalidInputError, "name"),
        ("a" * 65, None, InvalidInputError, "name"),
        ("an", "short", InvalidInputError, "password"),
    ],
)
def test_bad_users_are_refused(
    store_engine: Engine,
    settings: Settings,
    name: str,
    password: str | None,
    error: type[Exception],
    field: str,
) -> None:
    with pytest.raises(error) as info:
        service.add_user(
            store_engine, settings, name=name, role=Role.dispatcher, password=password, **ADMIN
        )
    assert getattr(info.value, "field", None) == field
    assert service.list_users(store_engine) == []


def test_duplicate_user_is_a_conflict(store_engine: Engine, settings: Settings) -> None:
    service.add_user(store_engine, settings, name="an", role=Role.dispatcher, **ADMIN)
    with pytest.raises(ConflictError, match="already exists"):
        service.add_user(store_engine, settings, name="an", role=Role.auditor, **ADMIN)
    assert [u.role for u in service.list_users(store_engine)] == [Role.dispatcher]


def test_disabling_unknown_user_is_not_found(store_engine: Engine) -> None:
    with pytest.raises(NotFoundError, match="no user named 'ghost'"):
        service.disable_user(store_engine, "ghost", **ADMIN)


def test_api_key_round_trip(store_engine: Engine) -> None:
    new = service.create_api_key(store_engine, name="cad-hcmc", **ADMIN)
    assert new.key.startswith(service.API_KEY_PREFIX)
    assert new.api_key.role is Role.integration
    principal = service.principal_from_api_key(store_engine, new.key)
    assert principal == Principal(name="cad-hcmc", role=Role.integration, kind="apikey")
    listed = service.list_api_keys(store_engine)
    assert [(k.name, k.prefix) for k in listed] == [("cad-hcmc", new.key[:10])]
    with store_engine.connect() as conn:
        dump = str(list(conn.exec_driver_sql("SELECT * FROM api_keys")))
    assert new.key not in dump


def test_disabled_or_unknown_api_key_is_refused(store_engine: Engine) -> None:
    new = service.create_api_key(store_engine, name="cad", role=Role.supervisor, **ADMIN)
    with pytest.raises(AuthenticationError, match="unknown or disabled"):
        service.principal_from_api_key(store_engine, new.key + "x")
    service.disable_api_key(store_engine, "cad", **ADMIN)
    with pytest.raises(AuthenticationError, match="unknown or disabled"):
        service.principal_from_api_key(store_engine, new.key)
    changes = query(store_engine, AuditQuery(subject="apikey:cad", order="asc")).items
    assert [e.details for e in changes] == [
        {"change": "created", "role": "supervisor"},
        {"change": "disabled", "role": "supervisor"},
    ]


def test_unset_secret_gives_one_random_key_per_process(settings: Settings) -> None:
    unset = settings.model_copy(update={"jwt_secret": None})
    first = service.signing_secret(unset)
    assert first == service.signing_secret(unset)
    assert len(first) >= 32
    assert first != service.signing_secret(settings)
