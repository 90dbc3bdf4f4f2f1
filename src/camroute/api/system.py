"""Health and version: the only routes that need no authentication."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from camroute import __version__
from camroute.api.deps import EngineDep

router = APIRouter(tags=["system"])


class Health(BaseModel):
    """Liveness and store reachability."""

    status: str
    version: str
    store: str


@router.get("/healthz", response_model=Health)
def healthz(engine: EngineDep) -> Health:
    """Report whether the app is up and its store answers."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return Health(status="ok", version=__version__, store=engine.dialect.name)
