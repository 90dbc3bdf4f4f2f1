"""The three lists of a ranking (seeing, context, offline), picked and ordered in one pass.

The same lists as the numpy steps they replace (masks, ``nonzero`` and a ``lexsort`` each,
about fifteen array calls at half a microsecond): seeing cameras by visible share, then
distance; context cameras by distance; ties keep the candidates' order. A ``lexsort`` on
(distance, -share) is a stable sort by distance followed by a stable sort by -share, which
is how it is done here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from camroute.routing.jit import compiled

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]
Rows = NDArray[np.int64]


def ranked_rows(
    idx: NDArray[np.intp],
    *,
    visible: Floats,
    distance_m: Floats,
    offline: Bools,
    range_m: Floats,
    radius_m: float,
    margin_m: float,
) -> tuple[Rows, Rows, Rows]:
    """Rows of candidates ``idx``: seeing and online, near but not seeing, offline and near.

    ``visible, distance_m`` are the candidates' (aligned with ``idx``), ``offline, range_m``
    the index's columns. A candidate is near within its range plus ``radius_m`` plus
    ``margin_m``. The context list is not cut here (the caller keeps as many as it lists).

    Examples
    --------
    >>> seeing, context, away = ranked_rows(np.arange(5),
    ...     visible=np.array([0.5, 0.0, 0.9, 0.5, 0.2]),
    ...     distance_m=np.array([30.0, 10.0, 50.0, 20.0, 5.0]),
    ...     offline=np.array([False, False, False, False, True]),
    ...     range_m=np.full(5, 40.0), radius_m=0.0, margin_m=0.0)
    >>> seeing.tolist(), context.tolist(), away.tolist()
    ([2, 3, 0], [1], [4])
    """
    return _ranked_rows(
        np.asarray(idx, np.int64),
        visible,
        distance_m,
        offline,
        range_m,
        float(radius_m),
        float(margin_m),
    )


@compiled
def _ranked_rows(
    idx: Rows,
    vis: Floats,
    dist: Floats,
    off: Bools,
    rng: Floats,
    radius: float,
    margin: float,
) -> tuple[Rows, Rows, Rows]:
    n = idx.size
    seeing, context, away = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64)
    ns = nc = na = 0
    for k in range(n):
        i = idx[k]
        near = dist[k] <= rng[i] + radius + margin  # added left to right, as numpy did
        if off[i]:
            if near:
                away[na] = k
                na += 1
        elif vis[k] > 0:
            seeing[ns] = k
            ns += 1
        elif near:
            context[nc] = k
            nc += 1
    return (
        _by_share(seeing[:ns], vis, dist),
        _by_distance(context[:nc], dist),
        _by_share(away[:na], vis, dist),
    )


@compiled
def _by_distance(rows: Rows, dist: Floats) -> Rows:
    return rows[np.argsort(dist[rows], kind="mergesort")]  # mergesort: stable


@compiled
def _by_share(rows: Rows, vis: Floats, dist: Floats) -> Rows:
    rows = _by_distance(rows, dist)
    return rows[np.argsort(-vis[rows], kind="mergesort")]
