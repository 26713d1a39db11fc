"""Administrative review: standing panels of three refugee examination counsellors, the
requests for review (appeals) allocated to them, new evidence, declared conflicts of interest,
the oral opinion statement (or the recorded decision to skip it), each counsellor's opinion,
the panel's opinion and the gist of it that the ruling states (DOMAIN.md §5).

The case itself moves through the workflow states REVIEW_FILED → PANEL_ASSIGNED →
HEARING_HELD / HEARING_SKIPPED → PANEL_OPINION → RULED; these tables hold what each step
recorded. Rows that people edit carry ``version`` for optimistic locking.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class Panel(SQLModel, table=True):
    """A standing panel: three counsellors, one of them presiding."""

    __tablename__ = "review_panel"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    office: str | None = Field(default=None, max_length=32)
    active: bool = True
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class PanelMember(SQLModel, table=True):
    __tablename__ = "review_panel_member"
    __table_args__ = (Index("ix_panel_member_user", "user_id"),)

    panel_id: int = Field(foreign_key="review_panel.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    presiding: bool = False


class Appeal(SQLModel, table=True):
    """A request for administrative review of one case's decision (or of inaction)."""

    __tablename__ = "appeal"
    __table_args__ = (Index("ix_appeal_case", "application_id", "filed_date"),
                      Index("ix_appeal_panel", "panel_id", "ruled_at"))

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    decision_id: int | None = Field(default=None, foreign_key="decision.id")
    basis: str = Field(sa_type=String(20))  # NON_RECOGNITION | REVOCATION | INACTION
    filed_date: date
    deadline: date | None = None  # None for a request against inaction
    late: bool = False
    late_reason: str | None = Field(default=None, sa_type=Text)
    grounds: str = Field(sa_type=Text)
    hearing_requested: bool = True
    panel_id: int | None = Field(default=None, foreign_key="review_panel.id")
    allocated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    allocated_by_id: int | None = Field(default=None, foreign_key="user.id")
    ruling: str | None = Field(default=None, sa_type=String(24))
    ruling_gist: str | None = Field(default=None, sa_type=Text)
    ruled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ruled_by_id: int | None = Field(default=None, foreign_key="user.id")
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class AppealDocument(SQLModel, table=True):
    """New evidence filed with a request: the workbench's own copy, named by its hash."""

    __tablename__ = "appeal_document"

    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int = Field(foreign_key="appeal.id")
    title: str = Field(max_length=300)
    file_name: str = Field(max_length=255)  # as uploaded, shown only
    media_type: str = Field(max_length=16)  # pdf | png | jpeg | text
    size_bytes: int
    sha256: str = Field(max_length=64)
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    added_by_id: int | None = Field(default=None, foreign_key="user.id")


class ConflictDeclaration(SQLModel, table=True):
    """A counsellor's declared conflict of interest in a case: they cannot sit on it."""

    __tablename__ = "conflict_declaration"
    __table_args__ = (UniqueConstraint("application_id", "user_id", name="uq_conflict_case"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    user_id: int = Field(foreign_key="user.id")
    reason: str = Field(sa_type=Text)
    declared_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Hearing(SQLModel, table=True):
    """The oral opinion statement of an appeal: scheduled, then held or skipped."""

    __tablename__ = "review_hearing"
    __table_args__ = (UniqueConstraint("appeal_id", name="uq_hearing_appeal"),)

    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int = Field(foreign_key="appeal.id")
    scheduled_for: datetime | None = Field(default=None, sa_type=UTCDateTime)
    place: str = Field(default="", max_length=200)
    language: str = Field(default="", max_length=60)
    interpreter: str = Field(default="", max_length=200)
    attendance: str = Field(default="", sa_type=Text)  # who attended
    requester_attended: bool | None = None
    held_on: date | None = None
    skipped: bool = False
    skip_reason: str | None = Field(default=None, sa_type=Text)
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class HearingEntry(SQLModel, table=True):
    """One question put at the hearing and the answer given."""

    __tablename__ = "review_hearing_entry"
    __table_args__ = (Index("ix_hearing_entry", "hearing_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = Field(foreign_key="review_hearing.id")
    position: int
    asked_by_id: int | None = Field(default=None, foreign_key="user.id")
    question: str = Field(sa_type=Text)
    answer: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CounsellorOpinion(SQLModel, table=True):
    """One counsellor's individual opinion: editable by its author until submitted."""

    __tablename__ = "counsellor_opinion"
    __table_args__ = (UniqueConstraint("appeal_id", "counsellor_id", name="uq_opinion_author"),)

    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int = Field(foreign_key="appeal.id")
    counsellor_id: int = Field(foreign_key="user.id")
    well_founded: bool | None = None
    reasons: str = Field(default="", sa_type=Text)
    citation_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class PanelOpinion(SQLModel, table=True):
    """The panel's opinion, recorded by the presiding counsellor, dissent kept."""

    __tablename__ = "panel_opinion"
    __table_args__ = (UniqueConstraint("appeal_id", name="uq_panel_opinion_appeal"),)

    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int = Field(foreign_key="appeal.id")
    well_founded: bool
    unanimous: bool
    summary: str = Field(sa_type=Text)
    dissent: str | None = Field(default=None, sa_type=Text)
    recorded_by_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


__all__ = [
    "Appeal",
    "AppealDocument",
    "ConflictDeclaration",
    "CounsellorOpinion",
    "Hearing",
    "HearingEntry",
    "Panel",
    "PanelMember",
    "PanelOpinion",
]
