"""Root pytest configuration: what doctest collection must skip, and the coverage run's guard."""

from __future__ import annotations

import os
import threading
from typing import Any

collect_ignore_glob = ["src/camroute/store/migrations/*"]

# scripts/check traces a subset of the tests for its coverage gate. On CPython 3.11 a thread that
# starts under coverage's trace hook can die mid-start (python/cpython#98257), so that run
# forbids starting threads: a test that starts one fails loudly instead of flaking, and belongs
# outside the subset (scripts/coverage-gate lists it).
NO_THREADS = "CAMROUTE_NO_THREADS"


def _refuse_thread_start(self: threading.Thread, *args: Any, **kwargs: Any) -> None:
    raise RuntimeError(
        f"thread {self.name!r} started under the coverage trace ({NO_THREADS} is set): "
        "run this test outside the coverage subset (see scripts/coverage-gate)"
    )


def pytest_configure(config: Any) -> None:
    if os.environ.get(NO_THREADS):
        threading.Thread.start = _refuse_thread_start  # type: ignore[method-assign]
