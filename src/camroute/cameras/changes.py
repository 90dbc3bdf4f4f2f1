"""Tell whoever keeps derived state (the routing index) that the camera registry changed.

Here, not in ``app.py``: the camera routes call it, and ``app.py`` mounts those routes.
"""

from __future__ import annotations

from fastapi import FastAPI


def registry_changed(app: FastAPI) -> None:
    """Tell every listener that the camera registry changed (after the commit)."""
    for listener in app.state.registry_listeners:
        listener()
