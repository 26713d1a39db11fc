"""The inquirer's interview preparation sheet: the narrative, what triage flagged, what is new
since earlier claims, risk profiles, questions to ask and country information."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workbench.core.documents.layout import new_document
from workbench.core.documents.text import as_text, document_language, or_dash, when
from workbench.core.i18n import current_language, t


@dataclass(frozen=True)
class PrepQuestion:
    section: str
    prompt: str
    guidance: str


@dataclass(frozen=True)
class PrepPassage:
    reference: str
    snippet: str
    reasons: str


@dataclass(frozen=True)
class PreparationSheetDoc:
    case_number: str
    applicant: str
    nationality: str
    category: str
    narrative: str
    highlighted: tuple[tuple[str, str], ...]  # (sentence, cue labels) pairs from triage
    new_since_earlier: tuple[str, ...]  # sentences new compared with earlier claims
    profiles: tuple[str, ...]
    questions: tuple[PrepQuestion, ...]
    passages: tuple[PrepPassage, ...]
    produced_at: datetime | str
    #: The language of the sheet's texts (``en``/``ja``); empty: the reader's language.
    language: str = ""
    #: A first application has no earlier claims to compare: the sheet says so instead of
    #: "no sentences are new".
    first_application: bool = False




def preparation_sheet_pdf(doc: PreparationSheetDoc, language: str | None = None) -> bytes:
    """The inquirer's working sheet before an interview: the narrative, what triage flagged,
    what is new since earlier claims, risk profiles, questions to ask and COI passages. In
    ``language``, else the sheet's own, else the language the reader uses the workbench in."""
    language = document_language(language or doc.language or current_language())
    title = t("pdf.prep.title", language)
    produced = when(doc.produced_at, language)
    pdf = new_document(title, doc.case_number, language,
                   footer_note=t("pdf.produced", language, when=produced))
    pdf.title_block(title, pdf.t("pdf.prep.subtitle"))
    pdf.fields(
        [
            (pdf.t("pdf.case_number"), doc.case_number),
            (pdf.t("pdf.applicant"), doc.applicant),
            (pdf.t("pdf.nationality"), doc.nationality),
            (pdf.t("pdf.prep.category"), or_dash(doc.category)),
            (pdf.t("pdf.prep.produced"), produced),
        ]
    )

    pdf.heading(pdf.t("pdf.prep.narrative"))
    pdf.paragraphs(doc.narrative)

    pdf.heading(pdf.t("pdf.prep.flagged"))
    if doc.highlighted:
        pdf.grid(
            [(sentence, cues) for sentence, cues in doc.highlighted],
            (72, 28),
            headings=(pdf.t("pdf.prep.col_sentence"), pdf.t("pdf.prep.col_cues")),
        )
    else:
        pdf.paragraph(pdf.t("pdf.prep.no_flagged"), grey=True)

    pdf.heading(pdf.t("pdf.prep.new"))
    if doc.first_application and not doc.new_since_earlier:
        pdf.paragraph(pdf.t("pdf.prep.first_application"), grey=True)
    else:
        pdf.bullets(doc.new_since_earlier, empty=pdf.t("pdf.prep.no_new"))

    pdf.heading(pdf.t("pdf.prep.profiles"))
    pdf.bullets(doc.profiles, empty=pdf.t("pdf.prep.no_profiles"))

    pdf.heading(pdf.t("pdf.prep.questions"))
    if not doc.questions:
        pdf.paragraph(pdf.t("pdf.prep.no_questions"), grey=True)
    section: str | None = None
    for number, question in enumerate(doc.questions, start=1):
        if question.section != section:
            section = question.section
            pdf.heading(or_dash(section), level=2)
        pdf.keep(14)
        pdf.paragraph(f"{number}. {as_text(question.prompt)}", bold=True, after=0.5)
        guidance = as_text(question.guidance).strip()
        if guidance:
            pdf.paragraph(pdf.t("pdf.prep.guidance", text=guidance), indent=5, size=9,
                          grey=True, after=2.5)

    pdf.heading(pdf.t("pdf.prep.passages"))
    if not doc.passages:
        pdf.paragraph(pdf.t("pdf.prep.no_passages"), grey=True)
    marks = ("「", "」") if language == "ja" else ("\u201c", "\u201d")
    for passage in doc.passages:
        pdf.keep(18)
        pdf.paragraph(passage.reference, bold=True, after=0.5)
        snippet = as_text(passage.snippet).strip()
        if snippet:
            pdf.paragraph(f"{marks[0]}{snippet}{marks[1]}", indent=5, size=9.5, after=0.5)
        reasons = as_text(passage.reasons).strip()
        if reasons:
            pdf.paragraph(pdf.t("pdf.prep.why", text=reasons), indent=5, size=9, grey=True,
                          after=3)
    return pdf.to_bytes()
