"""Case services: register, list, open, edit, assign and export applications.

Every function takes the session and the acting user as keyword arguments, checks
permissions itself, and returns plain read models (never ORM objects).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import (
    Application,
    ApplicationCreate,
    ApplicationRead,
    ApplicationUpdate,
    CaseState,
    Decision,
    DecisionStatus,
    Person,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    RemovalSuspension,
    Role,
    SortingCategory,
    StatusEvent,
    StatusEventRead,
    User,
)
from models.enums import PRIMARY_PENDING_STATES, REVIEW_PENDING_STATES
from triage import readings
from triage.rules import third_application_exception
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import NotFound, PermissionDenied, ValidationError, from_pydantic
from workbench.core.i18n import t
from workbench.core.ids import check_id
from workbench.core.permissions import Action, case_scope, require, require_case_id
from workbench.core.settings import Settings, get_settings
from workbench.core.versioning import stale_edit
from workbench.core.workflow import outcome_reviewable
from workbench.intake.identity_links import refresh_name_keys


def removal_suspension_for(application_number: int, reasonable_grounds: bool,
                           lodged: date) -> RemovalSuspension:
    """Third or later applications without "materials demonstrating reasonable grounds"
    lose the suspensive effect on removal (DOMAIN.md §3.2); the rule and its start date are
    the triage rules' own."""
    if third_application_exception(application_number, reasonable_grounds, lodged):
        return RemovalSuspension.EXCEPTION_THIRD_APPLICATION
    return RemovalSuspension.SUSPENDED


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


@dataclass(frozen=True)
class RelatedApplication:
    id: int
    case_number: str
    application_number: int
    lodged_date: date
    state: str
    outcome: str | None
    accessible: bool


@dataclass(frozen=True)
class CaseFile:
    application: ApplicationRead
    person: PersonRead
    assigned_inquirer: str | None
    events: list[StatusEventRead]
    related: list[RelatedApplication]
    clocks: dict[str, Any] = field(default_factory=dict)


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


# --- helpers ---------------------------------------------------------------------------------


def load_case(session: Session, actor: Actor, action: Action,
               application_id: int) -> Application:
    """The case, if the actor may take ``action`` on it (refused and audited otherwise). An id
    no case can have is not found, for every role (it reveals nothing about other cases)."""
    check_id(application_id, t("errors.permissions.no_case_id", application_id=application_id))
    return require_case_id(session, actor, action, session.get(Application, application_id),
                           application_id)


def user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()
    return {row.id: row.display_name for row in rows}


def _validate(model: type, data: Any) -> Any:
    if isinstance(data, model):
        return model.model_validate(data.model_dump(exclude_unset=True))
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise from_pydantic(exc) from None


# --- register --------------------------------------------------------------------------------

#: Person fields the repeat-applicant name keys are made from.
_NAME_KEY_FIELDS = frozenset({"family_name", "given_names", "name_original", "name_kana",
                              "name_kanji", "date_of_birth", "birth_year", "nationality",
                              "aliases"})
#: Person fields the case search's reading key is made from.
_READING_FIELDS = frozenset({"name_kana", "name_kanji"})



def register_application(
    session: Session,
    *,
    actor: Actor,
    application: ApplicationCreate | dict,
    person: PersonCreate | dict | None = None,
) -> ApplicationRead:
    """Register a new application, for an existing person (``application.person_id``) or a
    new one (``person``). The case starts RECEIVED with a registration event."""
    require(actor, Action.CASE_CREATE, entity_type="application")
    if person is not None:
        person_data = _validate(PersonCreate, person)
        payload = dict(application) if isinstance(application, dict) else \
            application.model_dump()
        payload.setdefault("person_id", 0)
        app_data = _validate(ApplicationCreate, payload)
        row = Person.model_validate(person_data.model_dump())
        row.updated_by_id = actor.id
        row.name_reading_key = readings.search_key(row.name_kana, row.name_kanji)
        if row.date_of_birth and not row.birth_year:
            row.birth_year = row.date_of_birth.year
        session.add(row)
        session.flush()
        refresh_name_keys(session, row)
        app_data.person_id = row.id
        audit.record(session, actor=actor, action="person.create", entity_type="person",
                     entity_id=row.id)
    else:
        app_data = _validate(ApplicationCreate, application)
        if session.get(Person, app_data.person_id) is None:
            raise ValidationError(t("errors.cases.no_person_id", person_id=app_data.person_id))
    if actor.role == Role.INQUIRER:
        if app_data.assigned_inquirer_id not in (None, actor.id):
            raise audit.refuse(
                PermissionDenied(t("errors.cases.manager_put_case_another")),
                actor=actor, action="case.create", entity_type="application",
            )
        app_data.assigned_inquirer_id = actor.id
    if app_data.assigned_inquirer_id is not None:
        _check_inquirer(session, app_data.assigned_inquirer_id)
    if app_data.lodged_date > clock.today():
        raise ValidationError(t("errors.cases.lodging_date_cannot_future"))
    now = clock.now_utc()
    applicant = session.get(Person, app_data.person_id)
    app = Application(
        **app_data.model_dump(),
        nationality=applicant.nationality if applicant else None,
        case_number=f"PENDING-{now.timestamp():.6f}-{actor.username}"[:32],
        removal_suspension=removal_suspension_for(
            app_data.application_number, app_data.reasonable_grounds_materials,
            app_data.lodged_date),
        state=CaseState.RECEIVED,
        updated_by_id=actor.id,
    )
    session.add(app)
    session.flush()
    app.case_number = f"{app.office[:3]}-{app.lodged_date.year}-{app.id:07d}"
    session.add(StatusEvent(application_id=app.id, action="register", from_state=None,
                            to_state=CaseState.RECEIVED, actor_id=actor.id, occurred_at=now))
    audit.record(session, actor=actor, action="case.create", entity_type="application",
                 entity_id=app.id)
    session.flush()
    return ApplicationRead.model_validate(app, from_attributes=True)


def _check_inquirer(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.role != Role.INQUIRER or not user.is_active:
        raise ValidationError(t("errors.cases.cases_assigned_active_refugee"))
    return user


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


# --- open --------------------------------------------------------------------------------------


def open_case(session: Session, *, actor: Actor, application_id: int,
              settings: Settings | None = None, record_opening: bool = True) -> CaseFile:
    """The case file. Opening it is audited (and so is a refused attempt); a page that
    re-reads a file it already opened passes ``record_opening=False`` and is still checked."""
    settings = settings or get_settings()
    app = load_case(session, actor, Action.CASE_OPEN, application_id)
    case_file = _case_file(session, actor, app, settings)
    if record_opening:
        audit.record(session, actor=actor, action="case.open", entity_type="application",
                     entity_id=app.id)
    return case_file


def find_case(session: Session, *, actor: Actor, case_number: str) -> int | None:
    """The id of the case with this number, if the actor may see it."""
    require(actor, Action.CASE_LIST)
    return session.execute(
        select(Application.id).where(Application.case_number == case_number.strip().upper(),
                                     case_scope(actor))
    ).scalar_one_or_none()


def _case_file(session: Session, actor: Actor, app: Application,
               settings: Settings) -> CaseFile:
    person = session.get(Person, app.person_id)
    events = session.execute(
        select(StatusEvent).where(StatusEvent.application_id == app.id)
        .order_by(StatusEvent.occurred_at, StatusEvent.id)
    ).scalars().all()
    names = user_names(session, {e.actor_id for e in events} | {app.assigned_inquirer_id})
    visible = set(session.execute(
        select(Application.id).where(Application.person_id == app.person_id,
                                     case_scope(actor))
    ).scalars())
    related = [
        RelatedApplication(
            id=r.id, case_number=r.case_number, application_number=r.application_number,
            lodged_date=r.lodged_date, state=r.state, outcome=r.outcome,
            accessible=r.id in visible,
        )
        for r in session.execute(
            select(Application).where(Application.person_id == app.person_id,
                                      Application.id != app.id)
            .order_by(Application.lodged_date)
        ).scalars()
    ]
    from workbench.core.processing import case_clock

    return CaseFile(
        application=ApplicationRead.model_validate(app, from_attributes=True),
        person=PersonRead.model_validate(person, from_attributes=True),
        assigned_inquirer=names.get(app.assigned_inquirer_id),
        events=[
            StatusEventRead(
                id=e.id, application_id=e.application_id, action=e.action,
                from_state=e.from_state, to_state=e.to_state, actor_id=e.actor_id,
                actor_name=names.get(e.actor_id), reason=e.reason, occurred_at=e.occurred_at,
            )
            for e in events
        ],
        related=related,
        clocks=case_clock(app, events, settings).as_dict(),
    )


def export_case(session: Session, *, actor: Actor, application_id: int,
                settings: Settings | None = None) -> dict[str, Any]:
    """The case file as a JSON-ready dict; the export is audited."""
    settings = settings or get_settings()
    app = load_case(session, actor, Action.CASE_EXPORT, application_id)
    case_file = _case_file(session, actor, app, settings)
    audit.record(session, actor=actor, action="case.export", entity_type="application",
                 entity_id=app.id, details={"format": "json"})
    return {
        "application": case_file.application.model_dump(mode="json"),
        "person": case_file.person.model_dump(mode="json"),
        "events": [e.model_dump(mode="json") for e in case_file.events],
        "related": [r.__dict__ | {"lodged_date": r.lodged_date.isoformat()}
                    for r in case_file.related],
        "exported_at": clock.now_utc().isoformat(),
        "exported_by": actor.username,
    }


# --- edit --------------------------------------------------------------------------------------


def update_application(
    session: Session, *, actor: Actor, application_id: int, expected_version: int,
    changes: ApplicationUpdate | dict,
) -> ApplicationRead:
    """Save corrections to a case made from the version the user loaded. A save from an
    older version is refused with StaleEdit and changes nothing."""
    app = load_case(session, actor, Action.CASE_EDIT, application_id)
    data = _validate(ApplicationUpdate, changes)
    values = data.model_dump(exclude_unset=True)
    if not values:
        return ApplicationRead.model_validate(app, from_attributes=True)
    if "reasonable_grounds_materials" in values:
        values["removal_suspension"] = removal_suspension_for(
            app.application_number, values["reasonable_grounds_materials"], app.lodged_date)
    now = clock.now_utc()
    result = session.execute(
        update(Application)
        .where(and_(Application.id == app.id, Application.version == expected_version))
        .values(**values, version=Application.version + 1, updated_at=now,
                updated_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(app)
        raise audit.refuse(
            stale_edit(session, "case", app, expected_version, values),
            actor=actor, action="case.update", entity_type="application", entity_id=app.id,
            outcome="refused",
        )
    audit.record(session, actor=actor, action="case.update", entity_type="application",
                 entity_id=app.id, details={"fields": sorted(values)})
    session.refresh(app)
    return ApplicationRead.model_validate(app, from_attributes=True)


def update_person(
    session: Session, *, actor: Actor, application_id: int, expected_version: int,
    changes: PersonUpdate | dict,
) -> PersonRead:
    """Correct the applicant's particulars through a case the actor may edit."""
    app = load_case(session, actor, Action.CASE_EDIT, application_id)
    data = _validate(PersonUpdate, changes)
    values = data.model_dump(exclude_unset=True)
    person = session.get(Person, app.person_id)
    if not values:
        return PersonRead.model_validate(person, from_attributes=True)
    if set(values) & _READING_FIELDS:
        values["name_reading_key"] = readings.search_key(
            values.get("name_kana", person.name_kana), values.get("name_kanji", person.name_kanji))
    now = clock.now_utc()
    result = session.execute(
        update(Person)
        .where(and_(Person.id == person.id, Person.version == expected_version))
        .values(**values, version=Person.version + 1, updated_at=now, updated_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(person)
        raise audit.refuse(
            stale_edit(session, "person record", person, expected_version, values),
            actor=actor, action="person.update", entity_type="person", entity_id=person.id,
            outcome="refused",
        )
    audit.record(session, actor=actor, action="person.update", entity_type="person",
                 entity_id=person.id, details={"fields": sorted(values),
                                               "via_application": app.id})
    session.refresh(person)
    if "nationality" in values:
        session.execute(update(Application).where(Application.person_id == person.id)
                        .values(nationality=person.nationality)
                        .execution_options(synchronize_session=False))
    if set(values) & _NAME_KEY_FIELDS:
        refresh_name_keys(session, person)
    return PersonRead.model_validate(person, from_attributes=True)


# --- assign ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InquirerLoad:
    id: int
    display_name: str
    office: str | None
    open_cases: int


def inquirer_workloads(session: Session, *, actor: Actor) -> list[InquirerLoad]:
    require(actor, Action.CASE_ASSIGN)
    open_states = [str(s) for s in PRIMARY_PENDING_STATES]
    counts = (
        select(Application.assigned_inquirer_id.label("uid"), func.count().label("n"))
        .where(Application.state.in_(open_states))
        .group_by(Application.assigned_inquirer_id)
        .subquery()
    )
    rows = session.execute(
        select(User.id, User.display_name, User.office, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.uid == User.id)
        .where(User.role == Role.INQUIRER, User.is_active.is_(True))
        .order_by(User.display_name)
    ).all()
    return [InquirerLoad(r[0], r[1], r[2], r[3]) for r in rows]


def assign_cases(
    session: Session, *, actor: Actor, application_ids: list[int], inquirer_id: int | None,
) -> int:
    """Assign (or, with None, unassign) cases; one audit entry per case reassigned."""
    require(actor, Action.CASE_ASSIGN, entity_type="application")
    if inquirer_id is not None:
        _check_inquirer(session, inquirer_id)
    ids = sorted(set(application_ids))
    if not ids:
        raise ValidationError(t("errors.cases.select_least_one_case"))
    apps = session.execute(select(Application).where(Application.id.in_(ids))).scalars().all()
    if len(apps) != len(ids):
        missing = sorted(set(ids) - {a.id for a in apps})
        raise NotFound(t("errors.cases.no_case_id", ids=', '.join(map(str, missing))))
    now = clock.now_utc()
    changed = 0
    for app in apps:
        if app.assigned_inquirer_id == inquirer_id:
            continue
        previous = app.assigned_inquirer_id
        app.assigned_inquirer_id = inquirer_id
        app.version += 1
        app.updated_at = now
        app.updated_by_id = actor.id
        session.add(app)
        audit.record(session, actor=actor, action="case.assign", entity_type="application",
                     entity_id=app.id, details={"from": previous, "to": inquirer_id})
        changed += 1
    session.flush()
    return changed


def get_application(session: Session, *, actor: Actor, application_id: int) -> ApplicationRead:
    """The application alone (no audit of an opening): for forms that need its version."""
    app = load_case(session, actor, Action.CASE_OPEN, application_id)
    return ApplicationRead.model_validate(app, from_attributes=True)


__all__ = [
    "CaseFile",
    "CaseFilter",
    "CaseSummary",
    "DraftStage",
    "InquirerLoad",
    "Page",
    "SortKey",
    "assign_cases",
    "export_case",
    "find_case",
    "get_application",
    "inquirer_workloads",
    "list_cases",
    "open_case",
    "register_application",
    "removal_suspension_for",
    "update_application",
    "update_person",
]
