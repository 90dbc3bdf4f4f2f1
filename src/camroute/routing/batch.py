"""The viewshed batch: what each camera sees, computed off the server, on every core.

A viewshed costs a few milliseconds (about 45 minutes for a million cameras on one core), and
each camera's is independent of the others', so chunks of cameras go to worker processes.
The workers are forked with the index already in memory (nothing is pickled but the chunk's
camera numbers and the finished polygons as WKB); chunks come back as they finish, so the
caller can store each at once and an interrupted run keeps what it did.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np
import shapely
from numpy.typing import NDArray

from camroute.routing.index import CameraIndex

CHUNK = 500  # cameras per task: a second or two of work, small enough to spread evenly
_SHARED: list[CameraIndex] = []  # the index the forked workers read (set only while they run)

ObjArray = NDArray[np.object_]


def compute_viewsheds(
    index: CameraIndex, which: NDArray[np.intp], *, workers: int = 1, chunk: int = CHUNK
) -> Iterator[tuple[NDArray[np.intp], ObjArray]]:
    """Yield ``(cameras, viewsheds in metres)`` for ``which``, chunk by chunk as they finish.

    Cameras that cannot have a viewshed (:meth:`CameraIndex.can_have_viewshed`) are skipped.
    With ``workers`` above 1, chunks run in that many forked processes.

    Examples
    --------
    >>> import geopandas as gpd
    >>> cams = gpd.GeoDataFrame({"id": ["A", "B"], "lon": [106.7, 106.7001],
    ...     "lat": [10.77, 10.77], "heading_deg": [0.0, None]},
    ...     geometry=gpd.points_from_xy([106.7, 106.7001], [10.77, 10.77]), crs=4326)
    >>> [(c.tolist(), len(v)) for c, v in compute_viewsheds(CameraIndex.build(cams),
    ...     np.arange(2))]
    [([0], 1)]
    """
    which = np.asarray(which, np.intp)
    which = which[index.can_have_viewshed()[which]]
    chunks = [which[i : i + chunk] for i in range(0, which.size, chunk)]
    if workers <= 1 or len(chunks) <= 1:
        for cams in chunks:
            yield cams, index.compute_viewsheds(cams)
        return
    _SHARED.append(index)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            running = {pool.submit(_work, cams): cams for cams in chunks}
            for done in as_completed(running):
                yield running[done], shapely.from_wkb(done.result())
    finally:
        _SHARED.clear()


def _work(cams: NDArray[np.intp]) -> list[bytes]:
    """In a worker: the chunk's viewsheds as WKB (the forked index is ``_SHARED[-1]``)."""
    views = _SHARED[-1].compute_viewsheds(cams)
    return list(shapely.to_wkb(views))
