"""What each person has to do next, across their cases: the "To do" list.

- a manager: draft decisions submitted for approval (by someone else: four eyes), rulings to
  record once a panel has given its opinion, and the cases (of every office: managers cover
  other offices' cases) nearing the sorting limit or the end of the standard period;
- an inquirer: drafts a manager returned to them, and their own cases nearing the sorting
  limit or the end of the standard period;
- a counsellor: appeals of their panels awaiting their opinion and, for the presiding
  counsellor, the panel opinions to record once all three opinions are in.

"Nearing" means the limit falls within ``TaskSettings.warning_days`` from today, today
included; a limit already passed is shown on the case list and the dashboard instead.
Each item names the page where the work is done (``page`` and ``params``, e.g.
``decision`` with ``case=12``). ``task_count`` counts the same items with COUNT queries only,
for the menu.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import (
    Appeal,
    Application,
    CaseState,
    CounsellorOpinion,
    Decision,
    DecisionStatus,
    PanelMember,
    Person,
    Role,
    StatusEvent,
    User,
)
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.permissions import Action, case_scope, require
from workbench.core.processing import latest_lodged_past
from workbench.core.settings import Settings, get_settings

#: Days ahead within which a sorting limit or standard period counts as near.
WARNING_DAYS = 14

#: The kinds of work, in the order the list shows them.
APPROVAL = "approval"
RETURNED = "returned"
OPINION = "opinion"
PANEL_OPINION = "panel_opinion"
RULING = "ruling"
SORTING = "sorting"
STANDARD = "standard"

KINDS_BY_ROLE: dict[Role, tuple[str, ...]] = {
    Role.MANAGER: (APPROVAL, RULING, SORTING, STANDARD),
    Role.INQUIRER: (RETURNED, SORTING, STANDARD),
    Role.COUNSELLOR: (OPINION, PANEL_OPINION),
}

_UNSORTED = (CaseState.RECEIVED.value, CaseState.SORTING.value)
#: First-instance states whose next clock is the standard period (``CaseSummary.next_deadline``).
_EXAMINED = (CaseState.UNDER_EXAMINATION.value, CaseState.DECISION_DRAFTED.value,
             CaseState.APPROVED.value)
_OPINION_STATES = (CaseState.PANEL_ASSIGNED.value, CaseState.HEARING_HELD.value,
                   CaseState.HEARING_SKIPPED.value)
_HEARING_DONE = (CaseState.HEARING_HELD.value, CaseState.HEARING_SKIPPED.value)


@dataclass(frozen=True)
class Task:
    kind: str
    application_id: int
    case_number: str
    applicant: str
    #: The page where the work is done (a key of ``workbench.ui.core.nav.PAGES``) and its query.
    page: str
    params: dict[str, str]
    #: Since when it waits (submitted, returned, allocated), where that is known.
    since: datetime | date | None = None
    #: The limit it must meet, for the clocks.
    due: date | None = None
    #: Who sent it or why (the drafting inquirer, the reason given for returning a draft).
    note: str | None = None
    #: For an opinion: whether it can be submitted yet (the hearing held or skipped).
    ready: bool = True


@dataclass(frozen=True)
class TaskGroup:
    kind: str
    total: int
    items: tuple[Task, ...] = field(default_factory=tuple)


# --- the queries ----------------------------------------------------------------------------------


def _latest_appeal() -> Select:
    return select(func.max(Appeal.id)).group_by(Appeal.application_id)


def _submitted_opinions():  # noqa: ANN202
    return (select(func.count()).select_from(CounsellorOpinion)
            .where(CounsellorOpinion.appeal_id == Appeal.id,
                   CounsellorOpinion.submitted_at.is_not(None))
            .correlate(Appeal).scalar_subquery())


def _panel_size():  # noqa: ANN202
    other = aliased(PanelMember)
    return (select(func.count()).select_from(other).where(other.panel_id == Appeal.panel_id)
            .correlate(Appeal).scalar_subquery())


def _window(today: date, months: int) -> tuple[date, date]:
    """Lodging dates whose ``months`` limit falls from today to ``WARNING_DAYS`` ahead:
    later than the first date, up to the second."""
    return (latest_lodged_past(today, months),
            latest_lodged_past(today + timedelta(days=WARNING_DAYS + 1), months))


def _conditions(kind: str, actor: Actor, settings: Settings, today: date) -> list:
    """The WHERE conditions of one kind of work, over Application (and Appeal or Decision)."""
    scope = case_scope(actor)
    if kind == APPROVAL:
        return [scope, Application.state == CaseState.DECISION_DRAFTED.value,
                Decision.status == DecisionStatus.SUBMITTED.value,
                Decision.drafted_by_id != actor.id]
    if kind == RETURNED:
        # A draft back at DRAFT after it was once submitted: returned, and not yet resent.
        return [Application.assigned_inquirer_id == actor.id,
                Application.state == CaseState.UNDER_EXAMINATION.value,
                Decision.status == DecisionStatus.DRAFT.value,
                Decision.submitted_at.is_not(None)]
    if kind == RULING:
        return [scope, Appeal.id.in_(_latest_appeal()),
                Application.state == CaseState.PANEL_OPINION.value]
    if kind == OPINION:
        mine = select(CounsellorOpinion.id).where(
            CounsellorOpinion.appeal_id == Appeal.id,
            CounsellorOpinion.counsellor_id == actor.id,
            CounsellorOpinion.submitted_at.is_not(None)).correlate(Appeal)
        return [Appeal.id.in_(_latest_appeal()), PanelMember.user_id == actor.id,
                Application.state.in_(_OPINION_STATES), ~mine.exists()]
    if kind == PANEL_OPINION:
        return [Appeal.id.in_(_latest_appeal()), PanelMember.user_id == actor.id,
                PanelMember.presiding.is_(True), Application.state.in_(_HEARING_DONE),
                _submitted_opinions() >= _panel_size()]
    if kind in (SORTING, STANDARD):
        months = (settings.sorting_limit_months if kind == SORTING
                  else settings.standard_period_months)
        after, until = _window(today, months)
        return [scope, Application.state.in_(_UNSORTED if kind == SORTING else _EXAMINED),
                Application.lodged_date > after, Application.lodged_date <= until]
    raise ValueError(f"unknown kind of task: {kind}")


def _joined(query: Select, kind: str) -> Select:
    if kind in (APPROVAL, RETURNED):
        return query.join(Decision, Decision.application_id == Application.id)
    if kind == RULING:
        return query.join(Appeal, Appeal.application_id == Application.id)
    if kind in (OPINION, PANEL_OPINION):
        return (query.join(Appeal, Appeal.application_id == Application.id)
                .join(PanelMember, PanelMember.panel_id == Appeal.panel_id))
    return query


def _count(session: Session, kind: str, actor: Actor, settings: Settings, today: date) -> int:
    query = _joined(select(func.count()).select_from(Application), kind)
    return session.execute(query.where(*_conditions(kind, actor, settings, today))).scalar_one()


def _applicant(family: str, given: str) -> str:
    return f"{family.upper()} {given}".strip()


def _items(session: Session, kind: str, actor: Actor, settings: Settings, today: date,
           limit: int) -> list[Task]:
    base = [Application.id, Application.case_number, Person.family_name, Person.given_names]
    where = _conditions(kind, actor, settings, today)
    if kind in (APPROVAL, RETURNED):
        author = aliased(User)
        query = (select(*base, Decision.submitted_at, Decision.updated_at,
                        author.display_name)
                 .join(Decision, Decision.application_id == Application.id)
                 .outerjoin(author, author.id == Decision.drafted_by_id))
        order = (Decision.submitted_at, Application.id) if kind == APPROVAL else (
            Decision.updated_at, Application.id)
    elif kind in (RULING, OPINION, PANEL_OPINION):
        query = _joined(select(*base, Appeal.id, Appeal.allocated_at, Application.state),
                        kind)
        order = (Appeal.filed_date, Appeal.id)
    else:
        query = select(*base, Application.lodged_date)
        order = (Application.lodged_date, Application.id)
    rows = session.execute(query.join(Person, Person.id == Application.person_id)
                           .where(*where).order_by(*order).limit(limit)).all()
    if kind == APPROVAL:
        return [Task(kind, r[0], r[1], _applicant(r[2], r[3]), "decision", {"case": str(r[0])},
                     since=r[4], note=r[6]) for r in rows]
    if kind == RETURNED:
        reasons = _return_reasons(session, [r[0] for r in rows])
        return [Task(kind, r[0], r[1], _applicant(r[2], r[3]), "decision", {"case": str(r[0])},
                     since=reasons.get(r[0], (None, None))[0],
                     note=reasons.get(r[0], (None, None))[1]) for r in rows]
    if kind in (RULING, OPINION, PANEL_OPINION):
        return [Task(kind, r[0], r[1], _applicant(r[2], r[3]), "appeal", {"appeal": str(r[4])},
                     since=r[5], ready=kind != OPINION or r[6] in _HEARING_DONE) for r in rows]
    months = (settings.sorting_limit_months if kind == SORTING
              else settings.standard_period_months)
    return [Task(kind, r[0], r[1], _applicant(r[2], r[3]), "case", {"case": str(r[0])},
                 since=r[4], due=clock.add_months(r[4], months)) for r in rows]


def _return_reasons(session: Session, ids: list[int]) -> dict[int, tuple[datetime, str | None]]:
    """When each case's draft was last returned, and the reason given."""
    if not ids:
        return {}
    rows = session.execute(
        select(StatusEvent.application_id, StatusEvent.occurred_at, StatusEvent.reason)
        .where(StatusEvent.application_id.in_(ids), StatusEvent.action == "return_draft")
        .order_by(StatusEvent.id)).all()
    return {r[0]: (r[1], r[2]) for r in rows}


# --- the services ---------------------------------------------------------------------------------


def task_kinds(actor: Actor) -> tuple[str, ...]:
    return KINDS_BY_ROLE.get(actor.role, ()) if not actor.is_system else ()


def tasks(session: Session, *, actor: Actor, limit: int = 50,
          settings: Settings | None = None) -> list[TaskGroup]:
    """Every kind of work the actor's role does, each with its count and its first ``limit``
    items (the oldest first, or the nearest limit first)."""
    require(actor, Action.CASE_LIST)
    settings = settings or get_settings()
    today = clock.today(settings)
    groups = []
    for kind in task_kinds(actor):
        total = _count(session, kind, actor, settings, today)
        items = _items(session, kind, actor, settings, today, limit) if total else []
        groups.append(TaskGroup(kind, total, tuple(items)))
    return groups


def task_count(session: Session, *, actor: Actor, settings: Settings | None = None) -> int:
    """How many items the actor's To do list holds: COUNT queries only."""
    if actor.is_system or actor.role not in KINDS_BY_ROLE:
        return 0
    require(actor, Action.CASE_LIST)
    settings = settings or get_settings()
    today = clock.today(settings)
    return sum(_count(session, kind, actor, settings, today) for kind in task_kinds(actor))


__all__ = [
    "APPROVAL",
    "OPINION",
    "PANEL_OPINION",
    "RETURNED",
    "RULING",
    "SORTING",
    "STANDARD",
    "WARNING_DAYS",
    "Task",
    "TaskGroup",
    "task_count",
    "task_kinds",
    "tasks",
]
