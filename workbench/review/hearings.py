"""The oral opinion statement (the hearing): scheduled, the questions put and the answers
given, then held (who attended) or skipped with its reason; run by a manager or a counsellor
of the appeal's panel.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from models import Appeal, Application, CaseState, Hearing, HearingEntry, Role
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import PermissionDenied, ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action
from workbench.core.versioning import bump
from workbench.core.workflow import TransitionInput, transition
from workbench.review.appeals import HearingView, _appeal, _panel_member, appeal_view


def _may_run_hearing(session: Session, actor: Actor, row: Appeal, app: Application,
                     what: str) -> None:
    if actor.role == Role.MANAGER:
        return
    if actor.role == Role.COUNSELLOR and _panel_member(session, actor, row) is not None:
        return
    raise audit.refuse(PermissionDenied(t("errors.reviews.panel_manager_records_oral")),
                       actor=actor, action=f"hearing.{what}",
                       entity_type="application", entity_id=app.id)


def _hearing(session: Session, row: Appeal, actor: Actor) -> Hearing:
    found = session.execute(select(Hearing).where(Hearing.appeal_id == row.id)
                            ).scalar_one_or_none()
    if found is None:
        found = Hearing(appeal_id=row.id, updated_by_id=actor.id)
        session.add(found)
        session.flush()
    return found


def schedule_hearing(session: Session, *, actor: Actor, appeal_id: int, when: datetime,
                     place: str, language: str, interpreter: str = "") -> HearingView:
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    _may_run_hearing(session, actor, row, app, "schedule")
    if CaseState(app.state) != CaseState.PANEL_ASSIGNED:
        raise ValidationError(t("errors.reviews.oral_opinion_statement_scheduled"))
    if when.tzinfo is None:
        raise ValidationError(t("errors.reviews.give_time_hearing_time"))
    if clock.local_date(when) < row.filed_date:
        raise ValidationError(t("errors.reviews.hearing_cannot_before_request"))
    if not (place or "").strip() or not (language or "").strip():
        raise ValidationError(t("errors.reviews.give_place_language_hearing"))
    hearing = _hearing(session, row, actor)
    hearing.scheduled_for, hearing.place = when, place.strip()
    hearing.language, hearing.interpreter = language.strip(), (interpreter or "").strip()
    bump(hearing, actor)
    session.add(hearing)
    session.flush()
    audit.record(session, actor=actor, action="hearing.schedule", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id})
    return appeal_view(session, actor=actor, appeal_id=row.id).hearing


def add_hearing_entry(session: Session, *, actor: Actor, appeal_id: int, question: str,
                      answer: str) -> None:
    """One question put at the hearing (by the actor) and the answer given."""
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    _may_run_hearing(session, actor, row, app, "entry")
    if CaseState(app.state) != CaseState.PANEL_ASSIGNED:
        raise ValidationError(t("errors.reviews.questions_recorded_while_hearing"))
    if not (question or "").strip():
        raise ValidationError(t("errors.reviews.record_question_put"))
    hearing = _hearing(session, row, actor)
    if hearing.scheduled_for is None:
        raise ValidationError(t("errors.reviews.schedule_hearing_first"))
    count = session.execute(select(func.count()).select_from(HearingEntry).where(
        HearingEntry.hearing_id == hearing.id)).scalar_one()
    session.add(HearingEntry(hearing_id=hearing.id, position=count + 1, asked_by_id=actor.id,
                             question=question.strip(), answer=(answer or "").strip()))
    bump(hearing, actor)
    session.add(hearing)
    session.flush()
    audit.record(session, actor=actor, action="hearing.entry", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id, "position": count + 1})


def hold_hearing(session: Session, *, actor: Actor, appeal_id: int, held_on: date,
                 attendance: str, requester_attended: bool,
                 expected_case_version: int | None = None) -> None:
    """Record that the oral opinion statement was held (who attended)."""
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    _may_run_hearing(session, actor, row, app, "hold")
    hearing = _hearing(session, row, actor)
    if hearing.scheduled_for is None:
        raise ValidationError(t("errors.reviews.schedule_hearing_before_recording"))
    if held_on > clock.today():
        raise ValidationError(t("errors.reviews.hearing_date_cannot_future"))
    if held_on < row.filed_date:
        raise ValidationError(t("errors.reviews.hearing_cannot_before_request"))
    if not (attendance or "").strip():
        raise ValidationError(t("errors.reviews.record_who_attended"))
    transition(session, actor=actor, application_id=app.id, action="hold_hearing",
               expected_version=expected_case_version)
    hearing.held_on, hearing.attendance = held_on, attendance.strip()
    hearing.requester_attended = bool(requester_attended)
    bump(hearing, actor)
    session.add(hearing)
    session.flush()


def skip_hearing(session: Session, *, actor: Actor, appeal_id: int, reason: str,
                 expected_case_version: int | None = None) -> None:
    """Record the decision not to hold the oral opinion statement, with its reason."""
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    _may_run_hearing(session, actor, row, app, "skip")
    transition(session, actor=actor, application_id=app.id, action="skip_hearing",
               data=TransitionInput(reason=reason), expected_version=expected_case_version)
    hearing = _hearing(session, row, actor)
    hearing.skipped, hearing.skip_reason = True, reason.strip()
    bump(hearing, actor)
    session.add(hearing)
    session.flush()


__all__ = [
    "add_hearing_entry",
    "hold_hearing",
    "schedule_hearing",
    "skip_hearing",
]
