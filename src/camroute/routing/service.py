"""``IndexHolder``: the app's current ``CameraIndex``, rebuilt off the request path.

Copy-on-write: a rebuild makes a whole new index (first without viewsheds, answering with
per-sample line of sight, then with viewsheds) and swaps the reference; a query holds the
snapshot it started with and never sees a half-built one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import Engine

from camroute.buildings.store import load_buildings
from camroute.cameras.store import load_cameras
from camroute.errors import InvalidInputError
from camroute.geo import circle
from camroute.location import CallerLocation
from camroute.routing.index import CameraIndex
from camroute.routing.rank import rank_cameras
from camroute.routing.rows import prime_listed
from camroute.routing.store import (
    buildings_key,
    load_viewsheds,
    registry_fingerprint,
    save_viewsheds,
    with_stored_viewsheds,
)

log = logging.getLogger(__name__)
MAX_UNCERTAINTY_M = 50_000.0
VIEWSHED_BATCH_LIMIT = 200_000  # above this many cameras, viewsheds are left to a batch job
VIEWSHED_CHUNK = 2_000  # cameras per background viewshed step (a few seconds)
STOP_TIMEOUT_S = 30.0  # app shutdown waits this long for the current step


class IndexHolder:
    """Holds ``.current`` and swaps it atomically on :meth:`rebuild`."""

    def __init__(self, index: CameraIndex | None = None) -> None:
        self._current = index if index is not None else CameraIndex.build(_empty())
        self._lock = threading.Lock()  # one rebuild at a time
        self._state = threading.Lock()  # guards _pending / _again
        self._pending: threading.Thread | None = None
        self._again = False
        self.generation = 0
        self._fingerprint: str | None = None
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        # Applied to every snapshot before it is swapped in (the protected-zone marks):
        # derived state that must never lag behind the snapshot it describes.
        self.decorators: list[Callable[[CameraIndex], CameraIndex]] = []
        # Run after each rebuild (the app's heap settling: ``camroute.heap``).
        self.after_rebuild: list[Callable[[], None]] = []

    @property
    def current(self) -> CameraIndex:
        """The snapshot to answer with (never half-built)."""
        return self._current

    def swap(self, index: CameraIndex) -> None:
        """Replace the snapshot (a single reference assignment), decorated and primed first."""
        for decorate in self.decorators:
            index = decorate(index)
        prime_listed(index, previous=self._current)  # no first listing per call
        self._current = index
        self.generation += 1

    def rebuild(self, engine: Engine, *, viewsheds: bool = True) -> CameraIndex:
        """Build a fresh index from the store and swap it in (with the stored viewsheds).

        With ``viewsheds``, the missing ones are then computed, swapped in and stored.
        """
        with self._lock:
            self._fingerprint = registry_fingerprint(engine)
            index = CameraIndex.build(load_cameras(engine), load_buildings(engine))
            key = buildings_key(engine)
            index = with_stored_viewsheds(index, load_viewsheds(engine, key=key))
            self.swap(index)
            missing = np.flatnonzero(~index.has_viewshed & index.can_have_viewshed())
            if viewsheds and missing.size > VIEWSHED_BATCH_LIMIT:
                log.warning(
                    "%d cameras have no stored viewshed: run `camroute viewsheds` (all cores); "
                    "until then they are answered by per-sample line of sight",
                    missing.size,
                )
            elif viewsheds:
                # In chunks: each lands (swapped in, stored) as it is done, and a shutdown
                # waits for one chunk at most.
                for start in range(0, missing.size, VIEWSHED_CHUNK):
                    if self._stop.is_set():
                        break
                    chunk = missing[start : start + VIEWSHED_CHUNK]
                    index = index.with_viewsheds(chunk)
                    self.swap(index)
                    save_viewsheds(engine, index, chunk, key=key)
            for hook in self.after_rebuild:
                hook()
            return index

    def start(self, engine: Engine) -> None:
        """App start: a quick index now (line-of-sight fallback), viewsheds in the background."""
        self._stop.clear()
        self.rebuild(engine, viewsheds=False)
        self.rebuild_in_background(engine)

    def listener(self, engine: Engine) -> Callable[[], None]:
        """The callable for ``app.state.registry_listeners``: rebuild in the background."""

        def _changed() -> None:
            self.rebuild_in_background(engine)

        return _changed

    def rebuild_in_background(self, engine: Engine) -> threading.Thread:
        """Rebuild in a daemon thread (the registry-change listener).

        Changes that arrive while a rebuild runs are coalesced into one more rebuild.
        """
        with self._state:
            if self._pending is not None and self._pending.is_alive():
                self._again = True
                return self._pending
            thread = threading.Thread(
                target=self._worker, args=(engine,), name="camera-index", daemon=True
            )
            # Started before it is published: a thread is joined only once it has started.
            thread.start()
            self._pending = thread
            self._again = False
        return thread

    def watch(self, engine: Engine, *, interval_s: float) -> threading.Thread:
        """Poll the registry fingerprint and rebuild when another process changed it.

        Registry changes made through this app's API arrive through :meth:`listener` at once;
        the poll catches the rest (a ``camroute cameras import`` or another replica's edit).
        """
        thread = threading.Thread(
            target=self._poll, args=(engine, interval_s), name="camera-registry-watch", daemon=True
        )
        self._watcher = thread
        thread.start()
        return thread

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """End :meth:`watch` and the background rebuild (app shutdown).

        Waits for both threads, so that the caller may then dispose of the engine: a thread
        still running would check a fresh connection out of the disposed pool and leave it
        open.
        """
        self._stop.set()
        for thread in (self._watcher, self._pending):
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout_s)

    def _poll(self, engine: Engine, interval_s: float) -> None:
        while not self._stop.wait(interval_s):
            try:
                changed = registry_fingerprint(engine) != self._fingerprint
            except Exception:
                log.exception("camera registry poll failed; trying again")
                continue
            if changed:
                self.rebuild_in_background(engine)

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait for the background rebuilds (tests, shutdown); false if one still runs."""
        thread = self._pending
        if thread is not None:
            thread.join(timeout_s)
            return not thread.is_alive()
        return True

    def _worker(self, engine: Engine) -> None:
        warm_up()
        while not self._stop.is_set():
            try:
                index = self.rebuild(engine)
                log.info(
                    "camera index rebuilt: %d cameras (%d left out)",
                    len(index),
                    len(index.excluded_ids),
                )
            except Exception:
                log.exception("camera index rebuild failed; keeping the previous snapshot")
            with self._state:
                if not self._again:
                    return
                self._again = False


def warm_up() -> None:
    """Run every compiled routing kernel once, so no caller waits for a compile.

    The first process on a machine compiles them (a few seconds) and caches the result on
    disk; later processes only load it. Runs in the rebuild thread, off the request path.
    """
    lon, lat = 106.7, 10.77
    lons = [lon, lon + 1e-4]  # two cameras half behind a wall: the disc cover has work to do
    cams = gpd.GeoDataFrame(
        {"id": ["warm-a", "warm-b"], "lon": lons, "lat": lat, "heading_deg": 0.0, "range_m": 50.0},
        geometry=gpd.points_from_xy(lons, [lat, lat]),
        crs=4326,
    )
    wall = gpd.GeoDataFrame(
        geometry=[shapely.box(lon - 1e-4, lat + 1e-4, lon + 1e-4, lat + 2e-4)], crs=4326
    )
    index = CameraIndex.build(cams, wall).with_viewsheds()
    for radius_m in (0.0, 20.0):
        rank_cameras(point_location(lon=lon, lat=lat + 2e-4, uncertainty_m=radius_m), index)
    area = point_location(lon=lon, lat=lat + 2e-4, uncertainty_m=20.0).model_copy(
        update={"shape": "polygon"}
    )
    rank_cameras(area, index)


def _empty() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": []}, geometry=[], crs=4326)


def point_location(*, lon: float, lat: float, uncertainty_m: float = 0.0) -> CallerLocation:
    """A ``CallerLocation`` for a point, or a circle of ``uncertainty_m`` about it."""
    if not (-180.0 <= lon <= 180.0):
        raise InvalidInputError(f"lon {lon} is outside [-180, 180] degrees", field="lon")
    if not (-90.0 <= lat <= 90.0):
        raise InvalidInputError(f"lat {lat} is outside [-90, 90] degrees", field="lat")
    if not (0.0 <= uncertainty_m <= MAX_UNCERTAINTY_M):
        raise InvalidInputError(
            f"uncertainty_m {uncertainty_m} must be within [0, {MAX_UNCERTAINTY_M:g}] metres",
            field="uncertainty_m",
        )
    if uncertainty_m == 0.0:
        region: dict[str, Any] = {"type": "Point", "coordinates": [lon, lat]}
        shape = "point"
    else:
        region = shapely.geometry.mapping(circle(lon=lon, lat=lat, radius_m=uncertainty_m))
        shape = "circle"
    return CallerLocation(
        format="json", shape=shape, lon=lon, lat=lat, region=region, uncertainty_m=uncertainty_m
    )
