"""The examination of a case: the interview record (sessions, answers to the question bank,
incidents, inconsistencies put to the applicant, read-back), the credibility and eligibility
assessment, and the decisions drafted, approved, served and superseded.

Every row that a user edits carries ``version`` for optimistic locking (a save from an older
version is refused with who changed it and when). Answers keep the question-bank version the
interview was taken with (``InterviewRecord.bank_version``), so an old record still shows the
questions it was taken with, and the language it was taken in (``record_language``), so it
shows and prints the bank's texts in that language.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class Element(StrEnum):
    """The eligibility elements, in the order the assessment takes them (DOMAIN.md §4.2)."""

    PERSECUTION = "PERSECUTION"  # persecution or serious harm
    WELL_FOUNDED_FEAR = "WELL_FOUNDED_FEAR"  # a realistic risk on return
    STATE_PROTECTION = "STATE_PROTECTION"  # agent of persecution; protection not available
    INTERNAL_RELOCATION = "INTERNAL_RELOCATION"  # no reasonable relocation alternative
    CONVENTION_GROUND = "CONVENTION_GROUND"  # a Convention ground and its nexus


class ElementFinding(StrEnum):
    MET = "MET"
    NOT_MET = "NOT_MET"


class CredibilityIndicator(StrEnum):
    DETAIL = "DETAIL"
    INTERNAL_CONSISTENCY = "INTERNAL_CONSISTENCY"
    WITNESS_CONSISTENCY = "WITNESS_CONSISTENCY"
    EXTERNAL_CONSISTENCY_COI = "EXTERNAL_CONSISTENCY_COI"
    PLAUSIBILITY = "PLAUSIBILITY"


class IndicatorRating(StrEnum):
    SUPPORTS = "SUPPORTS"
    NEUTRAL = "NEUTRAL"
    UNDERMINES = "UNDERMINES"
    NOT_ASSESSED = "NOT_ASSESSED"


class FactFinding(StrEnum):
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    BENEFIT_OF_THE_DOUBT = "BENEFIT_OF_THE_DOUBT"


class DecisionStatus(StrEnum):
    DRAFT = "DRAFT"  # being written; editable by its author
    SUBMITTED = "SUBMITTED"  # sent for approval (case DECISION_DRAFTED)
    APPROVED = "APPROVED"  # approved by another manager; notice not yet served
    FINAL = "FINAL"  # notice served: never edited again
    SUPERSEDED = "SUPERSEDED"  # a final decision replaced by a later one


class _Edited(SQLModel):
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class InterviewRecord(_Edited, table=True):
    """The interview record of one case (one per case, several sessions)."""

    __tablename__ = "interview_record"
    __table_args__ = (UniqueConstraint("application_id", name="uq_interview_record_case"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    bank_version: str = Field(max_length=32)
    #: The language the record is taken and printed in (``en`` or ``ja``): the question bank's
    #: texts are shown in it, whoever reads the record. Chosen when the interview is opened.
    record_language: str = Field(default="en", max_length=8,
                                 sa_column_kwargs={"server_default": "en"})
    read_back_confirmed: bool | None = None
    read_back_language: str | None = Field(default=None, max_length=40)
    read_back_note: str | None = Field(default=None, sa_type=Text)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by_id: int | None = Field(default=None, foreign_key="user.id")


class InterviewSession(_Edited, table=True):
    __tablename__ = "interview_session"
    __table_args__ = (UniqueConstraint("record_id", "number", name="uq_interview_session_no"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="interview_record.id")
    number: int
    session_date: date
    start_time: str = Field(max_length=5)  # HH:MM, office time
    end_time: str | None = Field(default=None, max_length=5)
    place: str = Field(default="", max_length=200)
    language: str = Field(max_length=60)
    interpreter: str = Field(default="", max_length=200)
    present: str = Field(default="", sa_type=Text)
    breaks: str = Field(default="", sa_type=Text)


class InterviewAnswer(SQLModel, table=True):
    """The answer to one question of the bank; saved as the inquirer goes."""

    __tablename__ = "interview_answer"
    __table_args__ = (UniqueConstraint("record_id", "question_id",
                                       name="uq_interview_answer_question"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="interview_record.id")
    question_id: str = Field(max_length=80)
    value: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class Incident(_Edited, table=True):
    """One incident of past harm (one row each)."""

    __tablename__ = "interview_incident"
    __table_args__ = (Index("ix_interview_incident_record", "record_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="interview_record.id")
    position: int
    occurred_on: date | None = None
    occurred_text: str = Field(default="", max_length=120)  # "spring 2019" when no date
    place: str = Field(default="", max_length=200)
    agent: str = Field(default="", max_length=200)  # who did it
    what_happened: str = Field(sa_type=Text)
    injuries: str = Field(default="", sa_type=Text)
    witnesses: str = Field(default="", sa_type=Text)
    reported: str = Field(default="", sa_type=Text)
    evidence: str = Field(default="", sa_type=Text)
    deleted: bool = False


class Inconsistency(_Edited, table=True):
    """An inconsistency put to the applicant, and the explanation given."""

    __tablename__ = "interview_inconsistency"

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="interview_record.id")
    session_number: int | None = None
    matter: str = Field(sa_type=Text)
    explanation: str = Field(default="", sa_type=Text)


class Assessment(_Edited, table=True):
    """The credibility and eligibility assessment of one case."""

    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("application_id", name="uq_assessment_case"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    chosen_outcome: str | None = Field(default=None, sa_type=String(40))
    departure_reason: str | None = Field(default=None, sa_type=Text)
    humanitarian_considered: bool = False
    humanitarian_permission: bool = False
    humanitarian_reason: str | None = Field(default=None, sa_type=Text)


class MaterialFact(_Edited, table=True):
    __tablename__ = "material_fact"
    __table_args__ = (Index("ix_material_fact_assessment", "assessment_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id")
    position: int
    statement: str = Field(sa_type=Text)
    finding: str | None = Field(default=None, sa_type=String(24))
    finding_reason: str | None = Field(default=None, sa_type=Text)
    deleted: bool = False


class CredibilityRating(SQLModel, table=True):
    __tablename__ = "credibility_rating"
    __table_args__ = (UniqueConstraint("fact_id", "indicator", name="uq_credibility_rating"),)

    id: int | None = Field(default=None, primary_key=True)
    fact_id: int = Field(foreign_key="material_fact.id")
    indicator: str = Field(sa_type=String(32))
    rating: str = Field(sa_type=String(16))
    reason: str = Field(default="", sa_type=Text)
    #: ``coi_citation`` ids the rating rests on (external consistency needs one at least).
    citation_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class ElementAssessment(_Edited, table=True):
    __tablename__ = "element_assessment"
    __table_args__ = (UniqueConstraint("assessment_id", "element", name="uq_element_finding"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id")
    element: str = Field(sa_type=String(24))
    finding: str = Field(sa_type=String(8))
    reason: str = Field(sa_type=Text)
    #: For the Convention ground: which grounds (race, religion, …).
    grounds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Decision(_Edited, table=True):
    """A decision on a case: drafted, approved by another person, served, final; a final
    decision is never edited, only superseded by a later one with its reason."""

    __tablename__ = "decision"
    __table_args__ = (Index("ix_decision_case", "application_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    number: int
    status: str = Field(sa_type=String(12))
    outcome: str = Field(sa_type=String(40))
    humanitarian_permission: bool = False
    reasons: str = Field(sa_type=Text)
    citation_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    drafted_by_id: int = Field(foreign_key="user.id")
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_by_id: int | None = Field(default=None, foreign_key="user.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notice_date: date | None = None
    finalised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    supersedes_id: int | None = Field(default=None, foreign_key="decision.id")
    supersede_reason: str | None = Field(default=None, sa_type=Text)
    superseded_by_id: int | None = Field(default=None, foreign_key="decision.id")


__all__ = [
    "Assessment",
    "CredibilityIndicator",
    "CredibilityRating",
    "Decision",
    "DecisionStatus",
    "Element",
    "ElementAssessment",
    "ElementFinding",
    "FactFinding",
    "Incident",
    "Inconsistency",
    "IndicatorRating",
    "InterviewAnswer",
    "InterviewRecord",
    "InterviewSession",
    "MaterialFact",
]
