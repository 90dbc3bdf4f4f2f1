from __future__ import annotations

import pytest

from camroute.areas.gazetteer import Entry, NameIndex, entry_keys, pair_score


def _entry(label: str, kind: str = "street") -> Entry:
    return Entry(label, kind, 106.7, 10.77, entry_keys(label))


INDEX = NameIndex(
    [
        _entry("Lê Lợi"),
        _entry("Lê Lai"),
        _entry("Nguyễn Huệ"),
        _entry("Phường Bến Thành", "admin_unit"),
        _entry("Chợ Bến Thành", "poi"),
        _entry("Mannerheimintie"),
    ]
)


@pytest.mark.parametrize(
    ("key", "kinds", "labels"),
    [
        ("le loi", None, ["Lê Lợi"]),
        ("le lio", None, ["Lê Lợi"]),
        ("ben thanh", None, ["Phường Bến Thành"]),
        ("ben thanh", {"poi"}, ["Chợ Bến Thành"]),
        ("nguyen hue", {"poi"}, []),
        ("cho ben thanh", {"poi"}, ["Chợ Bến Thành"]),
        ("mannerheimintei", None, ["Mannerheimintie"]),
        ("hai ba trung", None, []),
        ("", None, []),
    ],
)
def test_search(key: str, kinds: set[str] | None, labels: list[str]) -> None:
    hits = INDEX.search(key, kinds=kinds, limit=1)
    assert [INDEX.entries[i].label for i, _ in hits] == labels


def test_scores_are_ranked_and_exact_is_100() -> None:
    hits = INDEX.search("le loi", limit=5)
    assert hits[0][1] == 100.0
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


@pytest.mark.parametrize(
    ("query", "names", "positive"),
    [
        (("le duan", "ton duc thang"), ("le duan", "ton duc thang"), True),
        (("ton duc thang", "le duan"), ("le duan", "ton duc thang"), True),
        (("duong le duan", "ton duc thang"), ("le duan", "ton duc thang"), True),
        (("le duan", "ton duc thangg"), ("le duan", "ton duc thang"), True),
        (("le duan", "nguyen hue"), ("le duan", "ton duc thang"), False),
        (("le duan", "ton duc thang"), ("le duan",), False),
    ],
)
def test_pair_score(query: tuple[str, str], names: tuple[str, ...], positive: bool) -> None:
    assert (pair_score(query, names) > 0.0) is positive
