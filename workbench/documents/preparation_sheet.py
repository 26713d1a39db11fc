"""The inquirer's interview preparation sheet: the narrative, what triage flagged, what is new
since earlier claims, risk profiles, questions to ask and country information."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.documents.layout import _as_text, _new_pdf, _or_dash


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
    produced_at: str




def preparation_sheet_pdf(doc: PreparationSheetDoc) -> bytes:
    """The inquirer's working sheet before an interview: the narrative, what triage flagged,
    what is new since earlier claims, risk profiles, questions to ask and COI passages."""
    title = "Interview preparation sheet"
    pdf = _new_pdf(title, doc.case_number, footer_note=f"Produced {_as_text(doc.produced_at)}")
    pdf.title_block(title, "Internal working document of the inquirer - not part of the record")
    pdf.fields(
        [
            ("Case number", doc.case_number),
            ("Applicant", doc.applicant),
            ("Nationality", doc.nationality),
            ("Category", _or_dash(doc.category)),
            ("Produced", doc.produced_at),
        ]
    )

    pdf.heading("1. Claim narrative")
    pdf.paragraphs(doc.narrative)

    pdf.heading("2. Sentences flagged by triage")
    if doc.highlighted:
        pdf.grid(
            [(sentence, cues) for sentence, cues in doc.highlighted],
            (72, 28),
            headings=("Sentence", "Cues"),
        )
    else:
        pdf.paragraph("No sentences were flagged.", grey=True)

    pdf.heading("3. New compared with earlier claims")
    pdf.bullets(doc.new_since_earlier, empty="No sentences are new compared with earlier claims.")

    pdf.heading("4. Risk profiles")
    pdf.bullets(doc.profiles, empty="No specific risk profile identified.")

    pdf.heading("5. Questions to ask")
    if not doc.questions:
        pdf.paragraph("No questions suggested.", grey=True)
    section: str | None = None
    for number, question in enumerate(doc.questions, start=1):
        if question.section != section:
            section = question.section
            pdf.heading(_or_dash(section), level=2)
        pdf.keep(14)
        pdf.paragraph(f"{number}. {_as_text(question.prompt)}", bold=True, after=0.5)
        guidance = _as_text(question.guidance).strip()
        if guidance:
            pdf.paragraph(f"Guidance: {guidance}", indent=5, size=9, grey=True, after=2.5)

    pdf.heading("6. Country information")
    if not doc.passages:
        pdf.paragraph("No passages selected.", grey=True)
    for passage in doc.passages:
        pdf.keep(18)
        pdf.paragraph(passage.reference, bold=True, after=0.5)
        snippet = _as_text(passage.snippet).strip()
        if snippet:
            pdf.paragraph(f"\u201c{snippet}\u201d", indent=5, size=9.5, after=0.5)
        reasons = _as_text(passage.reasons).strip()
        if reasons:
            pdf.paragraph(f"Why relevant: {reasons}", indent=5, size=9, grey=True, after=3)
    return pdf.to_bytes()
