"""Demo and test helpers: a camera simulator and a local-server runner. Never used in production.

The simulator draws its frames with Pillow, which only the ``sim`` extra installs
(``pip install 'camroute[sim]'``): a plain install of camroute carries no image library.
"""

from __future__ import annotations

from camroute.errors import CamrouteError

SIM_EXTRA = "pip install 'camroute[sim]'"


class SimulatorUnavailableError(CamrouteError):
    """The camera simulator cannot run: Pillow (the ``sim`` extra) is not installed."""

    status = 503
    code = "simulator_unavailable"
    title = "Simulator unavailable"


def require_pillow() -> None:
    """Raise ``SimulatorUnavailableError`` naming the extra to install when Pillow is missing."""
    try:
        import PIL  # noqa: F401
    except ImportError as exc:
        raise SimulatorUnavailableError(
            "the camera simulator draws its frames with Pillow, which is not installed: "
            f"{SIM_EXTRA} (or pip install -e '.[sim]' in a clone)"
        ) from exc
