"""Which past incident locations lay inside the seen area, overall and per ward.

Pure: shapely's vectorised point-in-polygon over metric coordinates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import ArrayLike
from pydantic import BaseModel, Field

from camroute.coverage.streets import points_seen


class WardSeen(BaseModel):
    """One ward: its incidents and how many of them a camera saw."""

    ward: str
    incidents: int
    seen: int
    share: float = Field(ge=0.0, le=1.0)


class IncidentsSeen(BaseModel):
    """Incident locations inside the seen area (wards with the most unseen first)."""

    incidents: int
    seen: int
    share: float = Field(ge=0.0, le=1.0)
    wards: list[WardSeen]


def incidents_seen(
    seen_m: shapely.Geometry, x_m: ArrayLike, y_m: ArrayLike, wards: Sequence[str | None]
) -> IncidentsSeen:
    """Count the points ``x_m, y_m`` inside ``seen_m`` (metres), overall and per ward.

    Examples
    --------
    >>> seen = shapely.box(0, 0, 10, 10)
    >>> r = incidents_seen(seen, [5, 50, 6], [5, 50, 6], ["A", "A", None])
    >>> (r.incidents, r.seen, r.share), [(w.ward, w.seen, w.incidents) for w in r.wards]
    ((3, 2, 0.6667), [('A', 1, 2), ('(no ward)', 1, 1)])
    """
    x, y = np.asarray(x_m, float), np.asarray(y_m, float)
    inside = points_seen(seen_m, x, y)
    names = np.asarray([w or "(no ward)" for w in wards], dtype=object)
    rows = []
    for ward in dict.fromkeys(names.tolist()):
        mine = names == ward
        n, hit = int(mine.sum()), int(inside[mine].sum())
        rows.append(WardSeen(ward=ward, incidents=n, seen=hit, share=round(hit / n, 4)))
    rows.sort(key=lambda w: (-(w.incidents - w.seen), w.ward))
    total, hits = int(x.size), int(inside.sum())
    return IncidentsSeen(
        incidents=total,
        seen=hits,
        share=round(hits / total, 4) if total else 0.0,
        wards=rows,
    )
