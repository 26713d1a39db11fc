"""Case records: register an application (with a new or known applicant), correct the
application or the applicant's particulars, assign cases to inquirers; and the look-ups every
case service shares (a case within the actor's reach, users' display names).

Every function takes the session and the acting user as keyword arguments, checks
permissions itself, and returns plain read models (never ORM objects).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import and_, func, select, update
from sqlmodel import Session

from models import (
    Application,
    ApplicationCreate,
    ApplicationRead,
    ApplicationUpdate,
    CaseState,
    Person,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    RemovalSuspension,
    Role,
    StatusEvent,
    User,
)
from models.enums import PRIMARY_PENDING_STATES
from triage import readings
from triage.rules import third_application_exception
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import NotFound, PermissionDenied, ValidationError, from_pydantic
from workbench.core.i18n import t
from workbench.core.ids import check_id
from workbench.core.permissions import Action, require, require_case_id
from workbench.core.versioning import stale_edit
from workbench.intake.identity_links import refresh_name_keys


def removal_suspension_for(application_number: int, reasonable_grounds: bool,
                           lodged: date) -> RemovalSuspension:
    """Third or later applications without "materials demonstrating reasonable grounds"
    lose the suspensive effect on removal (DOMAIN.md §3.2); the rule and its start date are
    the triage rules' own."""
    if third_application_exception(application_number, reasonable_grounds, lodged):
        return RemovalSuspension.EXCEPTION_THIRD_APPLICATION
    return RemovalSuspension.SUSPENDED


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


__all__ = [
    "InquirerLoad",
    "assign_cases",
    "inquirer_workloads",
    "register_application",
    "removal_suspension_for",
    "update_application",
    "update_person",
]
