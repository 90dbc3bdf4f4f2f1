"""Build the map's label glyphs (signed-distance-field PBF ranges) from a TrueType font.

MapLibre draws text from SDF glyph ranges fetched from the app (no font server, no CDN). This
maintainer step renders the ranges Vietnamese street names need (Latin, Latin Extended, the
combining marks and Latin Extended Additional ``U+1E00-1EFF``) from DejaVu Sans (Debian's
``fonts-dejavu-core``, Bitstream Vera / DejaVu licence) with Pillow, turns each glyph into a
signed distance field with scipy, and writes the protobuf by hand (three message types).

    python scripts/build_glyphs.py /usr/share/fonts/truetype/dejavu src/camroute/basemap/glyphs

Radius 8 px and cutoff 0.25 at 24 px with a 3 px border are what MapLibre's shaders expect.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy.ndimage import distance_transform_edt

SIZE_PX = 24
BORDER_PX = 3
RADIUS_PX = 8.0
CUTOFF = 0.25
RANGES = (0, 256, 512, 768, 7680, 8192)
FONTS = {"DejaVu Sans": "DejaVuSans.ttf", "DejaVu Sans Bold": "DejaVuSans-Bold.ttf"}
MISSING = "\U0010fffd"  # a private-use code point no font maps: its drawing is .notdef


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _uint(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _sint(number: int, value: int) -> bytes:
    return _uint(number, (value << 1) ^ (value >> 31))


def _draw(font: ImageFont.FreeTypeFont, char: str) -> tuple[np.ndarray, int, int]:
    """Alpha of ``char`` cropped to its ink, with its left and top bearings (pixels)."""
    canvas = Image.new("L", (SIZE_PX * 3, SIZE_PX * 3), 0)
    origin = (SIZE_PX, SIZE_PX * 2)
    ImageDraw.Draw(canvas).text(origin, char, font=font, fill=255, anchor="ls")
    box = canvas.getbbox()
    if box is None:
        return np.zeros((0, 0)), 0, 0
    alpha = np.asarray(canvas.crop(box), dtype=float) / 255.0
    return alpha, box[0] - origin[0], origin[1] - box[1]


def _sdf(alpha: np.ndarray) -> bytes:
    padded = np.pad(alpha, BORDER_PX)
    inside = padded > 0.5
    outside_d = distance_transform_edt(~inside) - 0.5
    inside_d = distance_transform_edt(inside) - 0.5
    signed = np.where(inside, -inside_d, outside_d)
    values = 255.0 - 255.0 * (signed / RADIUS_PX + CUTOFF)
    return np.clip(np.round(values), 0, 255).astype(np.uint8).tobytes()


def _glyph(font: ImageFont.FreeTypeFont, code: int, ascender: int) -> bytes:
    char = chr(code)
    alpha, left, bearing_y = _draw(font, char)
    height, width = alpha.shape
    body = _uint(1, code)
    if width and height:
        body += _field(2, _sdf(alpha))
    body += _uint(3, width) + _uint(4, height) + _sint(5, left)
    body += _sint(6, bearing_y - ascender) + _uint(7, round(font.getlength(char)))
    return body


def _has(font: ImageFont.FreeTypeFont, code: int, notdef: bytes) -> bool:
    if code < 32:
        return False
    alpha, _, _ = _draw(font, chr(code))
    return chr(code).isspace() or alpha.tobytes() != notdef


def build(font_dir: Path, out_dir: Path) -> None:
    """Write ``out_dir/<fontstack>/<start>-<end>.pbf`` for every font and range."""
    for stack, filename in FONTS.items():
        font = ImageFont.truetype(
            str(font_dir / filename), SIZE_PX, layout_engine=ImageFont.Layout.BASIC
        )
        ascender = font.getmetrics()[0]
        notdef = _draw(font, MISSING)[0].tobytes()
        folder = out_dir / stack
        folder.mkdir(parents=True, exist_ok=True)
        for start in RANGES:
            end = start + 255
            glyphs = [
                _field(3, _glyph(font, code, ascender))
                for code in range(start, end + 1)
                if _has(font, code, notdef)
            ]
            stack_msg = _field(1, stack.encode()) + _field(2, f"{start}-{end}".encode())
            (folder / f"{start}-{end}.pbf").write_bytes(_field(1, stack_msg + b"".join(glyphs)))


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
