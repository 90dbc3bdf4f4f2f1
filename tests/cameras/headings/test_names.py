from __future__ import annotations

import pytest

from camroute.cameras.headings.names import corner_names, street_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ðồng Khởi", "Đồng Khởi"),  # U+00D0 eth as in OSM, vs U+0110
        ("ðồng khởi", "ĐỒNG KHỞI"),
        ("Đường Mê Linh", "Mê Linh"),
        ("Đ. Mê Linh", "mê linh"),
        ("Ba Tháng Hai", "3 Tháng 2"),
        ("Cách Mạng Tháng Tám", "Cách Mạng Tháng 8"),
        ("CMT8", "Cách Mạng Tháng Tám"),
        ("Xô Viết Nghệ Tĩnh", "XVNT"),
    ],
)
def test_spellings_of_one_street_share_a_key(a: str, b: str) -> None:
    assert street_key(a) == street_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lê Lợi", "Lê Lai"),
        ("Lý Chính Thắng", "Lý Chính"),
        ("Hẻm 120 Trần Hưng Đạo", "Trần Hưng Đạo"),
    ],
)
def test_different_streets_keep_different_keys(a: str, b: str) -> None:
    assert street_key(a) != street_key(b)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Lý Thái Tổ - Sư Vạn Hạnh", [{"ly thai to"}, {"su van hanh"}]),
        (
            "Ba Tháng Hai – Sư Vạn Hạnh",
            [{"3 thang 2", "thang 2", "3 thang"}, {"su van hanh"}],
        ),  # en dash
        (
            "Nam Kỳ Khởi Nghĩa -Nguyễn Thị Minh Khai 2",
            [{"nam ky khoi nghia"}, {"nguyen thi minh khai", "nguyen thi minh khai 2"}],
        ),
        ("Bạch Đằng - Đinh Bộ Lĩnh 2 (PTZ)", [{"bach dang"}, {"dinh bo linh", "dinh bo linh 2"}]),
        ("Nút giao Hàng Xanh 3 (Cầu Thị Nghè - Hàng Xanh)", [{"cau thi nghe"}, {"hang xanh"}]),
        ("353-lý thánh tông", [{"353"}, {"ly thanh tong"}]),
        ("71 Mai Thị Lựu", [{"71 mai thi luu", "mai thi luu"}]),
        ("Nguyễn Huệ 36", [{"nguyen hue", "nguyen hue 36"}]),
        ("", []),
    ],
)
def test_corner_names(name: str, expected: list[set[str]]) -> None:
    assert [set(s) for s in corner_names(name)] == expected
