"""The bounded per-snapshot memo: made once, least recently used out first."""

from __future__ import annotations

import pytest

from camroute.routing.memo import Memo


def test_values_are_made_once_for_the_keys_missing() -> None:
    asked: list[list[int]] = []

    def make(keys: list[int]) -> list[str]:
        asked.append(keys)
        return [f"v{k}" for k in keys]

    memo: Memo[str] = Memo(limit=10)
    assert memo.get_many([1, 2, 1], make) == ["v1", "v2", "v1"]
    assert memo.get_many([2, 3], make) == ["v2", "v3"]
    assert asked == [[1, 2], [3]]  # a key repeated in one call is made once


def test_least_recently_used_goes_first() -> None:
    memo: Memo[int] = Memo(limit=3)
    memo.get_many([1, 2, 3], lambda keys: keys)
    memo.get_many([1], lambda keys: keys)  # 1 is used again: 2 is now the oldest
    memo.get_many([4], lambda keys: keys)
    assert memo.keys() == [3, 1, 4]


def test_limit_must_hold_a_value() -> None:
    with pytest.raises(ValueError, match="at least 1 value, got 0"):
        Memo(limit=0)


def test_items_leave_the_order_of_use_alone() -> None:
    memo: Memo[str] = Memo(limit=3)
    memo.get_many([1, 2, 3], lambda keys: [f"v{k}" for k in keys])
    assert memo.items() == [(1, "v1"), (2, "v2"), (3, "v3")]
    assert memo.items() == [(1, "v1"), (2, "v2"), (3, "v3")]  # reading them used none
    memo.get_many([1], lambda keys: [])
    assert memo.keys() == [2, 3, 1]
