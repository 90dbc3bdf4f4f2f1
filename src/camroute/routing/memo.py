"""A bounded memo of per-camera values, kept on one index snapshot and shared by its threads.

Values are made by the caller for the keys it misses, outside the lock (two threads may both
make the same value: both are equal, the later one is kept). The least recently used values
go first once the memo is full, so a busy district stays in while the bound holds the memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar, cast

V = TypeVar("V")
_MISSING = object()


class Memo(Generic[V]):
    """At most ``limit`` values by integer key (a camera's row in the snapshot).

    Examples
    --------
    >>> memo: Memo[str] = Memo(limit=2)
    >>> memo.get_many([1, 2], lambda keys: [f"v{k}" for k in keys])
    ['v1', 'v2']
    >>> memo.get_many([3, 1], lambda keys: [f"new{k}" for k in keys])  # 2 was least recent
    ['new3', 'v1']
    >>> sorted(memo.keys())
    [1, 3]
    >>> memo.items()
    [(1, 'v1'), (3, 'new3')]
    """

    def __init__(self, *, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1 value, got {limit}")
        self._limit = limit
        self._items: OrderedDict[int, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[int], make: Callable[[list[int]], Sequence[V]]) -> list[V]:
        """The values of ``keys`` in order; ``make(missing keys)`` makes those not kept."""
        items = self._items
        missing: list[int] = []
        with self._lock:
            found: list[V | object] = [items.get(k, _MISSING) for k in keys]
            for k, v in zip(keys, found, strict=True):
                if v is _MISSING:
                    missing.append(k)
                else:
                    items.move_to_end(k)
        if missing:
            missing = list(dict.fromkeys(missing))
            made = dict(zip(missing, make(missing), strict=True))
            with self._lock:
                items.update(made)
                while len(items) > self._limit:
                    items.popitem(last=False)
            found = [made[k] if v is _MISSING else v for k, v in zip(keys, found, strict=True)]
        return cast(list[V], found)  # every _MISSING was replaced

    def keys(self) -> list[int]:
        """The keys kept, least recently used first."""
        with self._lock:
            return list(self._items)

    def items(self) -> list[tuple[int, V]]:
        """The keys and values kept, least recently used first (leaving that order alone)."""
        with self._lock:
            return list(self._items.items())
