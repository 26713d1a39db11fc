"""A person who applies for protection: one identity across all their applications."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import field_validator
from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from models.enums import Sex
from models.types import UTCDateTime, utcnow
from triage.readings import clean_kana, has_kanji, looks_like_reading


class PersonBase(SQLModel):
    family_name: str = Field(max_length=120, description="Family name in Latin script")
    given_names: str = Field(default="", max_length=200, description="Given names in Latin script")
    name_original: str | None = Field(
        default=None, max_length=300, description="Full name as written in the original script"
    )
    name_kana: str | None = Field(
        default=None, max_length=300,
        description="Katakana reading of the name (グエン・ヴァン・アン), parts joined by ・")
    name_kanji: str | None = Field(
        default=None, max_length=120,
        description="The name in kanji, for people who have one (Chinese, Korean, Japanese)")
    date_of_birth: date | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    sex: Sex = Field(default=Sex.UNKNOWN, sa_type=String(2))
    nationality: str = Field(max_length=3, description="ISO 3166-1 alpha-3; XXA for stateless")


class _PersonValidators(SQLModel):
    @field_validator("nationality", check_fields=False)
    @classmethod
    def _alpha3(cls, value: str | None) -> str | None:
        if value is None:
            return value
        value = value.strip().upper()
        if len(value) != 3 or not value.isascii() or not value.isalpha():
            raise ValueError("nationality must be an ISO 3166-1 alpha-3 code such as LKA")
        return value

    @field_validator("family_name", check_fields=False)
    @classmethod
    def _family_name(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("family name must not be empty")
        return value.strip() if value is not None else value

    @field_validator("name_kana", check_fields=False)
    @classmethod
    def _kana(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not looks_like_reading(value):
            raise ValueError("the reading must be written in katakana (or hiragana), "
                             "such as グエン・ヴァン・アン")
        return clean_kana(value)

    @field_validator("name_kanji", check_fields=False)
    @classmethod
    def _kanji(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = " ".join(value.split())
        if not has_kanji(value):
            raise ValueError("the kanji name must contain kanji, such as 王伟")
        return value

    @field_validator("date_of_birth", check_fields=False)
    @classmethod
    def _not_future(cls, value: date | None) -> date | None:
        if value is not None and value > date.today() + timedelta(days=1):
            raise ValueError("date of birth cannot be in the future")
        return value


class Person(PersonBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: The reading and the kanji folded for the case search (``triage.readings.search_key``),
    #: kept in step by the case services whenever either changes.
    name_reading_key: str = Field(default="", max_length=440)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class PersonCreate(_PersonValidators, PersonBase):
    aliases: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)


class PersonUpdate(_PersonValidators):
    family_name: str | None = Field(default=None, max_length=120)
    given_names: str | None = Field(default=None, max_length=200)
    name_original: str | None = Field(default=None, max_length=300)
    name_kana: str | None = Field(default=None, max_length=300)
    name_kanji: str | None = Field(default=None, max_length=120)
    date_of_birth: date | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    sex: Sex | None = None
    nationality: str | None = Field(default=None, max_length=3)
    aliases: list[str] | None = None
    languages: list[str] | None = None


class PersonRead(PersonBase):
    id: int
    aliases: list[str]
    languages: list[str]
    version: int
    updated_at: datetime

    @property
    def full_name(self) -> str:
        return f"{self.family_name.upper()} {self.given_names}".strip()
