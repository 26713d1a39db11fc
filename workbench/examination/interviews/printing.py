"""The record in words and on paper: an answer worded in a language, the answered questions in
bank order, and the interview record as a PDF (printing audited)."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlmodel import Session

from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import (
    Action,
    require,
)
from workbench.core.settings import Settings, get_settings
from workbench.examination import question_bank as qb
from workbench.examination.interviews.record import interview
from workbench.examination.interviews.views import InterviewView


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
