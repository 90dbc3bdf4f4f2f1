"""Domain objects of the basemap: one feature of one layer, and the import summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import shapely
from pydantic import BaseModel, Field

LAYERS: Final = (
    "roads",
    "railways",
    "waterways",
    "water",
    "parks",
    "buildings",
    "pois",
    "boundaries",
    "places",
)
Props = dict[str, str | int | float]


@dataclass(frozen=True)
class BasemapFeature:
    """One feature: its layer, its class within the layer, its name and WGS84 geometry.

    ``source_id`` (``"way/123"``) lets two files of the same city (an OSM export and a GeoJSON
    cut from it) be imported together without drawing the same way twice.
    """

    layer: str
    kind: str
    geometry: shapely.Geometry
    name: str | None = None
    source_id: str | None = None
    props: Props = field(default_factory=dict)


class BasemapImportSummary(BaseModel):
    """What one ``camroute basemap import`` stored (printed as one JSON line)."""

    files: int = Field(description="files read")
    read: int = Field(description="features recognised in the files before de-duplication")
    stored: int = Field(description="features now in the basemap (the previous ones replaced)")
    layers: dict[str, int] = Field(description="stored features per layer")
    named_streets: int = Field(description="named roads, which also feed the address search")
    bbox: tuple[float, float, float, float] | None = Field(
        description="minlon, minlat, maxlon, maxlat the import was cut to, if any"
    )
    seconds: float = Field(description="wall time of the import")
