from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from camroute.auth.tokens import AUDIENCE, ISSUER, decode_token, issue_token
from camroute.errors import AuthenticationError

KEY = "k" * 64
T0 = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def test_round_trip_keeps_the_claims() -> None:
    issued = issue_token(subject="an", role="dispatcher", secret=KEY, ttl_s=3600, epoch=3, now=T0)
    claims = decode_token(issued.token, secret=KEY, now=T0 + timedelta(minutes=59))
    assert (claims.subject, claims.role, claims.epoch) == ("an", "dispatcher", 3)
    assert claims.issued_at == T0
    assert claims.expires_at == issued.expires_at == T0 + timedelta(hours=1)


@pytest.mark.parametrize(
    ("offset_s", "valid"),
    [(0, True), (3599, True), (3600, False), (7200, False)],
)
def test_expiry_boundary(offset_s: int, valid: bool) -> None:
    token = issue_token(subject="an", role="auditor", secret=KEY, ttl_s=3600, now=T0).token
    moment = T0 + timedelta(seconds=offset_s)
    if valid:
        assert decode_token(token, secret=KEY, now=moment).subject == "an"
    else:
        with pytest.raises(AuthenticationError, match="expired"):
            decode_token(token, secret=KEY, now=moment)


def _forge(claims: dict[str, object], *, key: str = KEY, alg: str = "HS256") -> str:
    base: dict[str, object] = {
        "sub": "an",
        "role": "supervisor",
        "iat": int(T0.timestamp()),
        "exp": int(T0.timestamp()) + 60,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sep": 0,
    }
    base.update(claims)
    return jwt.encode({k: v for k, v in base.items() if v is not None}, key, algorithm=alg)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(_forge({}, key="z" * 64), id="other key"),
        pytest.param(_forge({"aud": "someone-else"}), id="wrong audience"),
        pytest.param(_forge({"iss": "evil"}), id="wrong issuer"),
        pytest.param(_forge({"sep": None}), id="no epoch"),
        pytest.param(_forge({"exp": None}), id="no expiry"),
        pytest.param(_forge({}, alg="HS512"), id="other algorithm"),
        pytest.param(
            jwt.encode({"sub": "an", "role": "auditor"}, None, algorithm="none"), id="alg none"
        ),
        pytest.param("not.a.token", id="garbage"),
    ],
)
def test_bad_tokens_are_refused(token: str) -> None:
    with pytest.raises(AuthenticationError, match="token invalid"):
        decode_token(token, secret=KEY, now=T0)


def test_a_forged_token_with_the_right_key_is_accepted() -> None:
    # Guards the table above: its rows fail for their one defect, not for a bad base.
    assert decode_token(_forge({}), secret=KEY, now=T0).role == "supervisor"


def test_short_signing_key_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        issue_token(subject="an", role="dispatcher", secret="short", ttl_s=60)
