"""Build the basemap's POI icons (a MapLibre sprite sheet at 1x and 2x) with Pillow.

Drawn here from simple shapes -- no icon set downloaded -- so their licence is the project's.
Each icon is a coloured disc with a white pictogram: a cross (hospital, clinic), a shield
(police), a flame (fire station), an open book (school), a basket (market), a pagoda roof or a
church cross (place of worship), a bus (bus station). Colours follow the map's POI dots.

    python scripts/build_sprites.py src/camroute/web/static/basemap

Writes ``sprite.png``/``sprite.json`` and ``sprite@2x.png``/``sprite@2x.json``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 22  # icon edge at 1x, in CSS pixels
WHITE = (255, 255, 255, 255)
Pen = Callable[[ImageDraw.ImageDraw, Callable[[float, float], tuple[float, float]], float], None]


def _cross(d: ImageDraw.ImageDraw, p: Callable[..., tuple[float, float]], s: float) -> None:
    d.rectangle([p(9.5, 5), p(12.5, 17)], fill=WHITE)
    d.rectangle([p(5, 9.5), p(17, 12.5)], fill=WHITE)


def _shield(d: ImageDraw.ImageDraw, p: Callable[..., tuple[float, float]], s: float) -> None:
    d.polygon([p(6, 6), p(11, 4.5), p(16, 6), p(15.5, 12), p(11, 17.5), p(6.5, 12)], fill=WHITE)


def _flame(d: ImageDraw.ImageDraw, p: Callable[..., tuple[float, float]], s: float) -> None:
    d.polygon(
        [
            p(11, 4),
            p(15, 10),
            p(15.5, 13.5),
            p(13.5, 16.5),
            p(11, 17.5),
            p(8.5, 16.5),
            p(6.5, 13.5),
            p(7, 10),
            p(9, 12),
            p(9.5, 8),
        ],
        fill=WHITE,
    )


def _book(d: ImageDraw.ImageDraw, p: Callable[..., tuple[float, float]], s: float) -> None:
    d.polygon([p(4.5, 7), p(10.5, 8), p(10.5, 16), p(4.5, 15)], fill=WHITE)
    d.polygon([p(11.5, 8), p(17.5, 7), p(17.5, 15), p(11.5, 16)], fill=WHITE)


def _basket(d: ImageDraw.ImageDraw, p: Callable[..., tuple[float, float]], s: float) -> None:
    d.arc([p(7, 4.5), p(15, 12.5)], 180, 360, fill=WHITE, width=max(1, round(1.6 * s)))
    d.polygon([p(4.5, 9), p(17.5, 9), p(15.5, 16.5), p(6.5, 16.5)], fill=WHITE)


def _pagoda(d: ImageDraw.ImageDraw, p: Callable[..., tuple[float, float]], s: float) -> None:
    d.polygon(
        [p(3.5, 10), p(11, 4.5), p(18.5, 10), p(15.5, 9.5), p(11, 7), p(6.5, 9.5)], fill=WHITE
    )
    d.polygon([p(5, 13.5), p(11, 9.5), p(17, 13.5)], fill=WHITE)
    d.rectangle([p(7.5, 13.5), p(14.5, 17)], fill=WHITE)


def _church(d: ImageDraw.ImageDraw, p: Callable[..., tuple[float, float]], s: float) -> None:
    d.rectangle([p(10, 3.5), p(12, 18)], fill=WHITE)
    d.rectangle([p(6.5, 7.5), p(15.5, 9.5)], fill=WHITE)


def _bus(d: ImageDraw.ImageDraw, p: Callable[..., tuple[float, float]], s: float) -> None:
    d.rounded_rectangle([p(5.5, 4.5), p(16.5, 16)], radius=2 * s, fill=WHITE)
    blue = (37, 99, 235, 255)
    d.rectangle([p(7, 6.5), p(15, 10.5)], fill=blue)
    d.ellipse([p(7, 12.5), p(9, 14.5)], fill=blue)
    d.ellipse([p(13, 12.5), p(15, 14.5)], fill=blue)
    d.rectangle([p(6.5, 16), p(8.5, 18)], fill=WHITE)
    d.rectangle([p(13.5, 16), p(15.5, 18)], fill=WHITE)


# sprite name -> (disc colour, pictogram); names are the POI kinds the tiles carry.
ICONS: dict[str, tuple[tuple[int, int, int, int], Pen]] = {
    "hospital": ((214, 40, 40, 255), _cross),
    "police": ((29, 78, 216, 255), _shield),
    "fire_station": ((234, 88, 12, 255), _flame),
    "school": ((124, 94, 16, 255), _book),
    "marketplace": ((15, 118, 110, 255), _basket),
    "pagoda": ((107, 33, 168, 255), _pagoda),
    "church": ((107, 33, 168, 255), _church),
    "bus_station": ((37, 99, 235, 255), _bus),
}


def icon(name: str, ratio: int) -> Image.Image:
    """One icon at ``ratio`` (1 or 2) device pixels per CSS pixel, drawn 4x and shrunk."""
    over = 4 * ratio
    size = SIZE * over
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    colour, pen = ICONS[name]
    draw.ellipse([over * 0.5, over * 0.5, size - over * 0.5, size - over * 0.5], fill=WHITE)
    draw.ellipse([over * 1.7, over * 1.7, size - over * 1.7, size - over * 1.7], fill=colour)
    pen(draw, lambda x, y: (x * over, y * over), over)
    return image.resize((SIZE * ratio, SIZE * ratio), Image.Resampling.LANCZOS)


def sheet(ratio: int) -> tuple[Image.Image, dict[str, dict[str, int]]]:
    """The icons side by side, and the index MapLibre reads (position, size, pixel ratio)."""
    edge = SIZE * ratio
    image = Image.new("RGBA", (edge * len(ICONS), edge), (0, 0, 0, 0))
    index = {}
    for i, name in enumerate(ICONS):
        image.paste(icon(name, ratio), (i * edge, 0))
        index[name] = {"x": i * edge, "y": 0, "width": edge, "height": edge, "pixelRatio": ratio}
    return image, index


def main(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for ratio, suffix in ((1, ""), (2, "@2x")):
        image, index = sheet(ratio)
        image.save(target / f"sprite{suffix}.png", optimize=True)
        (target / f"sprite{suffix}.json").write_text(json.dumps(index, indent=1) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
