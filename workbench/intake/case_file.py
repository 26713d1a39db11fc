"""The case file read model: opening a case (audited) with its applicant, status events,
related applications and clocks, finding a case by number, exporting the file as JSON, and the
application alone for forms that need its version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models import (
    Application,
    ApplicationRead,
    Person,
    PersonRead,
    StatusEvent,
    StatusEventRead,
)
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.permissions import Action, case_scope, require
from workbench.core.settings import Settings, get_settings
from workbench.intake.cases import load_case, user_names

# --- read models -----------------------------------------------------------------------------


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


def get_application(session: Session, *, actor: Actor, application_id: int) -> ApplicationRead:
    """The application alone (no audit of an opening): for forms that need its version."""
    app = load_case(session, actor, Action.CASE_OPEN, application_id)
    return ApplicationRead.model_validate(app, from_attributes=True)


__all__ = [
    "CaseFile",
    "export_case",
    "find_case",
    "get_application",
    "open_case",
]
