"""The interview record itself: finding it, who may write it and when, the record as its
reader may see it (with the question bank it was taken with and the profiles raised), and
opening, closing after the read-back and reopening it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models import (
    Application,
    CaseState,
    Incident,
    Inconsistency,
    InterviewAnswer,
    InterviewRecord,
    InterviewSession,
    Person,
)
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import ValidationError
from workbench.core.i18n import current_language, t
from workbench.core.permissions import (
    Action,
    is_assigned_inquirer,
    require_assigned_inquirer,
)
from workbench.core.versioning import bump, stale_edit
from workbench.examination import question_bank as qb
from workbench.examination.interviews.views import (
    AnswerView,
    IncidentView,
    InconsistencyView,
    InterviewView,
    SessionView,
)
from workbench.intake.cases import load_case, user_names

EDITABLE_STATES = (CaseState.UNDER_EXAMINATION,)


# --- loading and access ------------------------------------------------------------------------



def record_of(session: Session, application_id: int) -> InterviewRecord | None:
    return session.execute(select(InterviewRecord).where(
        InterviewRecord.application_id == application_id)).scalar_one_or_none()


def _writable(session: Session, actor: Actor, application_id: int, what: str
              ) -> tuple[Application, InterviewRecord]:
    """The case and its open record, if the actor may write the interview now."""
    app = load_case(session, actor, Action.CASE_EDIT, application_id)
    require_assigned_inquirer(actor, app, attempted=f"interview.{what}",
                              does="interview_record")
    if CaseState(app.state) not in EDITABLE_STATES:
        raise audit.refuse(ValidationError(
            t("errors.interviews.case_interview_record_written", case_number=app.case_number,
              state=t(f"state.{app.state}"))),
            actor=actor, action=f"interview.{what}", entity_type="application",
            entity_id=app.id, outcome="refused")
    record = record_of(session, app.id)
    if record is None:
        raise ValidationError(t("errors.interviews.start_interview_record_first"))
    if record.closed_at is not None:
        raise audit.refuse(ValidationError(
            t("errors.interviews.interview_record_closed_read")), actor=actor,
            action=f"interview.{what}",
            entity_type="application", entity_id=app.id, outcome="refused")
    return app, record



def _check_version(session: Session, entity: str, row: Any, expected: int | None,
                   attempted: dict, actor: Actor, action: str, case_id: int) -> None:
    if expected is not None and row.version != expected:
        raise audit.refuse(stale_edit(session, entity, row, expected, attempted), actor=actor,
                           action=action, entity_type="application", entity_id=case_id,
                           outcome="refused")


def record_language_of(record: InterviewRecord | None) -> str:
    """The language of a record: the one it was opened in (``en`` for a record from before
    records had a language); before it starts, the reader's language, which it would get."""
    if record is not None:
        return qb.language_code(record.record_language)
    return qb.language_code(current_language())


def bank_for(record: InterviewRecord | None) -> qb.QuestionBank:
    """The question bank a record was taken with (the current one before it starts)."""
    return qb.load_bank(record.bank_version if record else None)


def _profiles(bank: qb.QuestionBank, values: Mapping[str, Any], narrative: str,
              cue_types: Sequence[str]) -> frozenset[str]:
    confirmed = values.get("opening.profiles_raised")
    if confirmed:
        return frozenset(confirmed)
    return frozenset(qb.profiles_raised(bank, narrative, cue_types))


def interview(session: Session, *, actor: Actor, application_id: int,
              cue_types: Sequence[str] = ()) -> InterviewView:
    """The interview record of a case as its reader may see it."""
    app = load_case(session, actor, Action.CASE_OPEN, application_id)
    person = session.get(Person, app.person_id)
    record = record_of(session, app.id)
    bank = bank_for(record)
    sessions: list[InterviewSession] = []
    answers: list[InterviewAnswer] = []
    incidents: list[Incident] = []
    inconsistencies: list[Inconsistency] = []
    if record is not None:
        sessions = list(session.execute(select(InterviewSession).where(
            InterviewSession.record_id == record.id).order_by(InterviewSession.number)).scalars())
        answers = list(session.execute(select(InterviewAnswer).where(
            InterviewAnswer.record_id == record.id)).scalars())
        incidents = list(session.execute(select(Incident).where(
            Incident.record_id == record.id, Incident.deleted.is_(False))
            .order_by(Incident.position, Incident.id)).scalars())
        inconsistencies = list(session.execute(select(Inconsistency).where(
            Inconsistency.record_id == record.id).order_by(Inconsistency.id)).scalars())
    names = user_names(session, [a.updated_by_id for a in answers] + [app.assigned_inquirer_id])
    values = {a.question_id: a.value.get("v") for a in answers}
    if incidents:
        values["past_harm.incidents"] = [i.id for i in incidents]
    profiles = _profiles(bank, values, app.claim_narrative or "", cue_types)
    missing = tuple(q.id for q in bank.missing_required(values, profiles))
    editable = (record is not None and record.closed_at is None
                and is_assigned_inquirer(actor, app)
                and CaseState(app.state) in EDITABLE_STATES)
    return InterviewView(
        application_id=app.id, case_number=app.case_number,
        applicant=f"{person.family_name.upper()} {person.given_names}".strip() if person else "",
        nationality=person.nationality if person else "", lodged_date=app.lodged_date,
        state=str(app.state), record_id=record.id if record else None,
        bank_version=bank.version, editable=editable,
        closed_at=record.closed_at if record else None,
        read_back_confirmed=record.read_back_confirmed if record else None,
        read_back_language=record.read_back_language if record else None,
        read_back_note=record.read_back_note if record else None,
        record_version=record.version if record else 0,
        sessions=tuple(SessionView(s.id, s.number, s.session_date, s.start_time, s.end_time,
                                   s.place, s.language, s.interpreter, s.present, s.breaks,
                                   s.version) for s in sessions),
        answers={a.question_id: AnswerView(a.question_id, a.value.get("v"), a.version,
                                           a.updated_at, names.get(a.updated_by_id))
                 for a in answers},
        incidents=tuple(IncidentView(i.id, i.position, i.occurred_on, i.occurred_text, i.place,
                                     i.agent, i.what_happened, i.injuries, i.witnesses,
                                     i.reported, i.evidence, i.version) for i in incidents),
        inconsistencies=tuple(InconsistencyView(c.id, c.session_number, c.matter,
                                                c.explanation, c.version)
                              for c in inconsistencies),
        profiles=profiles, missing_required=missing,
        inquirer=names.get(app.assigned_inquirer_id), values=values,
        record_language=record_language_of(record),
    )


# --- writing -------------------------------------------------------------------------------------


def start_interview(session: Session, *, actor: Actor, application_id: int,
                    language: str | None = None) -> int:
    """Open the interview record of a case with the current question bank (idempotent), in
    ``language`` (``en`` or ``ja``; by default the language the inquirer reads the workbench
    in). The record keeps that language: its questions are shown and printed in it."""
    app = load_case(session, actor, Action.CASE_EDIT, application_id)
    existing = record_of(session, app.id)
    if existing is not None:
        return existing.id
    require_assigned_inquirer(actor, app, attempted="interview.start",
                              does="interview_record")
    if CaseState(app.state) not in EDITABLE_STATES:
        raise ValidationError(t("errors.interviews.interview_start_case_sorted"))
    wanted = (language or current_language()).replace("_", "-").split("-")[0].strip().lower()
    if wanted not in qb.LANGUAGES:
        raise ValidationError(t("interview.record_language_unknown", given=language,
                                languages=", ".join(qb.LANGUAGES)))
    chosen = wanted
    record = InterviewRecord(application_id=app.id, bank_version=qb.current_version(),
                             record_language=chosen, updated_by_id=actor.id)
    session.add(record)
    session.flush()
    audit.record(session, actor=actor, action="interview.start", entity_type="application",
                 entity_id=app.id, details={"bank_version": record.bank_version,
                                            "language": record.record_language})
    return record.id


def close_interview(session: Session, *, actor: Actor, application_id: int,
                    read_back_confirmed: bool, read_back_language: str = "",
                    note: str = "", expected_version: int | None = None,
                    cue_types: Sequence[str] = ()) -> InterviewView:
    """Close the record after the read-back: every required question answered, at least one
    session, and a note when the applicant did not confirm the record."""
    app, record = _writable(session, actor, application_id, "close")
    _check_version(session, "interview record", record, expected_version, {"close": True},
                   actor, "interview.close", app.id)
    view = interview(session, actor=actor, application_id=application_id, cue_types=cue_types)
    if not view.sessions:
        raise ValidationError(t("errors.interviews.record_least_one_interview"))
    if view.missing_required:
        bank = bank_for(record)
        prompts = [bank.question(q).prompt_in(record.record_language)
                   for q in view.missing_required[:5]]
        more = len(view.missing_required) - len(prompts)
        listed = t("errors.interviews.question_separator").join(
            t("errors.interviews.quoted", text=p) for p in prompts)
        if more > 0:
            listed = t("errors.interviews.and_more", listed=listed, more=more)
        raise ValidationError(t("errors.interviews.required_unanswered", questions=listed))
    if not read_back_language.strip():
        raise ValidationError(t("errors.interviews.enter_language_record_read"))
    if not read_back_confirmed and not note.strip():
        raise ValidationError(t("errors.interviews.applicant_did_not_confirm"))
    record.read_back_confirmed = read_back_confirmed
    record.read_back_language = read_back_language.strip()
    record.read_back_note = note.strip() or None
    record.closed_at = clock.now_utc()
    record.closed_by_id = actor.id
    bump(record, actor)
    session.add(record)
    session.flush()
    audit.record(session, actor=actor, action="interview.close", entity_type="application",
                 entity_id=app.id, details={"confirmed": read_back_confirmed})
    return interview(session, actor=actor, application_id=application_id, cue_types=cue_types)


def reopen_interview(session: Session, *, actor: Actor, application_id: int,
                     reason: str) -> None:
    """Reopen a closed record (a further session, a correction), with the reason audited."""
    app = load_case(session, actor, Action.CASE_EDIT, application_id)
    record = record_of(session, app.id)
    if record is None or record.closed_at is None:
        raise ValidationError(t("errors.interviews.interview_record_not_closed"))
    require_assigned_inquirer(actor, app, attempted="interview.reopen",
                              does="interview_record")
    if CaseState(app.state) not in EDITABLE_STATES:
        raise ValidationError(t("errors.interviews.interview_record_reopened_while"))
    if not (reason or "").strip():
        raise ValidationError(t("errors.interviews.say_why_interview_record"))
    record.closed_at = None
    record.closed_by_id = None
    bump(record, actor)
    session.add(record)
    session.flush()
    audit.record(session, actor=actor, action="interview.reopen", entity_type="application",
                 entity_id=app.id, details={"reason": reason.strip()})
