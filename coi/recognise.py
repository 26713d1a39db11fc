"""Metadata recognised from an extracted COI document: title, publication date, countries,
language and document type, each with the reason it was chosen (shown to the administrator who
reviews an ingested document, who can correct any of it).

Rules, in the order they are tried (``recognise`` is the only entry point):

title
    The extractor's ``metadata["title"]`` unless it is junk: a file name ("Microsoft Word -
    report.docx", "final_v2.pdf"), "untitled"/"Document1"-style placeholders, a URL, or no
    letters at all. Otherwise the first heading of the first passages (page 1 for PDFs), unless
    it is boilerplate ("Skip to content", "Contents"); otherwise the first short line of page 1
    that reads like a title (at most 20 words, not a sentence, not a date or page number).

published
    ``metadata["published"]`` (a date, a datetime or an ISO string); else a date stated in the
    first 4,000 characters (see :func:`find_date`): a date after a label ("Published:", "Date:",
    "Issued", 発行日 ...) first; then a date line (the date with at most a place or weekday
    beside it, "Vienna, 5 June 2023", "Thursday, August 6, 2020"); then a full date in running
    text within the first 1,000 characters. Dates introduced as events ("since August 2021",
    "after 15 August 2021", "2021年8月以降") never count, nor do months without a day in running
    text. Formats: "12 March 2024", "12th March 2024", "March 12, 2024", "March 2024" (day taken
    as the 1st), "2024-03-12", "2024/03/12", "22.5.2024" (day.month.year), French, Spanish,
    Portuguese, German and Italian month names, "2024年3月12日", "2024年3月" and Japanese era
    dates (令和6年3月12日, 令和元年, 平成, 昭和), full-width digits included. Years outside
    1945..next year are ignored. Last resort: the PDF creation date, and the reason says it may
    be when the file was printed or saved.

countries
    Mentions from :func:`coi.gazetteer.find_countries`, weighted: title x10, each distinct
    heading x3, body x1. The primary country is, in order: (1) the country the title names most,
    when it names one more often than any other; (2) the first country named in the opening
    sentences of the body ("the lead", which in COI names the subject: "Ukraine is a republic
    ..."), when it has at least half as many mentions as the most-mentioned country; (3) the
    most-mentioned country when it holds at least 40 % of all weighted mentions and 1.5 times
    the runner-up. Otherwise there is no primary country. ``countries`` lists the primary
    country first, then every other country with at least a quarter of the primary country's
    score (of the top score when there is no primary) and at least 3 weighted mentions, at
    most 6: a report on Afghanistan that mentions Iran and Pakistan a few times as neighbours
    lists only AFG, while "Afghanistan and Pakistan: returnees" lists both.

language
    ``metadata["language"]`` when it is a valid ISO 639 code; else by script over a sample of
    the text (kana -> ja; Han without kana -> zh; Hangul -> ko; Arabic script -> ar, or fa/ur
    by their extra letters; Cyrillic -> ru, or uk/bg/sr by theirs; Greek, Hebrew, Thai,
    Georgian, Armenian, Khmer, Myanmar, Sinhala scripts); Latin script by stop-word counts for
    en/fr/es/de/pt/it; default "en".

doc_type
    Keyword rules, first match wins: query_response, guidance, legal, country_report, news,
    thematic_report. The title (and the URL's path words) are checked against all rules; the
    first 12,000 characters of the text only against unmistakable phrases ("Country Reports on
    Human Rights Practices", "Response to Information Request", "Official Journal of the
    European Union"), because words such as "Act" or "guidance" occur in any report's body. A
    title that names a theme ("Situation of ...", "Treatment of ...", "Security situation") or
    a term of the topic taxonomy ("Military service", "returning from abroad") without any of
    the other markers is a thematic report.

The title rules are in :mod:`coi.recognise_title`, dates in :mod:`coi.recognise_date`, the
language in :mod:`coi.recognise_language` and countries in :mod:`coi.recognise_countries`;
the entry point and the document type rules are here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote, urlparse

from coi.extracted import ExtractedDocument
from coi.recognise_countries import _countries
from coi.recognise_date import _opening, _published
from coi.recognise_language import _language
from coi.recognise_title import _clean, _title

__all__ = ["DOC_TYPES", "Recognised", "recognise"]

DOC_TYPES = (
    "country_report", "thematic_report", "query_response", "news", "legal", "guidance",
)

_TYPE_WINDOW = 12_000


@dataclass(frozen=True)
class Recognised:
    title: str | None
    published: date | None
    countries: list[str] = field(default_factory=list)  # alpha-3, primary country first
    primary_country: str | None = None
    language: str = "en"  # ISO 639-1
    doc_type: str | None = None  # one of DOC_TYPES
    reasons: dict[str, str] = field(default_factory=dict)  # field name -> why


def recognise(document: ExtractedDocument) -> Recognised:
    """Title, date, countries, language and type of ``document``, with reasons."""
    reasons: dict[str, str] = {}
    title, reasons["title"] = _title(document)
    published, reasons["published"] = _published(document)
    language, reasons["language"] = _language(document)
    doc_type, reasons["doc_type"] = _doc_type(document, title)
    countries, primary, reasons["countries"], reasons["primary_country"] = _countries(
        document, title
    )
    return Recognised(
        title=title,
        published=published,
        countries=countries,
        primary_country=primary,
        language=language,
        doc_type=doc_type,
        reasons=reasons,
    )


# ---------------------------------------------------------------------------------------------
# Document type

_TYPE_RULES: list[tuple[str, re.Pattern[str], re.Pattern[str] | None]] = [
    # (type, rule for the title and URL words, rule for the opening text or None)
    (
        "query_response",
        re.compile(
            r"(?i)\bquery\s+response|\bresponses?\s+to\s+(an\s+)?information\s+requests?"
            r"|\bCOI\s+query|\binformation\s+request\b|\bquery\b|\bAnfragebeantwortung"
            r"|照会回答|照会に対する回答|調査照会"
        ),
        re.compile(
            r"(?i)\bresponses?\s+to\s+(an\s+)?information\s+requests?|\bCOI\s+query\s+response"
            r"|\bquery\s+response\b|\bAnfragebeantwortung|照会回答"
        ),
    ),
    (
        "guidance",
        re.compile(
            r"(?i)\bcountry\s+policy\s+and\s+information\s+note|\bCPIN\b|\bguidance\b"
            r"|\bguidelines?\b|\bpolicy\s+note\b|\bposition\s+(paper|on\s+returns)"
            r"|\binternational\s+protection\s+considerations\b|ガイドライン|ガイダンス|指針|手引"
        ),
        re.compile(
            r"(?i)\bcountry\s+policy\s+and\s+information\s+note\b"
            r"|\beligibility\s+guidelines\s+for\s+assessing"
            r"|\binternational\s+protection\s+considerations\s+with\s+regard\s+to"
        ),
    ),
    (
        "legal",
        re.compile(
            r"\b(Regulation|Directive|Act|Law|Decree|Ordinance|Code|Constitution|Convention"
            r"|Statute|Judgment|Judgement|Proclamation|Bill)\b|\bREGULATION\b|\bDIRECTIVE\b"
            r"|(?i:\bfederal\s+register\b|\bofficial\s+journal\b|\bgazette\b|\bproposed\s+rules?\b"
            r"|\bfinal\s+rule\b)|法律|法令|(認定|管理|保護|基本)法|規則|政令|省令|条約|判決|告示|通達"
        ),
        re.compile(
            r"\b(REGULATION|DIRECTIVE)\s+\(E[UC]\)|(?i:\bofficial\s+journal\s+of\s+the\s+european"
            r"\s+union\b|\bfederal\s+register\b|\bhave\s+adopted\s+this\s+(regulation|directive)"
            r"|\bbe\s+it\s+enacted\b)"
        ),
    ),
    (
        "country_report",
        re.compile(
            r"(?i)\bcountry\s+reports?\b|\bcountry\s+focus\b|\bcountry\s+of\s+origin\s+information"
            r"(\s+report)?\b|\bCOI\s+report\b|\bhuman\s+rights\s+(practices|report)\b"
            r"|\bcountry\s+information(\s+report)?\b|\bcountry\s+profile\b|\bworld\s+report\b"
            r"|\bfreedom\s+in\s+the\s+world\b|\bfact[- ]finding\s+mission\b"
            r"|出身国情報|国別報告|人権報告書|国別情報"
        ),
        re.compile(
            r"(?i)\bcountry\s+reports\s+on\s+human\s+rights\s+practices\b"
            r"|\bcountry\s+of\s+origin\s+information\s+report\b|\bcountry\s+information\s+report"
            r"|\bEUAA\s+country\s+focus\b|\bcountry\s+focus\b"
        ),
    ),
    (
        "news",
        re.compile(
            r"(?i)\bpress\s+release\b|\bnews\b|\bnewsletter\b|\breuters\b|\bAssociated\s+Press\b"
            r"|\bAl\s+Jazeera\b|\bBBC\b|ニュース|報道発表|プレスリリース"
        ),
        re.compile(r"^\s*[A-Z][A-Za-z .'-]{1,40},?\s+\(?(Reuters|AFP|AP)\)?\s+[-–—]"),
    ),
]
_THEMATIC = re.compile(
    r"(?i)\bthematic\b|\bsituation\s+of\b|\btreatment\s+of\b|\bsecurity\s+situation\b"
    r"|\btargeting\b|\bprofiles?\b|\bminorit(y|ies)\b|\bviolence\s+against\b"
    r"|テーマ別|の状況|の処遇"
)


def _url_words(url: object) -> str:
    if not isinstance(url, str) or not url:
        return ""
    path = unquote(urlparse(url).path)
    return re.sub(r"[-_/.+]+", " ", path)


def _doc_type(document: ExtractedDocument, title: str | None) -> tuple[str | None, str]:
    metadata = document.metadata or {}
    head = _clean(title or "")
    url = _url_words(metadata.get("url"))
    opening = _opening(document, _TYPE_WINDOW)
    for kind, title_rule, text_rule in _TYPE_RULES:
        m = title_rule.search(head) if head else None
        if m:
            return kind, f"title says {m.group(0)!r}"
        m = title_rule.search(url) if url else None
        if m:
            return kind, f"address says {m.group(0)!r}"
        m = text_rule.search(opening) if text_rule is not None else None
        if m:
            return kind, f"opening text says {_clean(m.group(0))!r}"
    if head:
        m = _THEMATIC.search(head)
        if m:
            return "thematic_report", f"title names a theme: {m.group(0)!r}"
        from coi.topics import tag

        topics = tag(head)
        if topics:
            return "thematic_report", f"title names a COI topic ({', '.join(topics)})"
    return None, "no document-type words in the title or opening"
