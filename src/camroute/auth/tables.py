"""Users and API keys. Passwords are stored as argon2id hashes, keys as SHA-256 digests."""

from __future__ import annotations

import sqlalchemy as sa

from camroute.store.metadata import metadata
from camroute.store.types import UtcDateTime

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("disabled", sa.Boolean(), nullable=False, default=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    # Tokens carry the epoch they were issued in; logout increments it, ending every session.
    sa.Column("session_epoch", sa.Integer(), nullable=False, default=0),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("key_prefix", sa.String(16), nullable=False),
    sa.Column("disabled", sa.Boolean(), nullable=False, default=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)
