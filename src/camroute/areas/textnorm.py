"""Normalise Vietnamese place text for search: case, diacritics, abbreviations, query shapes.

Pure: string functions only. ``đ`` folds to ``d``; tone and vowel marks are dropped; the usual
abbreviations of address text (``P.``, ``Q.``, ``TP.``, ``Đ.``, ``TX.``, ``H.``, ``TT.``, ``Q1``)
are spelt out so ``"Q.1"`` and ``"Quận 1"`` meet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_ABBREV_DOT = re.compile(r"(?<![a-z0-9])(tp|tx|tt|p|q|d|h)\.\s*")
_ABBREV_NUM = re.compile(r"(?<![a-z0-9])(p|q)\s?(\d{1,2})(?![0-9a-z])")
_EXPAND = {
    "tp": "thanh pho ",
    "tx": "thi xa ",
    "tt": "thi tran ",
    "p": "phuong ",
    "q": "quan ",
    "d": "duong ",
    "h": "huyen ",
}
_WORDS = {"tphcm": "thanh pho ho chi minh", "hcm": "ho chi minh", "hn": "ha noi"}
_NON_WORD = re.compile(r"[^a-z0-9]+")
TYPE_PREFIXES = (
    "thanh pho",
    "thi xa",
    "thi tran",
    "dac khu",
    "phuong",
    "xa",
    "quan",
    "huyen",
    "tinh",
    "duong",
    "pho",
)
_INTERSECTION_WORDS = re.compile(
    r"^(?:gan\s+)?(?:nga\s+(?:tu|ba|nam|sau|bay)|giao\s+lo|goc(?:\s+duong)?)\s+"
)
_SEPARATORS = re.compile(r"\s+(?:-|–|—|x|&|va|giao|voi)\s+|\s*/\s*|\s*&\s*|\s+[-–—]\s*|\s*[-–—]\s+")
_NEAR = re.compile(r"^(?:o\s+)?(?:gan|canh|truoc|doi dien|sau)\s+")
_HOUSE = re.compile(r"^(?:so\s+(?:nha\s+)?)?(\d+[a-z]?(?:/\d+[a-z]?)*)\s+(\D.*)$")
_REMARK = re.compile(r"\([^)]*\)")
_COORDS = re.compile(r"^\s*(-?\d{1,3}\.\d+)\s*[,;\s]\s*(-?\d{1,3}\.\d+)\s*$")


def fold(text: str) -> str:
    """Lower-case ``text`` and drop Vietnamese marks (``đ`` becomes ``d``), keeping punctuation.

    Examples
    --------
    Some OSM names write the Icelandic eth 'Ð' (U+00D0, lower case 'ð') for 'Đ' (U+0110): the
    two look alike, so a search for "Đồng Khởi" must find "Ðồng Khởi"; both fold to ``d``.

    >>> fold("Đường Lê Lợi, Q.1")
    'duong le loi, q.1'
    >>> fold("\u00d0ồng Khởi") == fold("Đồng Khởi") == "dong khoi"
    True
    """
    lowered = text.lower().replace("đ", "d").replace("ð", "d")
    decomposed = unicodedata.normalize("NFD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 16)  # a city's street names repeat (one name, many ways)
def normalise(text: str) -> str:
    """Search key: folded, abbreviations spelt out, punctuation to single spaces.

    Examples
    --------
    >>> normalise("P. Bến Thành, Q.1, TP.HCM")
    'phuong ben thanh quan 1 thanh pho ho chi minh'
    >>> normalise("ĐƯỜNG  Nguyễn   Huệ")
    'duong nguyen hue'
    >>> normalise("Q1")
    'quan 1'
    """
    folded = _ABBREV_DOT.sub(lambda m: _EXPAND[m.group(1)], fold(text))
    folded = _ABBREV_NUM.sub(lambda m: f"{_EXPAND[m.group(1)]}{m.group(2)}", folded)
    words = _NON_WORD.sub(" ", folded).split()
    return " ".join(_WORDS.get(w, w) for w in words)


def strip_type(key: str) -> str:
    """Drop one leading unit or street type word (``phuong``, ``quan``, ``duong`` ...).

    Examples
    --------
    >>> strip_type("phuong ben thanh")
    'ben thanh'
    >>> strip_type("thanh pho thu duc")
    'thu duc'
    >>> strip_type("quan 1")
    'quan 1'
    """
    for prefix in TYPE_PREFIXES:
        rest = key.removeprefix(prefix + " ")
        if rest != key and rest and not rest.isdigit():
            return rest
    return key


@dataclass(frozen=True)
class ParsedQuery:
    """What a free-text location query looks like before any matching."""

    key: str
    context: tuple[str, ...] = ()
    intersection: tuple[str, ...] | None = None
    house_number: str | None = None
    near: bool = False
    raw: str = ""


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """``(lon, lat)`` from typed coordinates, or ``None``.

    Two decimal numbers; a value beyond ±90 must be the longitude, otherwise the order is taken
    as ``lat, lon`` (how map apps copy coordinates).

    Examples
    --------
    >>> parse_coordinates("10.7769, 106.7009")
    (106.7009, 10.7769)
    >>> parse_coordinates("106.7009 10.7769")
    (106.7009, 10.7769)
    >>> parse_coordinates("123 Le Loi") is None
    True
    """
    match = _COORDS.match(text)
    if not match:
        return None
    a, b = float(match.group(1)), float(match.group(2))
    if abs(a) > 90.0 >= abs(b):
        lon, lat = a, b
    else:
        lon, lat = b, a
    if abs(lon) > 180.0 or abs(lat) > 90.0:
        return None
    return lon, lat


def parse_query(text: str) -> ParsedQuery:
    """Split free text into the main key, context parts, intersection streets, house number.

    Examples
    --------
    >>> q = parse_query("123 Lê Lợi, P. Bến Thành, Q.1")
    >>> q.key, q.house_number, q.context
    ('le loi', '123', ('phuong ben thanh', 'quan 1'))
    >>> parse_query("Ngã tư Lê Lợi - Nguyễn Huệ").intersection
    ('le loi', 'nguyen hue')
    >>> parse_query("ngã tư Lê Lợi Nguyễn Huệ").intersection
    ('le loi nguyen hue',)
    >>> parse_query("Lê Duẩn - Tôn Đức Thắng").intersection
    ('le duan', 'ton duc thang')
    >>> parse_query("12/4B Nguyễn Trãi").house_number
    '12/4b'
    >>> q = parse_query("gần chợ Bến Thành")
    >>> q.key, q.near, q.intersection
    ('cho ben thanh', True, None)
    """
    plain = _REMARK.sub(" ", fold(text))  # "(hướng đi Sân bay)", "(2)": remarks, not names
    head, *rest = [part for part in plain.split(",") if part.strip()] or [""]
    context = tuple(k for k in (normalise(p) for p in rest) if k)
    near = bool(_NEAR.match(normalise(head)))
    stripped = _NEAR.sub("", head.strip())
    house = _HOUSE.match(stripped)
    if house:
        key = normalise(house.group(2))
        return ParsedQuery(key=key, context=context, house_number=house.group(1))
    marked = _INTERSECTION_WORDS.match(normalise(stripped))
    parts = [normalise(p) for p in _SEPARATORS.split(stripped.strip())]
    parts = [p for p in parts if p]
    if len(parts) == 2 and not any(p.isdigit() for p in parts):
        first = _INTERSECTION_WORDS.sub("", parts[0])
        return ParsedQuery(
            key=" ".join(parts), context=context, intersection=(first, parts[1]), raw=stripped
        )
    key = normalise(stripped)
    if marked:
        rest_key = key[marked.end() :]
        return ParsedQuery(key=rest_key, context=context, intersection=(rest_key,), raw=stripped)
    return ParsedQuery(key=key, context=context, near=near)
