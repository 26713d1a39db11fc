"""The notice of decision, in the form of an official notice (難民の認定をしない処分の通知書 and
its recognition and complementary-protection variants): the addressee, the decision, its
reasons, the sources relied on, any humanitarian permission to stay, the statement on
administrative review (where and by when to file), and the issuing authority with a place for
its official seal. The officers who drafted and approved the decision are not named: the
notice is the authority's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workbench.core.documents.layout import DocumentPdf, new_document
from workbench.core.documents.text import as_text, document_language, or_dash, when
from workbench.core.i18n import catalogue, t, tn

#: The application types and outcomes the catalogue words a notice for.
APPLICATION_TYPES = ("REFUGEE", "COMPLEMENTARY")


@dataclass(frozen=True)
class CitationLine:
    reference: str
    quote: str


@dataclass(frozen=True)
class NoticeDoc:
    case_number: str
    applicant: str  # the name as in the passport (Latin script)
    nationality: str
    date_of_birth: date | str  # a date, or text as given (a year of birth)
    application_type: str  # REFUGEE or COMPLEMENTARY (worded by the catalogue), or text
    lodged: date | str
    outcome: str  # the decision's outcome (RECOGNISED_REFUGEE, NOT_RECOGNISED...), or a title
    reasons: str  # multi-paragraph text (paragraphs separated by blank lines)
    citations: tuple[CitationLine, ...]
    humanitarian_permission: bool | str | None  # True: the catalogue's sentence; text as given
    notice_date: date | str
    review_deadline: date | str | None  # None when no review lies (recognition)
    review_window_days: int
    decision_reference: str
    superseded_note: str | None
    issuing_authority: str = ""  # empty: the Minister of Justice, in the notice's language
    applicant_kana: str = ""  # the katakana reading of the name, where recorded
    applicant_kanji: str = ""  # the name in kanji, for a person who has one


def _worded(part: str, doc: NoticeDoc, language: str) -> str | None:
    """The catalogue's ``heading`` (the notice's title) or ``outcome`` (the decision) for this
    application type and outcome, if it has one."""
    key = (f"pdf.notice.heading.{doc.application_type}.{doc.outcome}" if part == "heading"
           else f"pdf.notice.outcome.{doc.application_type}.{doc.outcome}")
    return t(key, language) if key in catalogue("en") else None


def _review_statement(pdf: DocumentPdf, doc: NoticeDoc) -> str:
    deadline = doc.review_deadline
    if deadline is None or not as_text(deadline).strip():
        return pdf.t("pdf.notice.no_review")
    return tn("pdf.notice.review", doc.review_window_days, pdf.language,
              notice_date=when(doc.notice_date, pdf.language),
              deadline=when(deadline, pdf.language))


def notice_pdf(doc: NoticeDoc, language: str | None = None) -> bytes:
    """The written notice of the primary decision, in ``language`` (Japanese, the office's
    official language, unless English is asked for)."""
    language = document_language(language, default="ja")
    heading = _worded("heading", doc, language) or t("pdf.notice.title", language)
    superseded = as_text(doc.superseded_note).strip()
    pdf = new_document(
        heading,
        doc.case_number,
        language,
        footer_note=t("pdf.notice.footer", language,
                      reference=as_text(doc.decision_reference)),
        header_flag=t("pdf.notice.superseded_flag", language) if superseded else "",
    )
    pdf.title_block(heading, centred=True)
    if superseded:
        pdf.banner(pdf.t("pdf.notice.superseded_banner", note=superseded))
    application = (pdf.t(f"pdf.notice.application.{doc.application_type}")
                   if doc.application_type in APPLICATION_TYPES else doc.application_type)
    names = [(pdf.t("pdf.name_kana"), doc.applicant_kana.strip()),
             (pdf.t("pdf.name_kanji"), doc.applicant_kanji.strip())]
    pdf.fields(
        [
            (pdf.t("pdf.applicant"), doc.applicant),
            *[(label, name) for label, name in names if name],
            (pdf.t("pdf.date_of_birth"), or_dash(when(doc.date_of_birth, language))),
            (pdf.t("pdf.nationality"), doc.nationality),
            (pdf.t("pdf.case_number"), doc.case_number),
            (pdf.t("pdf.notice.application_label"), application),
            (pdf.t("pdf.notice.lodged"), when(doc.lodged, language)),
            (pdf.t("pdf.notice.notice_date"), when(doc.notice_date, language)),
            (pdf.t("pdf.notice.reference"), doc.decision_reference),
        ]
    )
    pdf.paragraph(pdf.t("pdf.notice.lead", application=application,
                        lodged=when(doc.lodged, language)), after=2)

    pdf.heading(pdf.t("pdf.notice.decision"))
    outcome = _worded("outcome", doc, language) or doc.outcome
    pdf.paragraph(outcome, size=13, bold=True, after=3)

    pdf.heading(pdf.t("pdf.notice.reasons"))
    pdf.paragraphs(doc.reasons)

    if doc.citations:
        pdf.heading(pdf.t("pdf.notice.sources"))
        for number, citation in enumerate(doc.citations, start=1):
            pdf.keep(16)
            pdf.paragraph(f"[{number}] {as_text(citation.reference)}", bold=True, after=0.5)
            quote = as_text(citation.quote).strip()
            if quote:
                marks = ("「", "」") if language == "ja" else ("\u201c", "\u201d")
                pdf.paragraph(f"{marks[0]}{quote}{marks[1]}", indent=6, size=9.5, after=3)

    permission = doc.humanitarian_permission
    if permission is True:
        permission = pdf.t("pdf.notice.humanitarian_granted")
    permission = as_text(permission or "").strip()
    if permission:
        pdf.heading(pdf.t("pdf.notice.humanitarian"))
        pdf.paragraphs(permission)

    pdf.heading(pdf.t("pdf.notice.review_heading"))
    pdf.paragraph(_review_statement(pdf, doc), after=3)

    pdf.keep(45)
    pdf.heading(pdf.t("pdf.notice.issued_by"))
    authority = as_text(doc.issuing_authority).strip() or pdf.t("pdf.notice.authority")
    pdf.seal_block([when(doc.notice_date, language), authority])
    return pdf.to_bytes()
