"""The record of interview (供述調書): sessions, questions and answers by section, incidents of
past harm, inconsistencies put to the applicant, the read-back statement and signature lines."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.documents.layout import _as_text, _new_pdf, _or_dash


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
    raised_on: str


@dataclass(frozen=True)
class SessionLine:
    number: int
    date: str
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
    produced_at: str




def _read_back_statement(doc: InterviewRecordDoc) -> str:
    note = _as_text(doc.read_back_note).strip()
    if not doc.read_back_confirmed:
        reason = f" Note: {note}" if note else " No reason was recorded."
        return "The record was not read back to the applicant." + reason
    languages: list[str] = []
    for session in doc.sessions:
        language = _as_text(session.language).strip()
        if language and language not in languages:
            languages.append(language)
    language = " and ".join(languages) if languages else "the language of the interview"
    interpreter = _as_text(doc.interpreter).strip()
    through = f" through the interpreter, {interpreter}," if interpreter else ""
    statement = (
        f"The record was read back to the applicant in {language}{through} and the applicant "
        "confirmed that it is a correct record of what was said."
    )
    return statement + (f" Note: {note}" if note else "")


def interview_record_pdf(doc: InterviewRecordDoc) -> bytes:
    """The record of interview: sessions, questions and answers by section, incidents of past
    harm, inconsistencies put to the applicant, the read-back statement and signature lines."""
    title = "Record of interview"
    pdf = _new_pdf(title, doc.case_number, footer_note=f"Produced {_as_text(doc.produced_at)}")
    pdf.title_block(title, "Application for recognition of refugee status or complementary "
                           "protection")
    pdf.fields(
        [
            ("Case number", doc.case_number),
            ("Applicant", doc.applicant),
            ("Nationality", doc.nationality),
            ("Inquirer", doc.inquirer),
            ("Interpreter", _or_dash(doc.interpreter)),
            ("Question bank", doc.bank_version),
            ("Record produced", doc.produced_at),
        ]
    )

    pdf.heading("1. Interview sessions")
    if doc.sessions:
        pdf.grid(
            [
                (s.number, s.date, s.start, s.end, s.place, s.language, s.interpreter, s.present,
                 s.breaks)
                for s in doc.sessions
            ],
            (8, 21, 11, 11, 25, 20, 24, 26, 24),
            headings=("No.", "Date", "Start", "End", "Place", "Language", "Interpreter",
                      "Present", "Breaks"),
            size=8.5,
        )
    else:
        pdf.paragraph("No interview session is recorded.", grey=True)

    pdf.heading("2. Questions and answers")
    if not doc.answers:
        pdf.paragraph("No answers are recorded.", grey=True)
    section: str | None = None
    for answer in doc.answers:
        if answer.section != section:
            section = answer.section
            pdf.heading(_or_dash(section), level=2)
        pdf.keep(16)
        pdf.paragraph(answer.prompt, bold=True, after=0.5)
        text = _as_text(answer.answer)
        pdf.paragraph(text if text.strip() else "(no answer recorded)", indent=5,
                      grey=not text.strip(), after=3)

    pdf.heading("3. Incidents of past harm")
    if not doc.incidents:
        pdf.paragraph("No incidents of past harm are recorded.", grey=True)
    for number, incident in enumerate(doc.incidents, start=1):
        pdf.heading(f"Incident {number}", level=2)
        pdf.fields(
            [
                ("When", _or_dash(incident.when)),
                ("Place", _or_dash(incident.place)),
                ("Actor", _or_dash(incident.actor)),
                ("What happened", _or_dash(incident.what_happened)),
                ("Injuries", _or_dash(incident.injuries)),
                ("Witnesses", _or_dash(incident.witnesses)),
                ("Reported to authorities", _or_dash(incident.reported)),
                ("Evidence", _or_dash(incident.evidence)),
            ],
            label_share=26,
        )

    pdf.heading("4. Inconsistencies put to the applicant")
    if not doc.inconsistencies:
        pdf.paragraph("No inconsistencies were put to the applicant.", grey=True)
    for number, item in enumerate(doc.inconsistencies, start=1):
        pdf.heading(f"Inconsistency {number}", level=2)
        pdf.fields(
            [
                ("Raised on", _or_dash(item.raised_on)),
                ("Put to the applicant", _or_dash(item.put_to_applicant)),
                ("Applicant's explanation", _or_dash(item.explanation)),
            ],
            label_share=26,
        )

    # The statement and the signatures belong together: keep them on one page when they fit.
    pdf.keep(40 + 27 * 3)
    pdf.heading("5. Read-back and signatures")
    pdf.paragraph(_read_back_statement(doc), after=5)
    pdf.signature_lines(
        [
            ("Applicant", doc.applicant),
            ("Interpreter", doc.interpreter),
            ("Inquirer", doc.inquirer),
        ]
    )
    return pdf.to_bytes()


