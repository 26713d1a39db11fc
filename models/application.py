"""An application for recognition (refugee status or complementary protection): the case."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import field_validator
from sqlalchemy import Index, String, Text
from sqlmodel import Field, SQLModel

from models.enums import (
    ApplicationType,
    CaseState,
    PrimaryOutcome,
    RemovalSuspension,
    ResidenceMeasure,
    ResidenceStatus,
    ReviewBasis,
    ReviewRuling,
    SortingCategory,
)
from models.types import UTCDateTime, utcnow

MAX_NARRATIVE_CHARS = 100_000


class ApplicationBase(SQLModel):
    application_type: ApplicationType = Field(
        default=ApplicationType.REFUGEE, sa_type=String(16)
    )
    lodged_date: date
    office: str = Field(max_length=32)
    residence_status_at_filing: ResidenceStatus = Field(sa_type=String(32))
    activities_ceased: bool = Field(
        default=False,
        description="Filed after the activities of the original status had ceased (D1)",
    )
    removal_procedure: bool = False
    detained: bool = False
    claim_narrative: str = Field(default="", sa_type=Text)
    claim_language: str = Field(default="en", max_length=8)
    name_as_entered: str | None = Field(
        default=None, max_length=300, description="Applicant's name as written on this application"
    )
    date_of_birth_as_entered: date | None = None
    reasonable_grounds_materials: bool = Field(
        default=False, description="Materials demonstrating reasonable grounds were submitted"
    )


class _ApplicationValidators(SQLModel):
    @field_validator("claim_narrative", check_fields=False)
    @classmethod
    def _narrative(cls, value: str | None) -> str | None:
        if value is not None and len(value) > MAX_NARRATIVE_CHARS:
            raise ValueError(f"claim narrative is longer than {MAX_NARRATIVE_CHARS:,} characters")
        return value

    @field_validator("lodged_date", check_fields=False)
    @classmethod
    def _lodged(cls, value: date | None) -> date | None:
        # A day of slack for time zones: the service checks against the office's today.
        if value is not None and value > date.today() + timedelta(days=1):
            raise ValueError("the lodging date cannot be in the future")
        return value

    @field_validator("office", check_fields=False)
    @classmethod
    def _office(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("office must not be empty")
        return value.strip().upper() if value is not None else value


class Application(ApplicationBase, table=True):
    __table_args__ = (
        Index("ix_application_inquirer_state", "assigned_inquirer_id", "state"),
        Index("ix_application_state_lodged", "state", "lodged_date"),
        Index("ix_application_person", "person_id", "lodged_date"),
        # Covers the processing-time figures, so they never read the wide rows.
        Index("ix_application_milestones", "state", "lodged_date", "sorted_on", "decided_on",
              "review_filed_on", "ruled_on"),
        # Cover the dashboard's grouped figures (by office, category, inquirer, outcome,
        # nationality), so that they never read the wide rows either.
        Index("ix_dash_decided", "decided_on", "lodged_date", "office", "sorting_category",
              "assigned_inquirer_id", "decision_drafted_by_id", "outcome", "review_ruling",
              "nationality"),
        Index("ix_dash_sorted", "sorted_on", "lodged_date", "office", "sorting_category",
              "assigned_inquirer_id", "nationality"),
        Index("ix_dash_ruled", "ruled_on", "review_filed_on", "office", "sorting_category",
              "assigned_inquirer_id", "review_ruling", "nationality"),
        Index("ix_dash_lodged", "lodged_date", "state", "office", "sorting_category",
              "application_number", "reasonable_grounds_materials", "assigned_inquirer_id",
              "review_filed_on", "outcome", "nationality"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_number: str = Field(max_length=32, unique=True, index=True)
    person_id: int = Field(foreign_key="person.id")
    #: The applicant's nationality, kept in step with the person record (registration and
    #: every correction): national statistics group by it without reading the people.
    nationality: str | None = Field(default=None, max_length=3)
    application_number: int = Field(default=1, ge=1)
    previous_application_id: int | None = Field(default=None, foreign_key="application.id")
    sorting_category: SortingCategory = Field(
        default=SortingCategory.UNSORTED, sa_type=String(12)
    )
    residence_measure: ResidenceMeasure = Field(
        default=ResidenceMeasure.UNDECIDED, sa_type=String(24)
    )
    removal_suspension: RemovalSuspension = Field(
        default=RemovalSuspension.SUSPENDED, sa_type=String(32)
    )
    assigned_inquirer_id: int | None = Field(default=None, foreign_key="user.id")
    state: CaseState = Field(default=CaseState.RECEIVED, sa_type=String(24))
    outcome: PrimaryOutcome | None = Field(default=None, sa_type=String(40))
    decision_drafted_by_id: int | None = Field(default=None, foreign_key="user.id")
    notice_date: date | None = None
    review_basis: ReviewBasis | None = Field(default=None, sa_type=String(20))
    review_filed_date: date | None = None
    review_late_reason: str | None = Field(default=None, sa_type=Text)
    review_ruling: ReviewRuling | None = Field(default=None, sa_type=String(24))
    # Milestones: office-local dates of the events that reached them (workbench.core.milestones).
    sorted_on: date | None = None
    decided_on: date | None = None
    review_filed_on: date | None = None
    ruled_on: date | None = None
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class ApplicationCreate(_ApplicationValidators, ApplicationBase):
    person_id: int
    application_number: int = Field(default=1, ge=1, le=99)
    previous_application_id: int | None = None
    assigned_inquirer_id: int | None = None


class ApplicationUpdate(_ApplicationValidators):
    """Fields an inquirer may correct on their case. Workflow fields change only through
    transitions, never through an update."""

    office: str | None = Field(default=None, max_length=32)
    residence_status_at_filing: ResidenceStatus | None = None
    activities_ceased: bool | None = None
    removal_procedure: bool | None = None
    detained: bool | None = None
    claim_narrative: str | None = None
    claim_language: str | None = Field(default=None, max_length=8)
    name_as_entered: str | None = Field(default=None, max_length=300)
    date_of_birth_as_entered: date | None = None
    reasonable_grounds_materials: bool | None = None


class ApplicationRead(ApplicationBase):
    id: int
    case_number: str
    person_id: int
    application_number: int
    previous_application_id: int | None
    sorting_category: SortingCategory
    residence_measure: ResidenceMeasure
    removal_suspension: RemovalSuspension
    assigned_inquirer_id: int | None
    state: CaseState
    outcome: PrimaryOutcome | None
    decision_drafted_by_id: int | None
    notice_date: date | None
    review_basis: ReviewBasis | None
    review_filed_date: date | None
    review_late_reason: str | None
    review_ruling: ReviewRuling | None
    sorted_on: date | None = None
    decided_on: date | None = None
    review_filed_on: date | None = None
    ruled_on: date | None = None
    version: int
    updated_at: datetime
    updated_by_id: int | None
