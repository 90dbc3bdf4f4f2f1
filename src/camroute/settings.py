"""The one settings class: every knob comes from ``CAMROUTE_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///camroute.db"


def default_database_url() -> str:
    """SQLite file ``camroute.db`` in the working directory, as an absolute URL."""
    return f"sqlite:///{Path.cwd() / 'camroute.db'}"


class Settings(BaseSettings):
    """Runtime configuration, built once in ``create_app`` or the CLI, never at import."""

    model_config = SettingsConfigDict(env_prefix="CAMROUTE_", env_file=".env", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(default=256 * 1024, gt=0)
