"""Accounts of the people who use the workbench."""

from __future__ import annotations

from datetime import datetime

from pydantic import field_validator
from sqlalchemy import String
from sqlmodel import Field, SQLModel

from models.enums import Role
from models.types import UTCDateTime, utcnow

#: The shortest password the policy accepts (``workbench.core.passwords``).
MIN_PASSWORD_LENGTH = 10


class UserBase(SQLModel):
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=120)
    role: Role = Field(sa_type=String(16))
    office: str | None = Field(default=None, max_length=32)
    expertise: str | None = Field(default=None, max_length=64)


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The language the user chose for the workbench (``en``, ``ja``); None: not chosen.
    language: str | None = Field(default=None, max_length=8)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UserCreate(UserBase):
    #: Checked against the password policy by the service (``workbench.core.passwords``), which
    #: gives a plain message; only an absurd length is refused here.
    password: str = Field(max_length=256)

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        value = value.strip().lower()
        if not value or not all(c.isalnum() or c in "._-" for c in value) or not value.isascii():
            raise ValueError("username may contain only letters, digits, '.', '_' and '-'")
        return value

    @field_validator("display_name")
    @classmethod
    def _display_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("display name must not be empty")
        return value.strip()


class UserUpdate(SQLModel):
    display_name: str | None = Field(default=None, max_length=120)
    role: Role | None = None
    office: str | None = Field(default=None, max_length=32)
    expertise: str | None = Field(default=None, max_length=64)
    is_active: bool | None = None


class UserRead(UserBase):
    id: int
    is_active: bool
    last_login_at: datetime | None
    version: int
