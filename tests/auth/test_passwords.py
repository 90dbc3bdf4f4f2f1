from __future__ import annotations

import pytest

from camroute.auth.passwords import (
    check_password,
    generate_password,
    hash_password,
    make_hasher,
    verify_password,
)
from camroute.errors import InvalidInputError

HASHER = make_hasher(time_cost=1, memory_kib=64)


def test_hash_is_argon2id_and_salted() -> None:
    a = hash_password(HASHER, "correct horse battery")
    b = hash_password(HASHER, "correct horse battery")
    assert a.startswith("$argon2id$")
    assert a != b
    assert "correct horse" not in a


@pytest.mark.parametrize(
    ("candidate", "ok"),
    [
        ("correct horse battery", True),
        ("correct horse batterY", False),
        ("", False),
        ("correct horse battery ", False),
    ],
)
def test_verify(candidate: str, ok: bool) -> None:
    digest = hash_password(HASHER, "correct horse battery")
    assert verify_password(HASHER, digest, candidate) is ok


@pytest.mark.parametrize("digest", ["", "not-a-hash", "$argon2id$v=19$m=64,t=1,p=4$broken"])
def test_unreadable_hash_never_verifies(digest: str) -> None:
    assert verify_password(HASHER, digest, "anything at all") is False


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("a" * 11, "11 characters, at least 12"),
        ("a" * 1025, "at most 1024"),
        ("", "0 characters"),
    ],
)
def test_weak_passwords_are_refused(password: str, error: str) -> None:
    with pytest.raises(InvalidInputError, match=error):
        check_password(password)


@pytest.mark.parametrize("password", ["a" * 12, "mật khẩu đủ dài rồi", "a" * 1024])
def test_acceptable_passwords(password: str) -> None:
    check_password(password)


def test_generated_passwords_are_long_and_distinct() -> None:
    made = {generate_password() for _ in range(50)}
    assert len(made) == 50
    for p in made:
        check_password(p)
