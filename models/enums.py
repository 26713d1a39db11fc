"""Enumerations of the procedure (DOMAIN.md §8.1), stored by value as plain strings.

Each enum carries a short English description; user-facing labels go through the
translation helper in ``workbench.core.i18n`` keyed by ``<enum name>.<value>``.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    INQUIRER = "inquirer"
    COUNSELLOR = "counsellor"
    MANAGER = "manager"
    ADMIN = "admin"


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    OTHER = "X"
    UNKNOWN = "U"


class ApplicationType(StrEnum):
    REFUGEE = "REFUGEE"
    COMPLEMENTARY = "COMPLEMENTARY"


class SortingCategory(StrEnum):
    """The 2018 sorting. NOT_APPLICABLE marks applicants without a status of residence,
    whom the sorting (and its residence measures) does not cover."""

    UNSORTED = "UNSORTED"
    A = "A"
    B = "B"
    C = "C"
    D1 = "D1"
    D2 = "D2"
    NOT_APPLICABLE = "NA"


class ResidenceStatus(StrEnum):
    """Status of residence held when the application was lodged."""

    TEMPORARY_VISITOR = "TEMPORARY_VISITOR"
    TECHNICAL_INTERN = "TECHNICAL_INTERN"
    STUDENT = "STUDENT"
    DA_REFUGEE_APPLICANT = "DA_REFUGEE_APPLICANT"
    DA_DEPARTURE_PREPARATION = "DA_DEPARTURE_PREPARATION"
    OTHER_STATUS = "OTHER_STATUS"
    NO_STATUS = "NO_STATUS"

    @property
    def lawful(self) -> bool:
        return self is not ResidenceStatus.NO_STATUS


class ResidenceMeasure(StrEnum):
    UNDECIDED = "UNDECIDED"
    DA_6M_WORK = "DA_6M_WORK"
    DA_3M_NO_WORK = "DA_3M_NO_WORK"
    RESIDENCE_RESTRICTED = "RESIDENCE_RESTRICTED"
    PROVISIONAL_STAY = "PROVISIONAL_STAY"
    NO_STATUS = "NO_STATUS"
    OTHER_STATUS = "OTHER_STATUS"


class RemovalSuspension(StrEnum):
    SUSPENDED = "SUSPENDED"
    EXCEPTION_THIRD_APPLICATION = "EXCEPTION_THIRD_APPLICATION"
    EXCEPTION_CRIMINAL_3Y = "EXCEPTION_CRIMINAL_3Y"
    EXCEPTION_TERRORIST = "EXCEPTION_TERRORIST"


class PrimaryOutcome(StrEnum):
    RECOGNISED_REFUGEE = "RECOGNISED_REFUGEE"
    RECOGNISED_CP = "RECOGNISED_CP"
    NOT_RECOGNISED_HUMANITARIAN_STAY = "NOT_RECOGNISED_HUMANITARIAN_STAY"
    NOT_RECOGNISED = "NOT_RECOGNISED"
    WITHDRAWN = "WITHDRAWN"
    REVOKED = "REVOKED"


class ReviewBasis(StrEnum):
    """What a request for administrative review is brought against."""

    NON_RECOGNITION = "NON_RECOGNITION"
    REVOCATION = "REVOCATION"
    INACTION = "INACTION"


class ReviewRuling(StrEnum):
    GRANTED = "GRANTED"
    DISMISSED_MERITS = "DISMISSED_MERITS"
    DISMISSED_INADMISSIBLE = "DISMISSED_INADMISSIBLE"
    WITHDRAWN = "WITHDRAWN"


class CaseState(StrEnum):
    """Workflow states of a protection case (DESIGN.md, DOMAIN.md §8.2).

    The 7-day review window is a clock running on a DECIDED case from its notice date,
    not a state of its own: a decided case either has a review filed within the window
    (or later, with a reason) or is closed as FINAL once the window has passed.
    """

    RECEIVED = "RECEIVED"
    SORTING = "SORTING"
    UNDER_EXAMINATION = "UNDER_EXAMINATION"
    DECISION_DRAFTED = "DECISION_DRAFTED"
    APPROVED = "APPROVED"
    DECIDED = "DECIDED"
    REVIEW_FILED = "REVIEW_FILED"
    PANEL_ASSIGNED = "PANEL_ASSIGNED"
    HEARING_HELD = "HEARING_HELD"
    HEARING_SKIPPED = "HEARING_SKIPPED"
    PANEL_OPINION = "PANEL_OPINION"
    RULED = "RULED"
    FINAL = "FINAL"


#: States in which the first-instance examination is still open.
PRIMARY_PENDING_STATES: frozenset[CaseState] = frozenset(
    {
        CaseState.RECEIVED,
        CaseState.SORTING,
        CaseState.UNDER_EXAMINATION,
        CaseState.DECISION_DRAFTED,
        CaseState.APPROVED,
    }
)

#: States in which an administrative review is pending.
REVIEW_PENDING_STATES: frozenset[CaseState] = frozenset(
    {
        CaseState.REVIEW_FILED,
        CaseState.PANEL_ASSIGNED,
        CaseState.HEARING_HELD,
        CaseState.HEARING_SKIPPED,
        CaseState.PANEL_OPINION,
        CaseState.RULED,
    }
)

#: Outcomes against which a request for review lies (DOMAIN.md §5.1). A CP recognition on a
#: refugee application is a non-recognition as refugee; on a CP application it is not reviewable.
REVIEWABLE_OUTCOMES: frozenset[PrimaryOutcome] = frozenset(
    {
        PrimaryOutcome.NOT_RECOGNISED,
        PrimaryOutcome.NOT_RECOGNISED_HUMANITARIAN_STAY,
        PrimaryOutcome.REVOKED,
    }
)
