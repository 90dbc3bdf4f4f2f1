"""The tile source and the recently cut tiles of one process, rebuilt when an import lands.

An import bumps the basemap generation in the same transaction as its rows; the cache reads
that counter (and the admin units' count, since the ward names come from the areas store) at
most once per ``check_s`` and swaps in a new ``TileSource`` (built outside the
lock, so tiles keep being served from the old one meanwhile).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Final

from sqlalchemy import Engine

from camroute.basemap.store import basemap_generation, read_features
from camroute.basemap.tiles import TileSource
from camroute.basemap.wards import WardSource, ward_features

MAX_TILES: Final = 4096  # ~40 KB each at most: bounded memory


def _build(engine: Engine, wards: WardSource | None) -> TileSource:
    features = read_features(engine)
    if wards is None:
        return TileSource(features)
    placed = [f.name for f in features if f.layer == "places" and f.name]
    return TileSource([*features, *ward_features(wards.read(engine), named=placed)])


class TileCache:
    """Tiles by ``(generation, z, x, y)``; the source is loaded on first use.

    ``wards`` adds the stored wards' names and edges (the app passes the areas store's).
    """

    def __init__(self, *, check_s: float = 2.0, wards: WardSource | None = None) -> None:
        self._check_s = check_s
        self._wards = wards
        self._lock = threading.Lock()
        self._build = threading.Lock()
        self._source: TileSource | None = None
        self._generation = ""
        self._checked_at = float("-inf")
        self._tiles: OrderedDict[tuple[str, int, int, int], bytes] = OrderedDict()

    def _current(self, engine: Engine) -> tuple[str, TileSource]:
        now = time.monotonic()
        if self._source is not None and now - self._checked_at < self._check_s:
            return self._generation, self._source
        wards = self._wards.signature(engine) if self._wards else "0.None"
        generation = f"{basemap_generation(engine)}-{wards}"
        if self._source is None or generation != self._generation:
            with self._build:
                if self._source is None or generation != self._generation:
                    source = _build(engine, self._wards)
                    with self._lock:
                        self._source, self._generation = source, generation
                        self._tiles.clear()
        self._checked_at = now
        assert self._source is not None
        return self._generation, self._source

    def source(self, engine: Engine) -> TileSource:
        """The current tile source (the stored basemap as of the last check)."""
        return self._current(engine)[1]

    def tile(self, engine: Engine, z: int, x: int, y: int) -> tuple[str, bytes]:
        """``(generation, MVT bytes)`` of tile ``z/x/y``."""
        generation, source = self._current(engine)
        key = (generation, z, x, y)
        with self._lock:
            cached = self._tiles.get(key)
            if cached is not None:
                self._tiles.move_to_end(key)
                return generation, cached
        body = source.tile(z, x, y)
        with self._lock:
            self._tiles[key] = body
            while len(self._tiles) > MAX_TILES:
                self._tiles.popitem(last=False)
        return generation, body
