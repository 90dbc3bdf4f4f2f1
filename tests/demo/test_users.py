from __future__ import annotations

from sqlalchemy import Engine

from camroute.auth.models import Role
from camroute.auth.service import login, principal_from_api_key
from camroute.demo.users import create_accounts
from camroute.settings import Settings


def _settings(url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=url, password_hash_time_cost=1, password_hash_memory_kib=8
    )


def test_one_login_per_role_with_random_passwords(store_engine: Engine) -> None:
    settings = _settings(str(store_engine.url))
    accounts = create_accounts(store_engine, settings)
    assert [u.role for u in accounts.users] == list(Role)
    assert [u.name for u in accounts.users][:2] == ["demo-dispatcher", "demo-supervisor"]
    assert len({u.password for u in accounts.users}) == len(accounts.users)
    for user in accounts.users:
        token = login(store_engine, settings, username=user.name, password=user.password)
        assert token.role == user.role
    assert accounts.closer.role is Role.supervisor
    key = principal_from_api_key(store_engine, accounts.api_key)
    assert (key.role, key.kind) == (Role.integration, "apikey")
    keys = {k.name: k for k in accounts.keys}
    assert set(keys) == {"demo-calls", "demo-gis"}
    gis = principal_from_api_key(store_engine, keys["demo-gis"].key)
    assert (gis.name, gis.role) == ("demo-gis", Role.gis_admin)


def test_a_kept_database_gets_new_names_not_old_passwords(store_engine: Engine) -> None:
    settings = _settings(str(store_engine.url))
    first = create_accounts(store_engine, settings)
    second = create_accounts(store_engine, settings)
    assert not {u.name for u in first.users} & {u.name for u in second.users}
    assert all(u.name.startswith("demo-") for u in second.users)
    assert first.api_key != second.api_key
    assert not {k.name for k in first.keys} & {k.name for k in second.keys}
