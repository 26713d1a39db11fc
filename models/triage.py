"""Triage: stored sorting suggestions, the person's decision on each, the Category A list,
repeat-applicant identity links and the name keys that find them.

A suggestion is advice (DESIGN.md "Triage is advice"): it keeps the category, its grounds and
the model, rule and cue-lexicon versions that made it, and ``details`` holds the engine's whole
record (evidence sentences, reasons, probabilities). A review is the person's sorting decision
on a suggestion; an override keeps its reason as data for retraining. Quality-check fields
record the second look a manager takes at a sample of B and C sortings.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow

#: Categories a suggestion may carry ("ABSTAIN" when the engine will not suggest one).
SUGGESTION_CATEGORIES = ("A", "B", "C", "D1", "D2", "NA", "ABSTAIN")
QC_VERDICTS = ("agree", "disagree")
LINK_STATUSES = ("proposed", "confirmed", "rejected")


class TriageSuggestion(SQLModel, table=True):
    __tablename__ = "triage_suggestion"
    __table_args__ = (Index("ix_triage_suggestion_case", "application_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    category: str = Field(max_length=8)
    confidence: float
    basis: str | None = Field(default=None, max_length=24)
    b_reason: str | None = Field(default=None, max_length=32)
    third_or_later_exception: bool | None = None
    repeats_application_id: int | None = Field(default=None, foreign_key="application.id")
    new_share: float | None = None
    #: ``Suggestion.to_record()``: reasons, evidence, probabilities, novelty summary.
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    model_version: str = Field(max_length=64)
    rules_version: str = Field(max_length=64)
    cues_version: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: Who asked for it; None for the system batch.
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class TriageReview(SQLModel, table=True):
    """A person's sorting decision on a suggestion, and the quality check of it."""

    __tablename__ = "triage_review"
    __table_args__ = (
        Index("ix_triage_review_case", "application_id", "created_at"),
        Index("ix_triage_review_qc", "qc_sampled", "qc_verdict"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    suggestion_id: int = Field(foreign_key="triage_suggestion.id")
    suggested_category: str = Field(max_length=8)
    decided_category: str = Field(max_length=8)
    agreed: bool
    #: Why the person overrode the suggestion (required then): kept for retraining.
    reason: str | None = Field(default=None, sa_type=Text)
    reviewer_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    qc_sampled: bool = False
    qc_checker_id: int | None = Field(default=None, foreign_key="user.id")
    qc_verdict: str | None = Field(default=None, max_length=12)
    qc_note: str | None = Field(default=None, sa_type=Text)
    qc_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ACountry(SQLModel, table=True):
    """One country of the Category A list, which an administrator maintains."""

    __tablename__ = "a_country"

    code: str = Field(sa_column=Column(String(3), primary_key=True))
    reason: str = Field(default="", sa_type=Text)
    since: date | None = None
    active: bool = True
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class IdentityLink(SQLModel, table=True):
    """A person's verdict on whether two person records are the same applicant. Stored with
    ``person_id < other_person_id`` so that each pair has one row."""

    __tablename__ = "identity_link"
    __table_args__ = (
        UniqueConstraint("person_id", "other_person_id", name="uq_identity_link_pair"),
        Index("ix_identity_link_other", "other_person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    other_person_id: int = Field(foreign_key="person.id")
    score: float
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="proposed", max_length=12)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PersonNameKey(SQLModel, table=True):
    """One blocking key of a person's names (``triage.identity_index.blocking_keys``)."""

    __tablename__ = "person_name_key"
    __table_args__ = (Index("ix_person_name_key_lookup", "key", "birth_year"),)

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    key: str = Field(sa_column=Column(String(80), primary_key=True))
    birth_year: int | None = None
