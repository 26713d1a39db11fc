"""The notice of decision: the outcome, its reasons, the sources relied on, any humanitarian
permission to stay and the statement on administrative review."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.documents.layout import _as_text, _new_pdf, _or_dash


@dataclass(frozen=True)
class CitationLine:
    reference: str
    quote: str


@dataclass(frozen=True)
class NoticeDoc:
    case_number: str
    applicant: str
    nationality: str
    date_of_birth: str
    application_type: str
    lodged: str
    outcome_title: str  # e.g. "Recognition of refugee status"; "Non-recognition"
    reasons: str  # multi-paragraph text (paragraphs separated by blank lines)
    citations: tuple[CitationLine, ...]
    humanitarian_permission: str | None
    notice_date: str
    review_deadline: str | None  # None when no review lies (recognition)
    review_window_days: int
    decided_by: str
    approved_by: str
    decision_reference: str
    superseded_note: str | None




def _review_statement(doc: NoticeDoc) -> str:
    if doc.review_deadline is None or not _as_text(doc.review_deadline).strip():
        return (
            "Not applicable. No request for administrative review applies to this decision."
        )
    days = doc.review_window_days
    unit = "day" if days == 1 else "days"
    return (
        "If you object to this decision, you may file a request for administrative review with "
        f"the Minister of Justice within {days} {unit} of the date of this notice "
        f"({_as_text(doc.notice_date)}), that is, by {_as_text(doc.review_deadline)} at the "
        "latest. The request must be made in writing and addressed to the Minister of Justice."
    )


def notice_pdf(doc: NoticeDoc) -> bytes:
    """The written notice of the primary decision, with its reasons, the sources relied on, any
    humanitarian permission to stay and the statement on administrative review."""
    title = "Notice of decision"
    superseded = _as_text(doc.superseded_note).strip()
    pdf = _new_pdf(
        title,
        doc.case_number,
        footer_note=f"Decision reference {_as_text(doc.decision_reference)}",
        header_flag="SUPERSEDED" if superseded else "",
    )
    pdf.title_block(title)
    if superseded:
        pdf.banner(f"SUPERSEDED: {superseded}")
    pdf.fields(
        [
            ("Applicant", doc.applicant),
            ("Date of birth", _or_dash(doc.date_of_birth)),
            ("Nationality", doc.nationality),
            ("Case number", doc.case_number),
            ("Application", doc.application_type),
            ("Application lodged", doc.lodged),
            ("Date of notice", doc.notice_date),
            ("Decision reference", doc.decision_reference),
        ]
    )

    pdf.heading("Decision")
    pdf.paragraph(doc.outcome_title, size=13, bold=True, after=3)

    pdf.heading("Reasons")
    pdf.paragraphs(doc.reasons)

    if doc.citations:
        pdf.heading("Sources relied on")
        for number, citation in enumerate(doc.citations, start=1):
            pdf.keep(16)
            pdf.paragraph(f"[{number}] {_as_text(citation.reference)}", bold=True, after=0.5)
            quote = _as_text(citation.quote).strip()
            if quote:
                pdf.paragraph(f"\u201c{quote}\u201d", indent=6, size=9.5, after=3)

    permission = _as_text(doc.humanitarian_permission).strip()
    if permission:
        pdf.heading("Permission to stay on humanitarian grounds")
        pdf.paragraphs(permission)

    pdf.heading("Administrative review")
    pdf.paragraph(_review_statement(doc), after=3)

    pdf.keep(45)
    pdf.heading("Decision made by")
    pdf.fields(
        [
            ("Decided by", doc.decided_by),
            ("Approved by", doc.approved_by),
            ("Decision reference", doc.decision_reference),
            ("Date of notice", doc.notice_date),
        ]
    )
    return pdf.to_bytes()


