"""Import a library that configures the root logger on import, without letting it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def root_logging_untouched() -> Iterator[None]:
    """Keep ``logging.basicConfig`` calls made inside from adding a handler or a level.

    ``basicConfig`` does nothing when the root logger already has a handler, so a
    placeholder is held there for the duration; the level is restored as well.

    Examples
    --------
    >>> root = logging.getLogger()
    >>> before = (list(root.handlers), root.level)
    >>> with root_logging_untouched():
    ...     logging.basicConfig(level=logging.DEBUG)
    >>> (list(root.handlers), root.level) == before
    True
    """
    root = logging.getLogger()
    level, placeholder = root.level, logging.NullHandler()
    root.addHandler(placeholder)
    try:
        yield
    finally:
        root.removeHandler(placeholder)
        root.setLevel(level)
