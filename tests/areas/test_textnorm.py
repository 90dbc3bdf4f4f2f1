from __future__ import annotations

import pytest

from camroute.areas.textnorm import fold, normalise, parse_coordinates, parse_query, strip_type


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Đường Lê Lợi", "duong le loi"),
        ("đ. Lê Lợi", "duong le loi"),
        ("Đ.Lê Lợi", "duong le loi"),
        ("P. Bến Thành", "phuong ben thanh"),
        ("P.Bến Thành", "phuong ben thanh"),
        ("Q.1", "quan 1"),
        ("q1", "quan 1"),
        ("Q 10", "quan 10"),
        ("TP. Thủ Đức", "thanh pho thu duc"),
        ("TX. Thuận An", "thi xa thuan an"),
        ("H. Củ Chi", "huyen cu chi"),
        ("TP.HCM", "thanh pho ho chi minh"),
        ("Nguyễn   Thị  Minh Khai", "nguyen thi minh khai"),
        ("Quốc lộ 1A", "quoc lo 1a"),
        ("Rämistrasse", "ramistrasse"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_normalise(text: str, key: str) -> None:
    assert normalise(text) == key


def test_fold_keeps_punctuation_and_drops_marks() -> None:
    assert fold("Ngã Tư Hàng Xanh - Điện Biên Phủ") == "nga tu hang xanh - dien bien phu"


@pytest.mark.parametrize(
    ("key", "bare"),
    [
        ("phuong ben thanh", "ben thanh"),
        ("xa giao ninh", "giao ninh"),
        ("duong le loi", "le loi"),
        ("quan 1", "quan 1"),  # a number alone is not a name
        ("phuong", "phuong"),
        ("le loi", "le loi"),
    ],
)
def test_strip_type(key: str, bare: str) -> None:
    assert strip_type(key) == bare


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.7769, 106.7009", (106.7009, 10.7769)),
        ("10.7769,106.7009", (106.7009, 10.7769)),
        ("106.7009 10.7769", (106.7009, 10.7769)),
        ("60.17; 24.945", (24.945, 60.17)),
        ("-33.9, 151.2", (151.2, -33.9)),
        ("95.5, 200.1", None),
        ("10, 106", None),
        ("123 Lê Lợi", None),
    ],
)
def test_parse_coordinates(text: str, expected: tuple[float, float] | None) -> None:
    assert parse_coordinates(text) == expected


@pytest.mark.parametrize(
    ("text", "streets"),
    [
        ("ngã tư Lê Lợi Nguyễn Huệ", ("le loi nguyen hue",)),
        ("Ngã ba Lê Lợi - Nguyễn Huệ", ("le loi", "nguyen hue")),
        ("Lê Duẩn - Tôn Đức Thắng", ("le duan", "ton duc thang")),
        ("Lê Duẩn – Tôn Đức Thắng", ("le duan", "ton duc thang")),
        ("Lê Duẩn x Tôn Đức Thắng", ("le duan", "ton duc thang")),
        ("Lê Duẩn & Tôn Đức Thắng", ("le duan", "ton duc thang")),
        ("góc Lê Duẩn và Tôn Đức Thắng", ("le duan", "ton duc thang")),
        ("gần ngã tư Hàng Xanh", ("hang xanh",)),
        ("Lê Duẩn", None),
        ("Quốc lộ 1 - 2", None),
    ],
)
def test_parse_query_intersections(text: str, streets: tuple[str, ...] | None) -> None:
    assert parse_query(text).intersection == streets


@pytest.mark.parametrize(
    ("text", "key", "number", "context"),
    [
        ("123 Lê Lợi, P. Bến Thành, Q.1", "le loi", "123", ("phuong ben thanh", "quan 1")),
        ("số 45 Nguyễn Huệ", "nguyen hue", "45", ()),
        ("12/4B Nguyễn Trãi", "nguyen trai", "12/4b", ()),
        ("Lê Lợi, Quận 1", "le loi", None, ("quan 1",)),
    ],
)
def test_parse_query_house_number_and_context(
    text: str, key: str, number: str | None, context: tuple[str, ...]
) -> None:
    parsed = parse_query(text)
    assert (parsed.key, parsed.house_number, parsed.context) == (key, number, context)


def test_parse_query_near() -> None:
    parsed = parse_query("gần chợ Bến Thành")
    assert parsed.near
    assert parsed.key == "cho ben thanh"
    assert not parse_query("chợ Bến Thành").near


def test_osm_eth_spelling_folds_like_d_with_stroke() -> None:
    # "Ðồng Khởi" (U+00D0) in OSM data must meet "Đồng Khởi" (U+0110) typed by a dispatcher
    assert normalise("Ðồng Khởi") == normalise("Đồng Khởi") == "dong khoi"
    assert normalise("ðường ðồng khởi") == "duong dong khoi"
