"""Street names in camera names: ``"Lý Thái Tổ - Sư Vạn Hạnh 2 (PTZ)"`` to matching keys.

Pure: string functions only. Keys come from :func:`camroute.areas.textnorm.normalise` with the
street type word dropped (``"Đường Mê Linh"`` and ``"Mê Linh"`` meet), so a camera name and an
OSM street name compare equal when they name the same street.
"""

from __future__ import annotations

import re
from typing import Final

from camroute.areas.textnorm import normalise, strip_type

_PAIR = re.compile(r"\s*[-–—]\s*")
_REMARK = re.compile(r"\([^)]*\)")
_PAIR_IN_REMARK = re.compile(r"\(([^()]*[-–—][^()]*)\)")
_TRAILING_NUMBER = re.compile(r"\s+\d{1,2}$")
_HOUSE_NUMBER = re.compile(r"^\d+[a-z]?\s")
# Number words of date-named streets ("Ba Tháng Hai", "Cách Mạng Tháng Tám") as OSM often
# writes them in digits ("3 Tháng 2", "Cách Mạng Tháng 8").
_NUMBER_WORDS: Final = {
    "mot": "1",
    "hai": "2",
    "ba": "3",
    "bon": "4",
    "tu": "4",
    "nam": "5",
    "sau": "6",
    "bay": "7",
    "tam": "8",
    "chin": "9",
    "muoi": "10",
}
_DATE = re.compile(r"(?:(\w+) )?thang (\w+)")
# Abbreviations that traffic-camera lists use for long street names.
ALIASES: Final = {
    "cmt8": "cach mang thang 8",
    "xvnt": "xo viet nghe tinh",
    "nkkn": "nam ky khoi nghia",
    "ntmk": "nguyen thi minh khai",
    "dbp": "dien bien phu",
}


def _digits(match: re.Match[str]) -> str:
    day, month = match.group(1), match.group(2)
    day_text = "" if day is None else _NUMBER_WORDS.get(day, day) + " "
    return f"{day_text}thang {_NUMBER_WORDS.get(month, month)}"


def street_key(text: str) -> str:
    """The matching key of a street name: folded, no type word, date numbers in digits.

    ``Ð`` (U+00D0, Icelandic eth, found in OSM names) reads as ``Đ`` (``textnorm.fold``).

    Examples
    --------
    >>> street_key("Đường Mê Linh"), street_key("ÐỒNG KHỞI")
    ('me linh', 'dong khoi')
    >>> street_key("Ba Tháng Hai") == street_key("3 Tháng 2")
    True
    >>> street_key("CMT8") == street_key("Cách Mạng Tháng Tám")
    True
    """
    key = strip_type(normalise(text))
    key = ALIASES.get(key, key)
    return _DATE.sub(_digits, key)


def corner_names(camera_name: str) -> list[frozenset[str]]:
    """The street keys a camera's name mentions: one set of spellings per street.

    A name ``"A - B"`` names a corner (two streets); ``"A"`` one street. A trailing camera
    number (``"Nguyễn Tri Phương 2"``) may or may not be part of the street name, so both
    spellings are kept; a remark in brackets is dropped unless it holds the pair itself
    (``"Nút giao Hàng Xanh 5 (Hàng Xanh - Bạch Đằng)"``). A house address (``"71 Mai Thị Lựu"``)
    names its street.

    Examples
    --------
    >>> corner_names("Lý Thái Tổ - Sư Vạn Hạnh (PTZ)")
    [frozenset({'ly thai to'}), frozenset({'su van hanh'})]
    >>> sorted(corner_names("Võ Văn Kiệt - Nguyễn Tri Phương 2")[1])
    ['nguyen tri phuong', 'nguyen tri phuong 2']
    >>> corner_names("Nút giao Hàng Xanh 5 (Hàng Xanh - Bạch Đằng)")
    [frozenset({'hang xanh'}), frozenset({'bach dang'})]
    >>> sorted(corner_names("71 Mai Thị Lựu")[0])
    ['71 mai thi luu', 'mai thi luu']
    """
    inner = _PAIR_IN_REMARK.search(camera_name)
    text = inner.group(1) if inner else _REMARK.sub(" ", camera_name)
    streets: list[frozenset[str]] = []
    for part in _PAIR.split(text.strip()):
        key = street_key(part)
        if not key:
            continue
        # "3 thang 2" is a street, "71 mai thi luu" an address: keep both readings
        spellings = {key, _HOUSE_NUMBER.sub("", key)}
        spellings |= {_TRAILING_NUMBER.sub("", s) for s in spellings}
        streets.append(frozenset(s for s in spellings if s == key or " " in s))
    return streets
