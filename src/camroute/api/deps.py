"""Shared FastAPI dependencies: the settings and the store engine kept on ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import Engine

from camroute.settings import Settings

# Both are ``async def`` though they await nothing: FastAPI runs a plain ``def`` dependency in
# the thread pool, and these two are on nearly every request (a hop each, for an attribute).


async def get_settings(request: Request) -> Settings:
    """The settings ``create_app`` was built with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    """The store engine opened in the app's lifespan."""
    engine: Engine = request.app.state.engine
    return engine


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]

# Paging offsets are bounded so that a huge one is a 422 naming ``offset``, not a driver
# overflow (SQLite and PostgreSQL integers end at 2**63 - 1) answered with a 500.
MAX_OFFSET = 2**31 - 1
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]
