"""What the inquirer writes into an open record as the interview goes: answers (validated
against the record's question bank), sessions, incidents of past harm and inconsistencies put
to the applicant, each one transaction with its audit entry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models import (
    Incident,
    Inconsistency,
    InterviewAnswer,
    InterviewSession,
)
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import NotFound, ValidationError
from workbench.core.i18n import t
from workbench.core.versioning import bump, stale_edit
from workbench.examination.interviews.record import _check_version, _writable, bank_for
from workbench.examination.interviews.views import (
    AnswerView,
    IncidentView,
    InconsistencyView,
    SessionView,
)

_TIME_FORMAT = "%H:%M"


def save_answer(session: Session, *, actor: Actor, application_id: int, question_id: str,
                value: Any, expected_version: int | None = None) -> AnswerView:
    """Save one answer (validated against the record's question bank). ``expected_version``
    is the answer's version when the inquirer loaded it (0 or None for a new answer)."""
    app, record = _writable(session, actor, application_id, "answer")
    bank = bank_for(record)
    try:
        question = bank.question(question_id)
    except KeyError:
        raise ValidationError(t("errors.interviews.no_question_question_bank",
                                question_id=question_id, version=bank.version)) from None
    if question.type == "incidents":
        raise ValidationError(t("errors.interviews.incidents_recorded_one_row"))
    try:
        normalised = bank.validate_answer(question_id, value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if isinstance(normalised, date) and not isinstance(normalised, datetime):
        if normalised > clock.today():
            raise ValidationError(t("errors.interviews.date_future_not_possible",
                                    prompt=question.prompt))
        stored: Any = normalised.isoformat()
    else:
        stored = normalised
    row = session.execute(select(InterviewAnswer).where(
        InterviewAnswer.record_id == record.id,
        InterviewAnswer.question_id == question_id)).scalar_one_or_none()
    now = clock.now_utc()
    if row is None:
        if expected_version:
            raise ValidationError(t("errors.interviews.answer_removed_since_loaded"))
        row = InterviewAnswer(record_id=record.id, question_id=question_id,
                              value={"v": stored}, updated_at=now, updated_by_id=actor.id)
    else:
        if expected_version is not None and row.version != expected_version:
            raise audit.refuse(stale_edit(session, "answer", row, expected_version,
                                          {"question": question_id}),
                               actor=actor, action="interview.answer",
                               entity_type="application", entity_id=app.id, outcome="refused")
        if row.value.get("v") == stored:
            return AnswerView(question_id, stored, row.version, row.updated_at,
                              actor.display_name)
        row.value = {"v": stored}
        bump(row, actor, now)
    session.add(row)
    bump(record, actor)
    session.flush()
    audit.record(session, actor=actor, action="interview.answer", entity_type="application",
                 entity_id=app.id, details={"question": question_id,
                                            "answered": stored not in (None, "", [])})
    return AnswerView(question_id, stored, row.version, row.updated_at, actor.display_name)


def _parse_time(text: str | None, what: str) -> str | None:
    if text is None or not str(text).strip():
        return None
    try:
        return datetime.strptime(str(text).strip(), _TIME_FORMAT).strftime(_TIME_FORMAT)
    except ValueError:
        raise ValidationError(t("errors.interviews.time_must_written_hh",
                                what=t(f"errors.interviews.time_{what}"))) from None


def save_session(session: Session, *, actor: Actor, application_id: int,
                 session_date: date, start_time: str, language: str,
                 end_time: str | None = None, place: str = "", interpreter: str = "",
                 present: str = "", breaks: str = "", session_id: int | None = None,
                 expected_version: int | None = None) -> SessionView:
    """Add an interview session (``session_id`` None) or correct one."""
    app, record = _writable(session, actor, application_id, "session")
    if session_date > clock.today():
        raise ValidationError(t("errors.interviews.interview_session_cannot_dated"))
    if session_date < app.lodged_date:
        raise ValidationError(t("errors.interviews.interview_cannot_take_place",
                                lodged_date=app.lodged_date.isoformat()))
    start = _parse_time(start_time, "start")
    if start is None:
        raise ValidationError(t("errors.interviews.enter_time_session_started"))
    end = _parse_time(end_time, "end")
    if end is not None and end <= start:
        raise ValidationError(t("errors.interviews.session_must_end_after"))
    if not (language or "").strip():
        raise ValidationError(t("errors.interviews.enter_language_interview"))
    fields = {"session_date": session_date, "start_time": start, "end_time": end,
              "place": place.strip(), "language": language.strip(),
              "interpreter": interpreter.strip(), "present": present.strip(),
              "breaks": breaks.strip()}
    if session_id is None:
        number = len(list(session.execute(select(InterviewSession.id).where(
            InterviewSession.record_id == record.id)).scalars())) + 1
        row = InterviewSession(record_id=record.id, number=number, updated_by_id=actor.id,
                               **fields)
    else:
        row = session.get(InterviewSession, session_id)
        if row is None or row.record_id != record.id:
            raise NotFound(t("errors.interviews.no_such_interview_session"))
        _check_version(session, "interview session", row, expected_version,
                       {"session": row.number}, actor, "interview.session", app.id)
        for key, value in fields.items():
            setattr(row, key, value)
        bump(row, actor)
    session.add(row)
    bump(record, actor)
    session.flush()
    audit.record(session, actor=actor, action="interview.session", entity_type="application",
                 entity_id=app.id, details={"session": row.number,
                                            "new": session_id is None})
    return SessionView(row.id, row.number, row.session_date, row.start_time, row.end_time,
                       row.place, row.language, row.interpreter, row.present, row.breaks,
                       row.version)


INCIDENT_FIELDS = ("occurred_text", "place", "agent", "what_happened", "injuries", "witnesses",
                   "reported", "evidence")


def save_incident(session: Session, *, actor: Actor, application_id: int,
                  what_happened: str, occurred_on: date | None = None,
                  incident_id: int | None = None, expected_version: int | None = None,
                  **details: str) -> IncidentView:
    """Add an incident of past harm (one row each) or correct one."""
    app, record = _writable(session, actor, application_id, "incident")
    unknown = set(details) - set(INCIDENT_FIELDS)
    if unknown:
        raise ValidationError(t("errors.interviews.unknown_incident_field_s",
                                unknown=', '.join(sorted(unknown))))
    if not (what_happened or "").strip():
        raise ValidationError(t("errors.interviews.describe_what_happened_incident"))
    if occurred_on is not None and occurred_on > clock.today():
        raise ValidationError(t("errors.interviews.incident_past_harm_cannot"))
    values = {k: (details.get(k) or "").strip() for k in INCIDENT_FIELDS}
    values["what_happened"] = what_happened.strip()
    if occurred_on is None and not values["occurred_text"]:
        raise ValidationError(t("errors.interviews.give_date_incident_when"))
    if incident_id is None:
        position = len(list(session.execute(select(Incident.id).where(
            Incident.record_id == record.id)).scalars())) + 1
        row = Incident(record_id=record.id, position=position, occurred_on=occurred_on,
                       updated_by_id=actor.id, **values)
    else:
        row = session.get(Incident, incident_id)
        if row is None or row.record_id != record.id or row.deleted:
            raise NotFound(t("errors.interviews.no_such_incident_record"))
        _check_version(session, "incident", row, expected_version, {"incident": row.position},
                       actor, "interview.incident", app.id)
        row.occurred_on = occurred_on
        for key, value in values.items():
            setattr(row, key, value)
        bump(row, actor)
    session.add(row)
    bump(record, actor)
    session.flush()
    audit.record(session, actor=actor, action="interview.incident", entity_type="application",
                 entity_id=app.id, details={"incident": row.position,
                                            "new": incident_id is None})
    return IncidentView(row.id, row.position, row.occurred_on, row.occurred_text, row.place,
                        row.agent, row.what_happened, row.injuries, row.witnesses,
                        row.reported, row.evidence, row.version)


def remove_incident(session: Session, *, actor: Actor, application_id: int, incident_id: int,
                    reason: str) -> None:
    """Strike an incident entered in error (kept, marked removed, with the reason audited)."""
    app, record = _writable(session, actor, application_id, "incident")
    if not (reason or "").strip():
        raise ValidationError(t("errors.interviews.say_why_incident_removed"))
    row = session.get(Incident, incident_id)
    if row is None or row.record_id != record.id or row.deleted:
        raise NotFound(t("errors.interviews.no_such_incident_record"))
    row.deleted = True
    bump(row, actor)
    session.add(row)
    bump(record, actor)
    session.flush()
    audit.record(session, actor=actor, action="interview.incident.remove",
                 entity_type="application", entity_id=app.id,
                 details={"incident": row.position, "reason": reason.strip()})


def save_inconsistency(session: Session, *, actor: Actor, application_id: int, matter: str,
                       explanation: str = "", session_number: int | None = None,
                       inconsistency_id: int | None = None,
                       expected_version: int | None = None) -> InconsistencyView:
    """Record an inconsistency put to the applicant and the explanation given."""
    app, record = _writable(session, actor, application_id, "inconsistency")
    if not (matter or "").strip():
        raise ValidationError(t("errors.interviews.describe_inconsistency_put_applicant"))
    if inconsistency_id is None:
        row = Inconsistency(record_id=record.id, matter=matter.strip(),
                            explanation=(explanation or "").strip(),
                            session_number=session_number, updated_by_id=actor.id)
    else:
        row = session.get(Inconsistency, inconsistency_id)
        if row is None or row.record_id != record.id:
            raise NotFound(t("errors.interviews.no_such_inconsistency_record"))
        _check_version(session, "inconsistency", row, expected_version, {"matter": matter},
                       actor, "interview.inconsistency", app.id)
        row.matter, row.explanation = matter.strip(), (explanation or "").strip()
        row.session_number = session_number
        bump(row, actor)
    session.add(row)
    bump(record, actor)
    session.flush()
    audit.record(session, actor=actor, action="interview.inconsistency",
                 entity_type="application", entity_id=app.id,
                 details={"new": inconsistency_id is None,
                          "explained": bool(row.explanation)})
    return InconsistencyView(row.id, row.session_number, row.matter, row.explanation,
                             row.version)
