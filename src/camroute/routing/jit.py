"""Compile the few per-element loops of the routing core with numba.

Numpy pays about half a microsecond per operation whatever the array size, and the exact
disc share needs some sixty operations per edge: written as a loop and compiled, the same
arithmetic costs a couple of microseconds. Compiled code is cached on disk, so only the first
process on a machine pays the compile; :func:`warm_up` runs each kernel once off the request
path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])


def compiled(fn: F) -> F:
    """``fn`` compiled to machine code (no Python objects inside, releases the GIL)."""
    return cast(F, numba.njit(cache=True, nogil=True)(fn))
