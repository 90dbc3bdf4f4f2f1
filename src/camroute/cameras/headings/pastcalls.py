"""How many past incidents each camera could have served: places within its range.

A camera without a confirmed heading could be turned (by whoever sets it) toward any of them,
so the count is over the full circle of ``range_m``, not one sector. Pure, in metres.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray


def calls_in_range(
    cam_x_m: ArrayLike, cam_y_m: ArrayLike, range_m: ArrayLike, x_m: ArrayLike, y_m: ArrayLike
) -> NDArray[np.int64]:
    """Per camera, the number of places ``x_m, y_m`` within its ``range_m`` (inclusive).

    Examples
    --------
    >>> calls_in_range([0, 100], [0, 0], [50, 10], [0, 30, 50, 105, 200], [0, 40, 0, 0, 0]).tolist()
    [3, 1]
    """
    cams = shapely.points(np.asarray(cam_x_m, float), np.asarray(cam_y_m, float))
    reach = np.asarray(range_m, float)
    places = shapely.points(np.asarray(x_m, float), np.asarray(y_m, float))
    if cams.size == 0 or places.size == 0:
        return np.zeros(cams.size, dtype=np.int64)
    cam, _place = shapely.STRtree(places).query(cams, predicate="dwithin", distance=reach)
    return np.bincount(cam, minlength=cams.size).astype(np.int64)
