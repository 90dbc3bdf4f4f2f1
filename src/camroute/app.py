"""``create_app``: the FastAPI factory. Resources are built in ``lifespan``, never at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from camroute import __version__
from camroute.api.problems import install_problem_handlers
from camroute.api.system import router as system_router
from camroute.settings import Settings
from camroute.store import make_engine, migrate


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the camroute API for ``settings`` (read from ``CAMROUTE_*`` when omitted)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        migrate(engine)
        app.state.engine = engine
        try:
            yield
        finally:
            engine.dispose()

    app = FastAPI(
        title="camroute",
        version=__version__,
        summary="Route emergency calls to the cameras that can see the caller.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    # Callables run after every committed camera-registry change (the routing index
    # registers its rebuild here; cameras routes call ``registry_changed``).
    app.state.registry_listeners = []
    install_problem_handlers(app)
    app.include_router(system_router)
    return app


def registry_changed(app: FastAPI) -> None:
    """Tell every listener that the camera registry changed (after the commit)."""
    for listener in app.state.registry_listeners:
        listener()
