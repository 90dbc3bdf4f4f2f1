from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from camroute.live.tickets import (
    AUDIENCE,
    TicketClaims,
    TicketExpiredError,
    TicketInvalidError,
    expiry,
    sign_ticket,
    verify_ticket,
)

KEY = b"k" * 32
NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
CLAIMS = TicketClaims("t1", "i1", "CAM-1", "ann", "dispatcher", "check", NOW + timedelta(minutes=5))


@pytest.mark.parametrize(
    ("ttl_s", "ok"), [(1, True), (300, True), (600, True), (601, False), (0, False), (-5, False)]
)
def test_ticket_lifetime_is_at_most_ten_minutes(ttl_s: int, ok: bool) -> None:
    if ok:
        assert expiry(now=NOW, ttl_s=ttl_s) == NOW + timedelta(seconds=ttl_s)
    else:
        with pytest.raises(ValueError, match="ttl_s"):
            expiry(now=NOW, ttl_s=ttl_s)


def test_round_trip_keeps_every_binding() -> None:
    assert verify_ticket(sign_ticket(CLAIMS, key=KEY), key=KEY, now=NOW) == CLAIMS


@pytest.mark.parametrize(
    ("now", "error"),
    [
        (NOW + timedelta(minutes=5) - timedelta(seconds=1), None),
        (NOW + timedelta(minutes=5), TicketExpiredError),  # exactly at expiry: dead
        (NOW + timedelta(hours=1), TicketExpiredError),
    ],
)
def test_expiry_edges(now: datetime, error: type[Exception] | None) -> None:
    token = sign_ticket(CLAIMS, key=KEY)
    if error is None:
        assert verify_ticket(token, key=KEY, now=now).ticket_id == "t1"
    else:
        with pytest.raises(error):
            verify_ticket(token, key=KEY, now=now)


def _forge(payload: dict, *, key: bytes = KEY, alg: str = "HS256") -> str:
    return jwt.encode(payload, key, algorithm=alg)


BASE = {
    "jti": "t",
    "inc": "i",
    "cam": "c",
    "sub": "u",
    "aud": AUDIENCE,
    "exp": int((NOW + timedelta(minutes=5)).timestamp()),
}


@pytest.mark.parametrize(
    "token",
    [
        _forge(BASE, key=b"other-key" * 4),
        _forge({**BASE, "aud": "someone-else"}),
        _forge({k: v for k, v in BASE.items() if k != "cam"}),
        _forge({k: v for k, v in BASE.items() if k != "exp"}),
        _forge(BASE, key=KEY * 2, alg="HS512"),
        jwt.encode(BASE, None, algorithm="none"),
        sign_ticket(CLAIMS, key=KEY)[:-3] + "AAA",
        "not-a-ticket",
    ],
    ids=[
        "other-key",
        "audience",
        "no-camera",
        "no-expiry",
        "hs512",
        "alg-none",
        "tampered",
        "garbage",
    ],
)
def test_forgeries_are_refused(token: str) -> None:
    with pytest.raises(TicketInvalidError):
        verify_ticket(token, key=KEY, now=NOW)


def test_configured_and_stored_keys(tmp_path) -> None:
    from camroute.live.service import ticket_key
    from camroute.settings import Settings
    from camroute.store import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    migrate(engine)
    short = Settings(_env_file=None, database_url="sqlite://", live_ticket_secret="short")  # type: ignore[call-arg]
    assert len(ticket_key(engine, short)) == 32
    unset = Settings(_env_file=None, database_url="sqlite://")  # type: ignore[call-arg]
    stored = ticket_key(engine, unset)
    assert len(stored) == 32
    assert ticket_key(engine, unset) == stored
    assert stored != ticket_key(engine, short)
    engine.dispose()
