"""camroute: route emergency calls to the cameras that can see the caller."""

__version__ = "0.1.0"
