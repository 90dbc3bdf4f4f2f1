"""A ward map for the report: one dot per ward, its area growing with the count (inline SVG).

Ward positions are the wards' own representative points (never a caller's); they are laid
out in the metric CRS ``camroute.geo`` picks and scaled to pixels, so the SVG holds no
coordinates.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from html import escape

import numpy as np
from numpy.typing import ArrayLike, NDArray

from camroute.geo import local_projection
from camroute.reports.models import SMALL, Count

WIDTH_PX, HEIGHT_PX, MARGIN_PX = 560, 360, 40
MAX_DOT_PX = 26.0


PixelMap = Callable[[ArrayLike, ArrayLike], tuple[NDArray[np.float64], NDArray[np.float64]]]


def pixel_map(
    x_m: ArrayLike,
    y_m: ArrayLike,
    *,
    width_px: int = WIDTH_PX,
    height_px: int = HEIGHT_PX,
    margin_px: int = MARGIN_PX,
) -> PixelMap:
    """Metres -> SVG pixels fitting the points ``x_m, y_m`` in the picture, north up, one scale.

    Examples
    --------
    >>> to_px = pixel_map([0, 100], [0, 50], width_px=140, height_px=120, margin_px=20)
    >>> [v.tolist() for v in to_px([0, 100], [0, 50])]
    [[20.0, 100.0], [100.0, 60.0]]
    """
    x, y = np.asarray(x_m, float), np.asarray(y_m, float)
    x0, y0 = float(x.min()), float(y.min())
    span_m = max(float(np.ptp(x)), float(np.ptp(y)), 1.0)
    scale = (min(width_px, height_px) - 2 * margin_px) / span_m

    def to_px(xs: ArrayLike, ys: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        px = margin_px + (np.asarray(xs, float) - x0) * scale
        py = height_px - margin_px - (np.asarray(ys, float) - y0) * scale
        return px, py

    return to_px


def ward_map_svg(items: Sequence[Count], places: Mapping[str, tuple[float, float]]) -> str:
    """The SVG map of ``items`` (ward code counts) at ``places`` (code -> lon, lat), or "".

    Examples
    --------
    >>> svg = ward_map_svg([Count(key="1", count=9, shown="9"), Count(key="2", count=None,
    ...     shown="<5")], {"1": (106.70, 10.77), "2": (106.72, 10.78)})
    >>> svg.count("<circle"), "2: &lt;5" in svg
    (2, True)
    """
    placed = [(c, places[c.key]) for c in items if c.key in places]
    if not placed:
        return ""
    lons = np.array([p[1][0] for p in placed])
    lats = np.array([p[1][1] for p in placed])
    projection = local_projection(lon=float(np.median(lons)), lat=float(np.median(lats)))
    x, y = projection.to_metric(lons, lats)
    px, py = pixel_map(x, y)(x, y)
    top = max((c.count or SMALL - 1) for c, _ in placed)
    dots = []
    for (item, _), cx, cy in zip(placed, px.tolist(), py.tolist(), strict=True):
        value = item.count if item.count is not None else SMALL - 1
        r = max(4.0, MAX_DOT_PX * math.sqrt(value / top))
        fill = "#9ec5e8" if item.count is None else "#2b6cb0"
        dots.append(
            f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="{r:.0f}" fill="{fill}" fill-opacity="0.8"/>'
            f'<text x="{cx + r + 3:.0f}" y="{cy + 4:.0f}" font-size="11">'
            f"{escape(item.key)}: {escape(item.shown)}</text>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH_PX}" height="{HEIGHT_PX}" '
        f'role="img" style="border:1px solid #ddd">{"".join(dots)}</svg>'
    )
