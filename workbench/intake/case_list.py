"""The case list: one page of the cases the actor may see, searched (case number, Latin
names, kana reading, kanji), filtered (state, category, draft stage, pending appeal, office,
inquirer, lodging dates) and sorted in SQL, as case summaries with their next deadline.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import (
    Application,
    CaseState,
    Decision,
    DecisionStatus,
    Person,
    RemovalSuspension,
    SortingCategory,
    User,
)
from models.enums import PRIMARY_PENDING_STATES, REVIEW_PENDING_STATES
from triage import readings
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.permissions import Action, case_scope, require
from workbench.core.settings import Settings, get_settings
from workbench.core.workflow import outcome_reviewable

# --- read models -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseSummary:
    id: int
    case_number: str
    person_name: str
    nationality: str
    application_number: int
    application_type: str
    sorting_category: str
    state: str
    lodged_date: date
    office: str
    assigned_inquirer: str | None
    removal_procedure: bool
    detained: bool
    removal_suspension: str
    reasonable_grounds_materials: bool
    days_pending: int | None
    sorting_deadline: date
    standard_deadline: date
    version: int
    notice_date: date | None = None
    outcome: str | None = None
    review_deadline: date | None = None
    name_kana: str | None = None
    name_kanji: str | None = None

    @property
    def next_deadline(self) -> tuple[str, date] | None:
        """The clock that matters now: sorting, the standard period, or the review window."""
        state = CaseState(self.state)
        if state in (CaseState.RECEIVED, CaseState.SORTING):
            return ("sorting", self.sorting_deadline)
        if state in PRIMARY_PENDING_STATES:
            return ("standard", self.standard_deadline)
        if state == CaseState.DECIDED and self.review_deadline is not None:
            return ("review", self.review_deadline)
        return None

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.application_number >= 3:
            flags.append("3rd+")
        elif self.application_number == 2:
            flags.append("2nd")
        if self.detained:
            flags.append("detained")
        if self.removal_procedure:
            flags.append("removal")
        if self.removal_suspension == RemovalSuspension.EXCEPTION_THIRD_APPLICATION:
            flags.append("no suspensive effect")
        return flags


@dataclass(frozen=True)
class Page:
    items: list[CaseSummary]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


#: Where a case's draft decision stands, for the case list's filter: still being written by
#: the inquirer, submitted and awaiting a manager's approval, or approved with the notice yet
#: to be served.
class DraftStage(StrEnum):
    WRITING = "writing"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"


_DRAFT_STAGES = {
    DraftStage.WRITING: (CaseState.UNDER_EXAMINATION, DecisionStatus.DRAFT),
    DraftStage.AWAITING_APPROVAL: (CaseState.DECISION_DRAFTED, DecisionStatus.SUBMITTED),
    DraftStage.APPROVED: (CaseState.APPROVED, DecisionStatus.APPROVED),
}


#: Appeals not yet ruled on.
OPEN_REVIEW_STATES = frozenset(REVIEW_PENDING_STATES - {CaseState.RULED})


class SortKey(StrEnum):
    LODGED = "lodged"
    LODGED_DESC = "-lodged"
    CASE_NUMBER = "case_number"
    STATE = "state"
    NAME = "name"


@dataclass
class CaseFilter:
    text: str | None = None
    states: list[CaseState] | None = None
    categories: list[SortingCategory] | None = None
    nationality: str | None = None
    office: str | None = None
    inquirer_id: int | None = None
    unassigned: bool = False
    pending_only: bool = False
    #: Only cases whose appeal is pending (not yet ruled on).
    review_pending_only: bool = False
    draft_stage: DraftStage | None = None
    lodged_from: date | None = None
    lodged_to: date | None = None


# --- list --------------------------------------------------------------------------------------


def _summary_query(actor: Actor) -> Select:
    inquirer = aliased(User)
    return (
        select(
            Application.id, Application.case_number, Application.application_number,
            Application.application_type, Application.sorting_category, Application.state,
            Application.lodged_date, Application.office, Application.removal_procedure,
            Application.detained, Application.removal_suspension,
            Application.reasonable_grounds_materials, Application.version,
            Application.notice_date, Application.outcome,
            Person.family_name, Person.given_names, Person.nationality,
            Person.name_kana, Person.name_kanji,
            inquirer.display_name.label("inquirer_name"),
        )
        .join(Person, Person.id == Application.person_id)
        .outerjoin(inquirer, inquirer.id == Application.assigned_inquirer_id)
        .where(case_scope(actor))
    )


def _name_conditions(text: str) -> list[Any]:
    """What a search text matches: the case number or the Latin names (case-insensitive), the
    katakana reading (typed in hiragana or katakana, half- or full-width, with or without
    ``ー`` and ``・``) and the kanji name."""
    term = unicodedata.normalize("NFKC", text).strip()
    like = f"%{_escape_like(term.lower())}%"
    conditions = [
        func.lower(Application.case_number).like(like, escape="\\"),
        func.lower(Person.family_name).like(like, escape="\\"),
        func.lower(Person.given_names).like(like, escape="\\"),
    ]
    for key in {readings.kana_key(term) if readings.has_kana(term) else "",
                readings.kanji_key(term) if readings.has_kanji(term) else ""}:
        if key:
            conditions.append(Person.name_reading_key.like(f"%{_escape_like(key)}%",
                                                           escape="\\"))
    return conditions


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _apply_filter(query: Select, filters: CaseFilter) -> Select:
    if filters.text and filters.text.strip():
        query = query.where(or_(*_name_conditions(filters.text)))
    if filters.states:
        query = query.where(Application.state.in_([str(s) for s in filters.states]))
    if filters.pending_only:
        query = query.where(Application.state.in_([str(s) for s in PRIMARY_PENDING_STATES]))
    if filters.review_pending_only:
        query = query.where(Application.state.in_([str(s) for s in OPEN_REVIEW_STATES]))
    if filters.draft_stage:
        state, status = _DRAFT_STAGES[DraftStage(filters.draft_stage)]
        query = query.where(Application.state == state.value, select(Decision.id).where(
            Decision.application_id == Application.id,
            Decision.status == status.value).exists())
    if filters.categories:
        query = query.where(Application.sorting_category.in_([str(c) for c in
                                                               filters.categories]))
    if filters.nationality:
        query = query.where(Person.nationality == filters.nationality.upper())
    if filters.office:
        query = query.where(Application.office == filters.office.upper())
    if filters.inquirer_id is not None:
        query = query.where(Application.assigned_inquirer_id == filters.inquirer_id)
    if filters.unassigned:
        query = query.where(Application.assigned_inquirer_id.is_(None))
    if filters.lodged_from:
        query = query.where(Application.lodged_date >= filters.lodged_from)
    if filters.lodged_to:
        query = query.where(Application.lodged_date <= filters.lodged_to)
    return query


_ORDER = {
    SortKey.LODGED: (Application.lodged_date.asc(), Application.id.asc()),
    SortKey.LODGED_DESC: (Application.lodged_date.desc(), Application.id.desc()),
    SortKey.CASE_NUMBER: (Application.case_number.asc(),),
    SortKey.STATE: (Application.state.asc(), Application.lodged_date.asc()),
    SortKey.NAME: (Person.family_name.asc(), Person.given_names.asc(), Application.id.asc()),
}


def list_cases(
    session: Session,
    *,
    actor: Actor,
    filters: CaseFilter | None = None,
    sort: SortKey = SortKey.LODGED,
    page: int = 1,
    page_size: int = 25,
    settings: Settings | None = None,
) -> Page:
    """One page of the cases the actor may see, filtered and sorted in SQL."""
    require(actor, Action.CASE_LIST)
    settings = settings or get_settings()
    filters = filters or CaseFilter()
    page_size = max(1, min(page_size, 200))
    page = max(1, page)
    base = _apply_filter(_summary_query(actor), filters)
    total = session.execute(
        _apply_filter(
            select(func.count()).select_from(Application)
            .join(Person, Person.id == Application.person_id)
            .where(case_scope(actor)),
            filters,
        )
    ).scalar_one()
    rows = session.execute(
        base.order_by(*_ORDER[SortKey(sort)]).limit(page_size).offset((page - 1) * page_size)
    ).all()
    today = clock.today(settings)
    items = [
        CaseSummary(
            id=r.id, case_number=r.case_number,
            person_name=f"{r.family_name.upper()} {r.given_names}".strip(),
            nationality=r.nationality, application_number=r.application_number,
            application_type=r.application_type, sorting_category=r.sorting_category,
            state=r.state, lodged_date=r.lodged_date, office=r.office,
            assigned_inquirer=r.inquirer_name, removal_procedure=r.removal_procedure,
            detained=r.detained, removal_suspension=r.removal_suspension,
            reasonable_grounds_materials=r.reasonable_grounds_materials,
            days_pending=((today - r.lodged_date).days
                          if CaseState(r.state) in PRIMARY_PENDING_STATES else None),
            sorting_deadline=clock.sorting_deadline(r.lodged_date, settings),
            standard_deadline=clock.standard_period_end(r.lodged_date, settings),
            version=r.version,
            notice_date=r.notice_date,
            outcome=r.outcome,
            review_deadline=(
                clock.review_deadline(r.notice_date, settings)
                if r.notice_date and outcome_reviewable(r.outcome, r.application_type)
                else None),
            name_kana=r.name_kana,
            name_kanji=r.name_kanji,
        )
        for r in rows
    ]
    return Page(items=items, total=total, page=page, page_size=page_size)


__all__ = [
    "CaseFilter",
    "CaseSummary",
    "DraftStage",
    "Page",
    "SortKey",
    "list_cases",
]
