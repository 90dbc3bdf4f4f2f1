"""The label glyphs shipped with the package (SDF PBF ranges, built by scripts/build_glyphs.py).

A range the package does not ship (a script no city name here uses) is answered with an empty
glyph set, so the renderer draws the rest of the label instead of failing the tile.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from camroute.errors import NotFoundError

GLYPH_DIR: Final = Path(__file__).resolve().parent / "glyphs"
_RANGE = re.compile(r"^(\d{1,5})-(\d{1,5})$")


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def empty_range(fontstack: str, glyph_range: str) -> bytes:
    """A glyphs message holding one font stack and no glyph.

    Examples
    --------
    >>> empty_range("A", "0-255").hex()
    '0a0a0a01411205302d323535'
    """
    stack = _field(1, fontstack.encode()) + _field(2, glyph_range.encode())
    return _field(1, stack)


def glyph_range(fontstack: str, glyph_range: str) -> bytes:
    """The PBF of ``glyph_range`` (``"0-255"``) for the first shipped font of ``fontstack``."""
    match = _RANGE.match(glyph_range)
    if match is None or int(match.group(2)) - int(match.group(1)) != 255:
        raise NotFoundError(f"no glyph range {glyph_range!r}")
    shipped = {p.name for p in GLYPH_DIR.iterdir() if p.is_dir()}
    for font in (f.strip() for f in fontstack.split(",")):
        if font in shipped:
            path = GLYPH_DIR / font / f"{glyph_range}.pbf"
            return path.read_bytes() if path.is_file() else empty_range(font, glyph_range)
    raise NotFoundError(f"no font stack {fontstack!r}; shipped: {sorted(shipped)}")
