"""The coverage report's map picture: streets, the seen area and the numbered blind stretches.

Inline SVG in pixels (``reports.wardmap.pixel_map``), so the page needs no tiles and holds no
coordinates. Shapes are simplified to half a pixel: a city's streets stay a few hundred kB.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

import numpy as np
import shapely

from camroute.geo import local_projection
from camroute.reports.wardmap import PixelMap, pixel_map

WIDTH_PX, HEIGHT_PX, MARGIN_PX = 720, 520, 16
Project = Callable[[shapely.Geometry], shapely.Geometry]
SEEN_FILL, STREET, BLIND = "#38a169", "#9aa5b1", "#e53e3e"


def _path(geom: shapely.Geometry) -> str:
    """SVG path data of every line and ring of ``geom`` (pixels)."""
    lines = shapely.boundary(geom) if shapely.get_dimensions(geom) == 2 else geom
    out = []
    for line in shapely.get_parts(shapely.get_parts(lines)):
        xy = shapely.get_coordinates(line)
        if len(xy) >= 2:
            out.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in xy))
    return "".join(out)


def _to_pixels(geom: shapely.Geometry, to_px: PixelMap, project: Project) -> shapely.Geometry:
    metric = project(geom)
    moved = shapely.transform(metric, lambda c: np.column_stack(to_px(c[:, 0], c[:, 1])))
    return shapely.simplify(moved, 0.5)


def coverage_map_svg(
    seen_wgs84: shapely.Geometry,
    streets_wgs84: Sequence[shapely.Geometry],
    blind_wgs84: Sequence[shapely.Geometry],
    *,
    labels: Sequence[str] = (),
) -> str:
    """The map (SVG) of the streets, the seen area (green) and ``blind_wgs84`` (red, labelled).

    Empty string when there is no street to frame the picture on.

    Examples
    --------
    >>> street = shapely.LineString([(106.70, 10.77), (106.71, 10.77)])
    >>> seen = shapely.box(106.700, 10.769, 106.705, 10.771)
    >>> gap = shapely.LineString([(106.705, 10.77), (106.71, 10.77)])
    >>> svg = coverage_map_svg(seen, [street], [gap], labels=["1"])
    >>> svg.startswith("<svg"), svg.count("<path"), ">1</text>" in svg
    (True, 3, True)
    """
    streets = shapely.union_all(np.asarray(list(streets_wgs84), dtype=object))
    if shapely.is_empty(streets):
        return ""
    lon, lat = (float(v) for v in shapely.centroid(shapely.envelope(streets)).coords[0])
    projection = local_projection(lon=lon, lat=lat)
    box = projection.geometry_to_metric(shapely.envelope(streets))
    bx, by = shapely.get_coordinates(box).T
    to_px = pixel_map(bx, by, width_px=WIDTH_PX, height_px=HEIGHT_PX, margin_px=MARGIN_PX)
    project = projection.geometry_to_metric
    seen = _to_pixels(seen_wgs84, to_px, project) if not shapely.is_empty(seen_wgs84) else None
    parts = [
        f'<path d="{_path(_to_pixels(streets, to_px, project))}" stroke="{STREET}" '
        'stroke-width="1" fill="none"/>'
    ]
    if seen is not None:
        rings = _path(seen)
        parts.append(
            f'<path d="{rings}" fill="{SEEN_FILL}" fill-opacity="0.45" fill-rule="evenodd" '
            f'stroke="{SEEN_FILL}" stroke-width="0.6"/>'
        )
    for n, piece in enumerate(blind_wgs84):
        drawn = _to_pixels(piece, to_px, project)
        parts.append(f'<path d="{_path(drawn)}" stroke="{BLIND}" stroke-width="3" fill="none"/>')
        if n < len(labels):
            mid = shapely.line_interpolate_point(drawn, 0.5, normalized=True)
            parts.append(
                f'<text x="{mid.x + 4:.0f}" y="{mid.y - 4:.0f}" font-size="12" '
                f'font-weight="bold" fill="{BLIND}">{escape(labels[n])}</text>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH_PX}" height="{HEIGHT_PX}" '
        f'viewBox="0 0 {WIDTH_PX} {HEIGHT_PX}" role="img" style="border:1px solid #ddd">'
        f"{''.join(parts)}</svg>"
    )
