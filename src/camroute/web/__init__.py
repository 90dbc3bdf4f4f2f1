"""The dispatcher map page: static HTML/JS/CSS shipped in the package, Leaflet from xstatic."""

from camroute.web.router import install_web

__all__ = ["install_web"]
