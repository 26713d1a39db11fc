"""Sign-in throttling: failure counts and waiting times per account name and per client.

Rows are keyed by a keyed hash (HMAC-SHA256 with ``SignInSecret.key``) of what they count,
never by the plain account name or client address: a user name typed at the sign-in page may
be a mistyped password or a name that does not exist, and neither belongs in the database.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import UTCDateTime

#: What a throttle row counts: one account name (existing or not), one client, or one
#: account name signed in to from one client (the client is then known to the account).
THROTTLE_SCOPES = ("account", "client", "pair")


class SignInThrottle(SQLModel, table=True):
    __tablename__ = "sign_in_throttle"

    #: HMAC-SHA256 (hex) of the scope and the normalised value it counts.
    key: str = Field(primary_key=True, max_length=64)
    scope: str = Field(max_length=8)
    #: Failed sign-ins in a row that were checked (attempts refused while waiting don't count).
    failures: int = 0
    last_failure_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    #: No attempt is checked before this moment.
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: "pair" rows: the last successful sign-in of the account from the client.
    signed_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SignInSecret(SQLModel, table=True):
    """The one key of the throttle's keyed hashes, made at random by migration 0010."""

    __tablename__ = "sign_in_secret"

    id: int = Field(default=1, primary_key=True)
    key: str = Field(max_length=64)
