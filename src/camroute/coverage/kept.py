"""The map's coverage layer kept between requests, and computed one at a time.

A city's layer takes both cores for tens of seconds (on the 37,000-camera benchmark city: the
union of the views 15 s, the streets 4 s, the blind stretches 7 s, the wards 5 s), and it was
computed again on every request: each supervisor opening the toggle, or two at once, took
the cores from the calls API for that long. A layer is now kept per routing snapshot (its
cameras, buildings and viewsheds), per stored streets and wards, per plan and per query, for
``FRESH_S``: the incident places move on with every call without making a new snapshot.
Requests that find no fresh layer wait for one computation rather than each starting their
own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from camroute.coverage.models import CoverageLayer

FRESH_S = 300.0  # a layer this old is computed again (the calls since)


class LayerKey(NamedTuple):
    """What a kept layer was computed from."""

    generation: int  # the routing snapshot's (``IndexHolder.generation``)
    areas: str  # the stored streets and wards (``areas.store.features_signature``)
    plan_made_at: datetime | None
    months: int
    top: int


class KeptLayers:
    """Layers by :class:`LayerKey`, each kept ``fresh_s`` seconds; one computation at a time.

    Examples
    --------
    >>> calls = []
    >>> def make() -> str:
    ...     calls.append(1)
    ...     return "layer"
    >>> kept = KeptLayers(fresh_s=60.0)
    >>> key = LayerKey(generation=1, areas="0.None", plan_made_at=None, months=12, top=300)
    >>> kept.get(key, make), kept.get(key, make), len(calls)
    ('layer', 'layer', 1)
    """

    def __init__(
        self, *, fresh_s: float = FRESH_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._fresh_s = fresh_s
        self._clock = clock
        self._kept: dict[LayerKey, tuple[float, CoverageLayer]] = {}
        self._computing = threading.Lock()

    def get(self, key: LayerKey, make: Callable[[], CoverageLayer]) -> CoverageLayer:
        """The fresh layer for ``key``, else ``make()``'s, kept (older snapshots' dropped)."""
        found = self._fresh(key)
        if found is not None:
            return found
        with self._computing:  # the others wait, then find it
            found = self._fresh(key)
            if found is not None:
                return found
            layer = make()
            now = self._clock()
            self._kept = {
                k: (at, kept)
                for k, (at, kept) in self._kept.items()
                if k.generation == key.generation and now - at < self._fresh_s
            }
            self._kept[key] = (now, layer)
            return layer

    def _fresh(self, key: LayerKey) -> CoverageLayer | None:
        found = self._kept.get(key)
        if found is None or self._clock() - found[0] >= self._fresh_s:
            return None
        return found[1]
