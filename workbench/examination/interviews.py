"""The interview record: preparation, sessions, answers saved as the inquirer goes, incidents
of past harm, inconsistencies put to the applicant, read-back and closing, and the record as
a PDF.

Only the inquirer the case is assigned to writes the record (managers read it and edit no
findings), and only while the case is under examination and the record is open. Every write
is one transaction with its audit entry; answers are validated against the question bank the
record was started with, so a refused answer changes nothing and an old record keeps showing
the questions it was taken with. Audit entries name the question, never the answer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
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
from workbench.core.errors import NotFound, ValidationError
from workbench.core.i18n import current_language, t
from workbench.core.permissions import (
    Action,
    is_assigned_inquirer,
    require,
    require_assigned_inquirer,
)
from workbench.core.settings import Settings, get_settings
from workbench.core.versioning import bump, stale_edit
from workbench.examination import question_bank as qb
from workbench.intake.cases import load_case, user_names

EDITABLE_STATES = (CaseState.UNDER_EXAMINATION,)
_TIME_FORMAT = "%H:%M"


# --- read models ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionView:
    id: int
    number: int
    session_date: date
    start_time: str
    end_time: str | None
    place: str
    language: str
    interpreter: str
    present: str
    breaks: str
    version: int


@dataclass(frozen=True)
class IncidentView:
    id: int
    position: int
    occurred_on: date | None
    occurred_text: str
    place: str
    agent: str
    what_happened: str
    injuries: str
    witnesses: str
    reported: str
    evidence: str
    version: int

    @property
    def when(self) -> str:
        return self.occurred_on.isoformat() if self.occurred_on else self.occurred_text


@dataclass(frozen=True)
class InconsistencyView:
    id: int
    session_number: int | None
    matter: str
    explanation: str
    version: int


@dataclass(frozen=True)
class AnswerView:
    question_id: str
    value: Any
    version: int
    updated_at: datetime
    updated_by: str | None


@dataclass(frozen=True)
class InterviewView:
    application_id: int
    case_number: str
    applicant: str
    nationality: str
    lodged_date: date
    state: str
    record_id: int | None  # None: not started yet
    bank_version: str
    editable: bool  # the actor may write and the record is open
    closed_at: datetime | None
    read_back_confirmed: bool | None
    read_back_language: str | None
    read_back_note: str | None
    record_version: int
    sessions: tuple[SessionView, ...]
    answers: Mapping[str, AnswerView]
    incidents: tuple[IncidentView, ...]
    inconsistencies: tuple[InconsistencyView, ...]
    profiles: frozenset[str]  # confirmed in the opening, else suggested from the claim
    missing_required: tuple[str, ...]  # question ids
    inquirer: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    # The language the record is taken in (``en``/``ja``): the bank's texts are shown and
    # printed in it, whoever reads it. Before the record starts, the language it would get.
    record_language: str = qb.DEFAULT_LANGUAGE

    @property
    def started(self) -> bool:
        return self.record_id is not None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


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


# --- documents -----------------------------------------------------------------------------------


def format_answer(question: qb.Question, value: Any, language: str = "en") -> str:
    """An answer as text in ``language``: the stored value is the same in every language
    (choices are stored as their English value), only its wording changes."""
    if value is None or value == "" or value == []:
        return "—"
    if qb.language_code(language) == "ja":
        if question.type == "yes_no":
            return t("interview.yes", language="ja") if value else t("interview.no",
                                                                    language="ja")
        if question.choices:
            values = value if isinstance(value, list) else [value]
            return "、".join(question.choice_label(v, "ja") for v in values)
        return str(value)
    if question.type == "yes_no":
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value)
    if question.type in ("choice",):
        return str(value).replace("_", " ")
    return str(value)


def answer_lines(view: InterviewView, language: str | None = None
                 ) -> list[tuple[str, str, str]]:
    """(section, question, answer as text) for every answered question the record shows,
    in the order of the question bank it was taken with, worded in the record's language
    (or ``language``)."""
    if not view.started:
        return []
    lang = qb.language_code(language or view.record_language)
    bank = qb.load_bank(view.bank_version)
    return [(section.title_in(lang), q.prompt_in(lang),
             format_answer(q, view.answers[q.id].value, lang))
            for section, questions in bank.visible_sections(view.values, view.profiles)
            for q in questions if q.type != "incidents" and q.id in view.answers]


def interview_pdf(session: Session, *, actor: Actor, application_id: int,
                  settings: Settings | None = None, language: str | None = None) -> bytes:
    """The interview record as a PDF (pages numbered, signature lines), in the language it
    was taken in unless ``language`` asks for the other. Printing is audited."""
    from workbench.examination.documents import interview_record as pdf

    settings = settings or get_settings()
    require(actor, Action.CASE_EXPORT, entity_type="application", entity_id=application_id)
    view = interview(session, actor=actor, application_id=application_id)
    if not view.started:
        raise ValidationError(t("errors.interviews.interview_record_not_been"))
    lang = qb.language_code(language) if language else view.record_language
    answers = [pdf.AnswerLine(*line) for line in answer_lines(view, lang)]
    interpreters = sorted({s.interpreter for s in view.sessions if s.interpreter})
    # The record prints in the language it was taken in: ``language`` says which, and the
    # bank's texts (section titles, prompts, answers) come in it. A document that takes the
    # read-back language apart gets it so; otherwise it leads the read-back note.
    fields = {f.name for f in dataclasses.fields(pdf.InterviewRecordDoc)}
    extra: dict[str, Any] = {}
    if "language" in fields:
        extra["language"] = lang
    if "read_back_language" in fields:
        extra["read_back_language"] = view.read_back_language or ""
        read_back_note = view.read_back_note or ""
    else:
        read_back_note = (t("interview.doc_read_back_in", language=lang,
                            read_back_in=view.read_back_language)
                          if view.read_back_language else "") + (view.read_back_note or "")
    doc = pdf.InterviewRecordDoc(
        case_number=view.case_number, applicant=view.applicant, nationality=view.nationality,
        bank_version=view.bank_version,
        sessions=tuple(pdf.SessionLine(s.number, s.session_date, s.start_time,
                                       s.end_time or "", s.place, s.language, s.interpreter,
                                       s.present, s.breaks) for s in view.sessions),
        answers=tuple(answers),
        incidents=tuple(pdf.IncidentLine(i.when, i.place, i.agent, i.what_happened,
                                         i.injuries, i.witnesses, i.reported, i.evidence)
                        for i in view.incidents),
        inconsistencies=tuple(pdf.InconsistencyLine(
            c.matter, c.explanation,
            t("interview.doc_session", language=lang, number=c.session_number)
            if c.session_number else "") for c in view.inconsistencies),
        read_back_confirmed=bool(view.read_back_confirmed),
        read_back_note=read_back_note,
        inquirer=view.inquirer or "", interpreter=", ".join(interpreters),
        produced_at=clock.local_datetime(clock.now_utc(), settings).replace(
            second=0, microsecond=0),
        **extra,
    )
    data = pdf.interview_record_pdf(doc)
    audit.record(session, actor=actor, action="case.print", entity_type="application",
                 entity_id=application_id, details={"document": "interview_record",
                                                    "language": lang})
    return data


__all__ = [
    "AnswerView",
    "IncidentView",
    "InconsistencyView",
    "InterviewView",
    "SessionView",
    "answer_lines",
    "close_interview",
    "format_answer",
    "interview",
    "interview_pdf",
    "remove_incident",
    "reopen_interview",
    "save_answer",
    "save_incident",
    "save_inconsistency",
    "save_session",
    "start_interview",
]
