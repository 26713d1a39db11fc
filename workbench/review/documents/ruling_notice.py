"""The notice of the ruling on a request for administrative review (裁決書): the requester
(the applicant), the decision or inaction the request was against, the ruling (the request
granted, dismissed on the merits or dismissed as inadmissible), its reasons with the gist of
the counsellors' opinion, the statement on an action in court against a dismissal, and the
issuing authority with a place for its official seal. Like the notice of decision it names
no officer and no counsellor: the ruling is the Minister's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workbench.core.documents.layout import new_document
from workbench.core.documents.text import as_text, document_language, or_dash, when
from workbench.core.i18n import catalogue, t

#: The rulings a notice is written for (a withdrawal ends the review without one).
RULINGS = ("GRANTED", "DISMISSED_MERITS", "DISMISSED_INADMISSIBLE")
#: The bases of a request the catalogue words the ruling for.
BASES = ("NON_RECOGNITION", "REVOCATION", "INACTION")


@dataclass(frozen=True)
class RulingNoticeDoc:
    case_number: str
    applicant: str  # the name as in the passport (Latin script)
    nationality: str
    date_of_birth: date | str  # a date, or text as given (a year of birth)
    basis: str  # NON_RECOGNITION, REVOCATION or INACTION (worded by the catalogue)
    decision_outcome: str  # the outcome of the decision reviewed (worded), "" for inaction
    application_type: str  # REFUGEE or COMPLEMENTARY
    decision_notice_date: date | str | None  # the notice of the decision reviewed
    decision_reference: str  # "R-2025-000123/D1", "" for inaction
    filed: date | str  # the date the request for review was filed
    ruling: str  # GRANTED, DISMISSED_MERITS or DISMISSED_INADMISSIBLE
    ruled_on: date | str
    gist: str  # the reasons: the gist of the counsellors' opinion, as recorded
    panel_well_founded: bool | None  # the panel's opinion, where it recorded one
    panel_unanimous: bool | None
    reference: str  # the ruling's own reference
    issuing_authority: str = ""  # empty: the Minister of Justice, in the notice's language
    applicant_kana: str = ""
    applicant_kanji: str = ""


def _subject(doc: RulingNoticeDoc, language: str) -> str:
    """What the request was against, in a sentence's words."""
    if doc.basis == "INACTION":
        application = t(f"pdf.notice.application.{doc.application_type}", language) \
            if doc.application_type in ("REFUGEE", "COMPLEMENTARY") else doc.application_type
        return t("pdf.ruling.subject_inaction", language, application=application)
    key = f"pdf.notice.outcome.{doc.application_type}.{doc.decision_outcome}"
    outcome = t(key, language) if key in catalogue("en") else as_text(doc.decision_outcome)
    outcome = outcome.strip().rstrip("。.")  # inside the sentence, without its full stop
    return t("pdf.ruling.subject_decision", language, outcome=outcome,
             date=or_dash(when(doc.decision_notice_date, language)))


def _panel(doc: RulingNoticeDoc, language: str) -> str:
    if doc.panel_well_founded is None:
        return ""
    finding = ("pdf.ruling.panel_found_yes" if doc.panel_well_founded
               else "pdf.ruling.panel_found_no")
    how = ("pdf.ruling.panel_unanimous" if doc.panel_unanimous
           else "pdf.ruling.panel_majority")
    return t("pdf.ruling.panel", language, how=t(how, language),
             finding=t(finding, language))


def ruling_notice_pdf(doc: RulingNoticeDoc, language: str | None = None) -> bytes:
    """The written notice of the ruling, in ``language`` (Japanese, the office's official
    language, unless English is asked for)."""
    if doc.ruling not in RULINGS:
        raise ValueError(f"no notice is written for the ruling {doc.ruling!r}")
    language = document_language(language, default="ja")
    heading = t("pdf.ruling.title", language)
    pdf = new_document(heading, doc.case_number, language,
                       footer_note=t("pdf.ruling.footer", language,
                                     reference=as_text(doc.reference)))
    pdf.title_block(heading, centred=True)
    subject = _subject(doc, language)
    names = [(pdf.t("pdf.name_kana"), doc.applicant_kana.strip()),
             (pdf.t("pdf.name_kanji"), doc.applicant_kanji.strip())]
    pdf.fields(
        [
            (pdf.t("pdf.ruling.requester"), doc.applicant),
            *[(label, name) for label, name in names if name],
            (pdf.t("pdf.date_of_birth"), or_dash(when(doc.date_of_birth, language))),
            (pdf.t("pdf.nationality"), doc.nationality),
            (pdf.t("pdf.case_number"), doc.case_number),
            (pdf.t("pdf.ruling.subject_label"), subject),
            *([(pdf.t("pdf.ruling.decision_reference"), doc.decision_reference)]
              if doc.decision_reference else []),
            (pdf.t("pdf.ruling.filed"), when(doc.filed, language)),
            (pdf.t("pdf.ruling.ruled_on"), when(doc.ruled_on, language)),
            (pdf.t("pdf.ruling.reference"), doc.reference),
        ]
    )
    pdf.paragraph(pdf.t("pdf.ruling.lead", filed=when(doc.filed, language)), after=2)

    pdf.heading(pdf.t("pdf.ruling.main"))
    basis = doc.basis if doc.basis in BASES else "NON_RECOGNITION"
    pdf.paragraph(pdf.t(f"pdf.ruling.text.{basis}.{doc.ruling}"), size=13, bold=True, after=1)
    pdf.paragraph(pdf.t(f"pdf.ruling.effect.{basis}.{doc.ruling}"), after=3)

    pdf.heading(pdf.t("pdf.ruling.reasons"))
    panel = _panel(doc, language)
    if panel:
        pdf.paragraph(panel, after=3)
    pdf.heading(pdf.t("pdf.ruling.gist"), level=2)
    pdf.paragraphs(doc.gist)

    if doc.ruling != "GRANTED":
        pdf.heading(pdf.t("pdf.ruling.court_heading"))
        pdf.paragraph(pdf.t("pdf.ruling.court"), after=3)

    pdf.keep(45)
    pdf.heading(pdf.t("pdf.ruling.issued_by"))
    authority = as_text(doc.issuing_authority).strip() or pdf.t("pdf.notice.authority")
    pdf.seal_block([when(doc.ruled_on, language), authority])
    return pdf.to_bytes()


__all__ = ["BASES", "RULINGS", "RulingNoticeDoc", "ruling_notice_pdf"]
