from __future__ import annotations

import pytest
from pydantic import SecretStr

from camroute.cameras.secrets import (
    PREFIX,
    CredentialCipher,
    CredentialKeyError,
    cipher_for,
    open_password,
)

KEY = "a passphrase of at least thirty-two characters"


def test_sealed_passwords_differ_each_time_and_open_again() -> None:
    # A password long enough that chance can't spell it in the base64 token ("pw" did, ~3 %).
    secret = "Camera-Admin-Password-2026"
    cipher = CredentialCipher(KEY)
    a, b = cipher.seal(secret), cipher.seal(secret)
    assert a is not None
    assert b is not None
    assert a != b
    assert secret not in a.removeprefix(PREFIX)
    assert cipher.open(a) == cipher.open(b) == secret


@pytest.mark.parametrize("value", [None, "plain text from before the key"])
def test_plain_and_missing_values_pass(value: str | None) -> None:
    assert CredentialCipher(KEY).open(value) == value
    assert open_password(value, None) == value


def test_sealing_twice_keeps_one_layer() -> None:
    cipher = CredentialCipher(KEY)
    once = cipher.seal("pw")
    assert cipher.seal(once) == once


def test_another_key_is_refused() -> None:
    sealed = CredentialCipher(KEY).seal("pw")
    with pytest.raises(CredentialKeyError, match="another CAMROUTE_CREDENTIALS_KEY"):
        CredentialCipher(KEY + "!").open(sealed)


def test_sealed_without_a_key_is_refused_not_sent() -> None:
    sealed = CredentialCipher(KEY).seal("pw")
    with pytest.raises(CredentialKeyError, match="not set"):
        open_password(sealed, None)


def test_cipher_for_settings() -> None:
    assert cipher_for(None) is None
    cipher = cipher_for(SecretStr(KEY))
    assert cipher is not None
    assert cipher.open(cipher.seal("x")) == "x"
