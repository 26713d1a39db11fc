"""The record of interview (供述調書): sessions, questions and answers by section, incidents of
past harm, inconsistencies put to the applicant, the read-back statement and signature lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from workbench.core.documents.layout import DocumentPdf, new_document
from workbench.core.documents.text import as_text, document_language, or_dash, when
from workbench.core.i18n import t


@dataclass(frozen=True)
class AnswerLine:
    section: str
    prompt: str
    answer: str  # already formatted as text ("Yes", "2024-03-01", "a, b")


@dataclass(frozen=True)
class IncidentLine:
    when: str
    place: str
    actor: str
    what_happened: str
    injuries: str
    witnesses: str
    reported: str
    evidence: str


@dataclass(frozen=True)
class InconsistencyLine:
    put_to_applicant: str
    explanation: str
    raised_on: str | int  # the session number, or text as given


@dataclass(frozen=True)
class SessionLine:
    number: int
    date: date | str
    start: str
    end: str
    place: str
    language: str
    interpreter: str
    present: str
    breaks: str


@dataclass(frozen=True)
class InterviewRecordDoc:
    case_number: str
    applicant: str
    nationality: str
    bank_version: str
    sessions: tuple[SessionLine, ...]
    answers: tuple[AnswerLine, ...]
    incidents: tuple[IncidentLine, ...]
    inconsistencies: tuple[InconsistencyLine, ...]
    read_back_confirmed: bool
    read_back_note: str
    inquirer: str
    interpreter: str
    produced_at: datetime | str
    #: The language the record was taken in, which it prints in (``en`` or ``ja``).
    language: str = "en"
    #: The language the record was read back in, as the inquirer entered it.
    read_back_language: str = ""




def _read_back_statement(pdf: DocumentPdf, doc: InterviewRecordDoc) -> str:
    note = as_text(doc.read_back_note).strip()
    read_back_in = as_text(doc.read_back_language).strip()
    notes = [pdf.t("pdf.record.read_back_in", spoken=read_back_in)] if read_back_in else []
    notes += [note] if note else []
    if not doc.read_back_confirmed:
        reason = (pdf.t("pdf.record.note", note=" ".join(notes)) if notes
                  else pdf.t("pdf.record.no_reason"))
        return f"{pdf.t('pdf.record.not_read_back')} {reason}"
    languages: list[str] = []
    for session in doc.sessions:
        language = as_text(session.language).strip()
        if language and language not in languages:
            languages.append(language)
    spoken = languages[0] if languages else pdf.t("pdf.record.any_language")
    for other in languages[1:]:
        spoken = pdf.t("pdf.record.languages_joined", first=spoken, second=other)
    interpreter = as_text(doc.interpreter).strip()
    statement = (pdf.t("pdf.record.read_back_interpreter", spoken=spoken,
                       interpreter=interpreter) if interpreter
                 else pdf.t("pdf.record.read_back", spoken=spoken))
    return statement + (f" {pdf.t('pdf.record.note', note=' '.join(notes))}" if notes else "")


def _raised_on(pdf: DocumentPdf, value: str | int) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return pdf.t("pdf.record.session_number", number=value)
    return or_dash(value)


def interview_record_pdf(doc: InterviewRecordDoc, language: str | None = None) -> bytes:
    """The record of interview (供述調書), in ``language`` or else the language it was taken in:
    sessions, questions and answers by section, incidents of past harm, inconsistencies put to
    the applicant, the read-back statement and signature lines."""
    language = document_language(language or doc.language)
    title = t("pdf.record.title", language)
    pdf = new_document(title, doc.case_number, language,
                   footer_note=t("pdf.produced", language, when=when(doc.produced_at, language)))
    pdf.title_block(title, pdf.t("pdf.record.subtitle"))
    pdf.fields(
        [
            (pdf.t("pdf.case_number"), doc.case_number),
            (pdf.t("pdf.applicant"), doc.applicant),
            (pdf.t("pdf.nationality"), doc.nationality),
            (pdf.t("pdf.inquirer"), doc.inquirer),
            (pdf.t("pdf.interpreter"), or_dash(doc.interpreter)),
            (pdf.t("pdf.record.bank"), doc.bank_version),
            (pdf.t("pdf.record.produced"), when(doc.produced_at, language)),
        ]
    )

    pdf.heading(pdf.t("pdf.record.sessions"))
    if doc.sessions:
        pdf.grid(
            [
                (s.number, when(s.date, language), s.start, s.end, s.place, s.language,
                 s.interpreter, s.present, s.breaks)
                for s in doc.sessions
            ],
            (8, 21, 11, 11, 25, 20, 24, 26, 24) if language == "en"
            else (7, 30, 10, 10, 23, 17, 21, 24, 18),
            headings=tuple(pdf.t(f"pdf.record.col_{name}") for name in (
                "number", "date", "start", "end", "place", "language", "interpreter", "present",
                "breaks")),
            size=8.5,
        )
    else:
        pdf.paragraph(pdf.t("pdf.record.no_sessions"), grey=True)

    pdf.heading(pdf.t("pdf.record.answers"))
    if not doc.answers:
        pdf.paragraph(pdf.t("pdf.record.no_answers"), grey=True)
    section: str | None = None
    for answer in doc.answers:
        if answer.section != section:
            section = answer.section
            pdf.heading(or_dash(section), level=2)
        pdf.keep(16)
        pdf.paragraph(pdf.t("pdf.record.question", text=answer.prompt), bold=True, after=0.5)
        text = as_text(answer.answer)
        pdf.paragraph(pdf.t("pdf.record.answer", text=text) if text.strip()
                      else pdf.t("pdf.record.no_answer"),
                      indent=5, grey=not text.strip(), after=3)

    pdf.heading(pdf.t("pdf.record.incidents"))
    if not doc.incidents:
        pdf.paragraph(pdf.t("pdf.record.no_incidents"), grey=True)
    for number, incident in enumerate(doc.incidents, start=1):
        pdf.heading(pdf.t("pdf.record.incident", number=number), level=2)
        pdf.fields(
            [
                (pdf.t("pdf.record.when"), or_dash(incident.when)),
                (pdf.t("pdf.record.place"), or_dash(incident.place)),
                (pdf.t("pdf.record.actor"), or_dash(incident.actor)),
                (pdf.t("pdf.record.what_happened"), or_dash(incident.what_happened)),
                (pdf.t("pdf.record.injuries"), or_dash(incident.injuries)),
                (pdf.t("pdf.record.witnesses"), or_dash(incident.witnesses)),
                (pdf.t("pdf.record.reported"), or_dash(incident.reported)),
                (pdf.t("pdf.record.evidence"), or_dash(incident.evidence)),
            ],
            label_share=26,
        )

    pdf.heading(pdf.t("pdf.record.inconsistencies"))
    if not doc.inconsistencies:
        pdf.paragraph(pdf.t("pdf.record.no_inconsistencies"), grey=True)
    for number, item in enumerate(doc.inconsistencies, start=1):
        pdf.heading(pdf.t("pdf.record.inconsistency", number=number), level=2)
        pdf.fields(
            [
                (pdf.t("pdf.record.raised_on"), _raised_on(pdf, item.raised_on)),
                (pdf.t("pdf.record.put_to_applicant"), or_dash(item.put_to_applicant)),
                (pdf.t("pdf.record.explanation"), or_dash(item.explanation)),
            ],
            label_share=26,
        )

    # The statement and the signatures belong together: keep them on one page when they fit.
    pdf.keep(40 + 27 * 3)
    pdf.heading(pdf.t("pdf.record.signatures"))
    pdf.paragraph(_read_back_statement(pdf, doc), after=5)
    pdf.signature_lines(
        [
            (pdf.t("pdf.record.sign_applicant"), doc.applicant),
            (pdf.t("pdf.record.sign_interpreter"), doc.interpreter),
            (pdf.t("pdf.record.sign_inquirer"), doc.inquirer),
        ]
    )
    return pdf.to_bytes()
