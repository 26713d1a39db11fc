"""Signed-in sessions kept on the server: the browser holds only a random token naming one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class UserSession(SQLModel, table=True):
    """One signed-in session. Only hashes of the cookie token and of the one-time code that
    sets the cookie are stored, so a copy of the database signs nobody in."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    #: SHA-256 (hex) of the token in the session cookie.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    #: SHA-256 (hex) of the one-time code that hands the token to the browser as a cookie.
    handoff_hash: str | None = Field(default=None, max_length=64, unique=True)
    #: The token sealed with a key derived from the one-time code (hex), so that the route
    #: can hand the browser the very token the signing-in page holds; cleared once used.
    handoff_sealed: str | None = Field(default=None, max_length=128)
    handoff_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: How the user signed in: "password" or "oidc".
    via: str = Field(default="password", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end_reason: str | None = Field(default=None, max_length=32)


class UserIdentity(SQLModel, table=True):
    """An account at the office's identity provider (issuer and subject of its ID tokens)
    and the workbench account it signs in as."""

    __tablename__ = "user_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_user_identity"),)

    id: int | None = Field(default=None, primary_key=True)
    issuer: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
