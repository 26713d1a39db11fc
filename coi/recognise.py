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
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import unquote, urlparse

from coi.extracted import ExtractedDocument
from coi.gazetteer import by_code, country_mentions, find_countries

__all__ = [
    "DOC_TYPES",
    "Recognised",
    "detect_language",
    "find_date",
    "is_junk_title",
    "recognise",
    "source_countries",
]

DOC_TYPES = (
    "country_report", "thematic_report", "query_response", "news", "legal", "guidance",
)

_DATE_WINDOW = 4_000
_TYPE_WINDOW = 12_000
_LANGUAGE_SAMPLE = 20_000

TITLE_WEIGHT = 10
HEADING_WEIGHT = 3
LEAD_SHARE = 0.5  # the lead country needs half the mentions of the most-mentioned one
DOMINANT_SHARE = 0.4  # otherwise the top country needs 40 % of all mentions ...
DOMINANT_RATIO = 1.5  # ... and 1.5 times the runner-up
LISTED_SHARE = 0.25  # other countries listed from a quarter of the top score ...
LISTED_MIN = 3  # ... and at least this many weighted mentions
LISTED_MAX = 6


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
# Title

_JUNK_TITLE = re.compile(
    r"""(?ix)
    ^\s*$
    | ^(untitled|document\s*\d*|new\ document|no\ title|title|page\s*\d*|slide\s*\d*
        |powerpoint\ presentation|presentation\d*|book\d*|sheet\d*|print|default|index
        |template|draft|none|null|unknown|word\ document|pdf|temp|scan\w*)(\s*[-_.]?\s*\d*)?$
    | ^(microsoft\ (word|excel|powerpoint)|word|excel|powerpoint|libreoffice|openoffice)\s*[-:]
    | \.(docx?|pdf|rtf|odt|txt|html?|xlsx?|pptx?|indd|qxd|tmp|wpd)\s*$
    | ^(https?://|www\.|file:)
    | ^[A-Z]:\\ | ^/\S+$
    """
)
_BOILERPLATE_HEADING = re.compile(
    r"(?i)^(skip to (main )?content|menu|main menu|navigation|search|contents|table of contents"
    r"|home|share|print|back to top|cookies?( settings| notice)?|close|language|summary"
    r"|executive summary|introduction|abstract|foreword|preface|disclaimer|acknowledge?ments"
    r"|about this report|key findings|methodology|list of abbreviations|abbreviations|glossary"
    r"|目次|はじめに|要約|概要)$"
)
_SENTENCE_END = re.compile(r"[.!?。](\s|$)")
_DATEISH = re.compile(r"^[\d\s./:,\-年月日]+$")
_TITLE_MAX = 300


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def is_junk_title(value: object) -> bool:
    """A PDF/HTML title that is no title: file names, placeholders, URLs, no letters."""
    if not isinstance(value, str):
        return True
    text = _clean(value)
    if not text or not any(ch.isalpha() for ch in text) or _JUNK_TITLE.search(text):
        return True
    # a single token with underscores or an extension-like dot: a file name ("report_v2")
    return " " not in text and ("_" in text or re.search(r"\.\w{2,4}$", text) is not None)


def _title_like(text: str) -> bool:
    text = _clean(text)
    if not (3 <= len(text) <= 200) or len(text.split()) > 20:
        return False
    if not sum(ch.isalpha() for ch in text) >= 3 or _DATEISH.match(text):
        return False
    if _BOILERPLATE_HEADING.match(text) or is_junk_title(text):
        return False
    # a sentence is not a title; a final full stop after an abbreviation ("No.", "Inc.") is
    if text.endswith("."):
        last = text[:-1].split()[-1] if text[:-1].split() else ""
        if len(last) > 4 or "." in last or not last[:1].isupper():
            return False
        text = text[:-1]
    return not _SENTENCE_END.search(text)


def _title(document: ExtractedDocument) -> tuple[str | None, str]:
    meta_title = document.metadata.get("title") if document.metadata else None
    printed = (document.metadata or {}).get("printed")
    if meta_title is not None and isinstance(printed, dict):
        tab = printed.get("tab_title")
        return _clean(meta_title)[:_TITLE_MAX], (
            "the report's first heading on a web page printed by a browser"
            + (f" (the tab title {_clean(str(tab))[:80]!r} printed in the header is not "
               "used)" if tab else ""))
    if meta_title is not None:
        if not is_junk_title(meta_title):
            return _clean(meta_title)[:_TITLE_MAX], "title given by the document's metadata"
        ignored = f"metadata title {_clean(str(meta_title))[:60]!r} looks like a file name or " \
            "placeholder and was ignored; "
    else:
        ignored = ""
    first_page = [p for p in document.passages if p.page in (None, 1)][:20]
    for passage in first_page:
        for heading in passage.heading_path:
            if _title_like(heading):
                return _clean(heading)[:_TITLE_MAX], ignored + "first heading of the document"
    if document.pages:
        lines = document.pages[0].text.splitlines()
        source = "first line of page 1 that reads like a title"
    else:
        lines = [p.text for p in first_page[:3]]
        source = "first passage, short enough to be a title"
    for line in lines[:8]:
        if _title_like(line):
            return _clean(line)[:_TITLE_MAX], ignored + source
    return None, ignored + "no title in the metadata, headings or first lines"


# ---------------------------------------------------------------------------------------------
# Publication date

_MONTHS = {
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
    # Portuguese
    "janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "maio": 5, "junho": 6, "julho": 7,
    "setembro": 9, "outubro": 10, "dezembro": 12,
    # German
    "januar": 1, "februar": 2, "märz": 3, "maerz": 3, "juni": 6, "juli": 7, "oktober": 10,
    "dezember": 12,
    # Italian
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12,
}
_MONTH = "(" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\.?"
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}

_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(?<!\d)(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.])"), "dmy"),
    (re.compile(
        r"(?i)(?<![\w])(\d{1,2})(?:st|nd|rd|th|er|º|\.)?\s+(?:de\s+)?" + _MONTH
        + r"\s+(?:de\s+)?(\d{4})(?!\d)"), "d_month_y"),
    (re.compile(r"(?i)(?<![\w])" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)"),
     "month_d_y"),
    (re.compile(r"(?i)(?<![\w])" + _MONTH + r",?\s+(?:de\s+)?(\d{4})(?!\d)"), "month_y"),
    (re.compile(r"(令和|平成|昭和)\s*(\d{1,2}|元)\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?"),
     "era"),
    (re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?"), "ja"),
]
_DATE_LABEL = re.compile(
    r"(?i)(?:\b(?:published(?:\s+on)?|publication\s+date|date\s+of\s+publication|issued(?:\s+on)?"
    r"|released(?:\s+on)?|date|dated|publié\s+le|fecha|datum|veröffentlicht(?:\s+am)?)"
    r"|発行日|公表日|公開日|作成日|発行|公表|掲載日|日付)\s*[:：]?\s*$"
)


def _make_date(year: int, month: int, day: int) -> date | None:
    if not 1945 <= year <= date.today().year + 1:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _parse_match(m: re.Match[str], kind: str) -> tuple[date | None, bool]:
    """The date a pattern match denotes and whether the day was given."""
    g = m.groups()
    if kind == "ymd":
        return _make_date(int(g[0]), int(g[1]), int(g[2])), True
    if kind == "dmy":
        return _make_date(int(g[2]), int(g[1]), int(g[0])), True
    if kind == "d_month_y":
        return _make_date(int(g[2]), _MONTHS[g[1].lower()], int(g[0])), True
    if kind == "month_d_y":
        return _make_date(int(g[2]), _MONTHS[g[0].lower()], int(g[1])), True
    if kind == "month_y":
        return _make_date(int(g[1]), _MONTHS[g[0].lower()], 1), False
    if kind == "era":
        year = _ERAS[g[0]] + (1 if g[1] == "元" else int(g[1]))
        return _make_date(year, int(g[2]), int(g[3] or 1)), g[3] is not None
    # "ja"
    return _make_date(int(g[0]), int(g[1]), int(g[2] or 1)), g[2] is not None


_WEEKDAY = re.compile(
    r"(?i)\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat"
    r"|sun|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves"
    r"|viernes|sábado|domingo|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)"
    r"\.?,?\s*$"
)
_EVENT_BEFORE = re.compile(
    r"(?i)\b(since|until|till|from|between|before|after|during|in|by|to|and|through|of\s+the"
    r"\s+events?\s+of|depuis|desde|seit)\s*$"
)
_EVENT_AFTER = re.compile(r"^\s*(以降|以来|から|まで|頃|ごろ|にかけて)")
_CJK_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_DATELINE_REST = 30  # a date line holds the date and at most this much else (a place, a day)
_PROSE_WINDOW = 1_000  # unlabelled dates in running text count only this near the start

def _dateline(line: str, surface: str) -> bool:
    """A line that is the date and little else, without other numbers: "12 March 2024",
    "Vienna, 12 March 2024" (not a footnote such as "OJ C 207, 30.6.2017, p. 67.")."""
    rest = line.replace(surface, " ", 1).strip(" \t,.-–—|/()[]")
    width = len(rest) + len(_CJK_CHAR.findall(rest))  # a CJK character counts double
    return width <= _DATELINE_REST and not any(ch.isdigit() or ch in "。、" for ch in rest)


_PRIORITY_REASON = {
    0: "date labelled as the publication date",
    1: "date line",
    2: "date",
}


def find_date(text: str) -> tuple[date, str] | None:
    """The publication date stated in ``text`` (typically its opening) and how it was found.

    Candidates, best first: a date after a label ("Published:", "Date:", 発行日); a date on a
    line of its own (with at most a place or a weekday beside it, and no other numbers) or after
    a weekday ("Thursday, August 6, 2020");
    a full date in running text within the first 1,000 characters that is not an event date
    ("since 15 August 2021", "2021年8月以降"). A month without a day ("March 2024") only counts
    in the first two cases. Among equals the earliest wins.
    """
    text = unicodedata.normalize("NFKC", text)
    found: list[tuple[int, int, int, date, bool, str]] = []
    for pattern, kind in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            value, has_day = _parse_match(m, kind)
            if value is None:
                continue
            before = text[max(0, m.start() - 40):m.start()]
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            line = text[line_start:line_end if line_end != -1 else len(text)]
            event = _EVENT_BEFORE.search(before) or _EVENT_AFTER.match(
                text[m.end():m.end() + 6])
            if _DATE_LABEL.search(before):
                priority = 0
            elif event:
                continue
            elif _WEEKDAY.search(before) or _dateline(line, m.group(0)):
                priority = 1
            elif has_day and m.start() < _PROSE_WINDOW:
                priority = 2
            else:
                continue
            found.append((priority, m.start(), -(m.end() - m.start()), value, has_day,
                          m.group(0)))
    if not found:
        return None
    priority, _, _, value, has_day, surface = min(found)
    note = "" if has_day else " (month only: day set to the 1st)"
    return value, (f"{_PRIORITY_REASON[priority]} {_clean(surface)!r} near the start of the "
                   f"text{note}")


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            pass
        pdf = re.match(r"^D?:?(\d{4})(\d{2})(\d{2})", text)
        if pdf:
            return _make_date(int(pdf.group(1)), int(pdf.group(2)), int(pdf.group(3)))
        found = find_date(text)
        return found[0] if found else None
    return None


def _opening(document: ExtractedDocument, limit: int) -> str:
    if document.pages:
        parts, size = [], 0
        for page in document.pages:
            parts.append(page.text)
            size += len(page.text)
            if size >= limit:
                break
        return "\n\n".join(parts)[:limit]
    parts, size = [], 0
    for passage in document.passages:
        parts.append(passage.text)
        size += len(passage.text) + 2
        if size >= limit:
            break
    return "\n\n".join(parts)[:limit]


def _published(document: ExtractedDocument) -> tuple[date | None, str]:
    metadata = document.metadata or {}
    value = _as_date(metadata.get("published"))
    if value is not None:
        return value, "publication date given by the document's metadata"
    found = find_date(_opening(document, _DATE_WINDOW))
    if found is not None:
        return found
    if metadata.get("printed"):
        return None, (
            "a web page printed by a browser that states no publication date in its content "
            "(the date in the print's header is the day it was printed, not published)")
    created = _as_date(metadata.get("creation_date"))
    if created is not None:
        return created, (
            "no date stated in the document: PDF creation date used as a last resort (it may "
            "be when the file was printed or saved, not when it was published)"
        )
    return None, "no publication date in the metadata or near the start of the text"


# ---------------------------------------------------------------------------------------------
# Language

_SCRIPTS: list[tuple[str, re.Pattern[str]]] = [
    ("kana", re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")),
    ("han", re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")),
    ("hangul", re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")),
    ("arabic", re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")),
    ("cyrillic", re.compile("[\u0400-\u04ff]")),
    ("latin", re.compile("[A-Za-z\u00c0-\u024f]")),
    ("el", re.compile("[\u0370-\u03ff]")),
    ("he", re.compile("[\u0590-\u05ff]")),
    ("th", re.compile("[\u0e00-\u0e7f]")),
    ("ka", re.compile("[\u10a0-\u10ff]")),
    ("hy", re.compile("[\u0530-\u058f]")),
    ("km", re.compile("[\u1780-\u17ff]")),
    ("my", re.compile("[\u1000-\u109f]")),
    ("si", re.compile("[\u0d80-\u0dff]")),
]
_PERSIAN = re.compile("[\u067e\u0686\u0698\u06af\u06cc\u06a9]")  # پ چ ژ گ ی ک
_URDU = re.compile("[\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2]")  # ٹ ڈ ڑ ں ھ ہ ے
_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")
_SERBIAN = re.compile("[ђјљњћџЂЈЉЊЋЏ]")
_BULGARIAN = re.compile("[ъ]")
_RUSSIAN_ONLY = re.compile("[ыэё]")

_STOPWORDS = {
    "en": "the and of to in is was that for with by on are were as this from which have has "
          "not be it or their been had its also who during",
    "fr": "le la les des du et est une dans pour que qui sur par pas au aux ces sont avec été "
          "leur mais cette ont ils elle selon entre",
    "es": "el los las del y que en por con una para es se su sus al como más pero fue han "
          "entre sobre este esta según",
    "de": "der die das und ist nicht von mit den dem des ein eine zu auf für im sich auch "
          "wurde werden sind dass nach bei",
    "pt": "o os as da do das dos e que em não uma um para com por é foi são ao pela pelo "
          "mais seu sua segundo",
    "it": "il lo gli della delle dei degli e che non per una un con sono è nel nella alla "
          "anche più essere stato questo secondo",
}
_STOPSETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_LATIN_WORD = re.compile(r"[a-zà-öø-ÿ]+")


def detect_language(text: str) -> tuple[str, str]:
    """ISO 639-1 code of ``text`` and why, from a sample of it (script, then stop words)."""
    if len(text) > _LANGUAGE_SAMPLE:
        half = _LANGUAGE_SAMPLE // 2
        middle = len(text) // 2
        text = text[:half] + "\n" + text[middle:middle + half]
    counts = {name: len(pattern.findall(text)) for name, pattern in _SCRIPTS}
    letters = sum(counts.values())
    if letters == 0:
        return "en", "no letters to judge by: English assumed"
    cjk = counts["kana"] + counts["han"]
    if cjk >= 0.2 * letters:
        if counts["kana"] >= 0.05 * cjk:
            return "ja", "Japanese script (kana with Han characters)"
        return "zh", "Han characters without kana"
    if counts["hangul"] >= 0.2 * letters:
        return "ko", "Hangul script"
    if counts["arabic"] >= 0.3 * letters:
        arabic = counts["arabic"]
        if len(_URDU.findall(text)) >= 0.02 * arabic:
            return "ur", "Arabic script with Urdu letters"
        if len(_PERSIAN.findall(text)) >= 0.02 * arabic:
            return "fa", "Arabic script with Persian letters"
        return "ar", "Arabic script"
    if counts["cyrillic"] >= 0.3 * letters:
        cyr = counts["cyrillic"]
        if len(_UKRAINIAN.findall(text)) >= 0.005 * cyr:
            return "uk", "Cyrillic script with Ukrainian letters"
        if len(_SERBIAN.findall(text)) >= 0.005 * cyr:
            return "sr", "Cyrillic script with Serbian letters"
        if not _RUSSIAN_ONLY.search(text) and len(_BULGARIAN.findall(text)) >= 0.01 * cyr:
            return "bg", "Cyrillic script with Bulgarian spelling"
        return "ru", "Cyrillic script"
    for name in ("el", "he", "th", "ka", "hy", "km", "my", "si"):
        if counts[name] >= 0.3 * letters:
            return name, f"{name} script"
    words = _LATIN_WORD.findall(text.lower())
    if not words:
        return "en", "no Latin words to judge by: English assumed"
    hits = {lang: sum(1 for w in words if w in stops) for lang, stops in _STOPSETS.items()}
    best = max(hits, key=lambda lang: (hits[lang], lang == "en"))
    if hits[best] < 5 or hits[best] < 0.05 * len(words):
        return "en", "too few common words to tell the language: English assumed"
    share = hits[best] / len(words)
    return best, f"Latin script; common {best} words make {share:.0%} of the sample"


def _normalise_language(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    if len(code) == 2 and code.isalpha():
        return code
    if len(code) == 3 and code.isalpha():
        import pycountry

        found = pycountry.languages.get(alpha_3=code)
        if found is None:
            try:
                found = pycountry.languages.get(bibliographic=code)
            except (KeyError, LookupError):
                found = None
        alpha_2 = getattr(found, "alpha_2", None) if found else None
        return alpha_2
    return None


def _language(document: ExtractedDocument) -> tuple[str, str]:
    declared = _normalise_language((document.metadata or {}).get("language"))
    if declared is not None:
        return declared, "language declared by the document's metadata"
    return detect_language(_opening(document, _LANGUAGE_SAMPLE * 4))


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


# ---------------------------------------------------------------------------------------------
# Countries

_LEAD_SENTENCES = re.compile(r"(?<=[.!?。])\s+")


BODY_SAMPLE = 25_000


def _lead_text(document: ExtractedDocument, title: str | None) -> str:
    """The first two sentences of the body (skipping the passage that is the title)."""
    if document.passages:
        texts = [p.text for p in document.passages[:5]]
    else:
        texts = _opening(document, 2_000).split("\n\n")
    for text in texts:
        text = _clean(text)
        if not text or (title and text == _clean(title)) or _title_like(text):
            continue
        sentences = _LEAD_SENTENCES.split(text[:1_000])
        return " ".join(sentences[:2])[:500]
    return ""


#: The publisher's own country is listed when it holds this share of the mentions.
ABOUT_HOME_SHARE = 1 / 3
_GOV_DOMAINS = {"gov": "USA", "mil": "USA"}


def _country_names() -> dict[str, str]:
    from coi.gazetteer import countries

    return {_clean(n).casefold(): c.code for c in countries() for n in c.names if len(n) >= 2}


def _names_in(value: str) -> set[str]:
    """Countries a name such as "United States Department of State" or "UK Home Office"
    contains (the gazetteer drops such institution names from running text on purpose)."""
    names = _country_names()
    words = re.findall(r"[\w.]+", value)
    found: set[str] = set()
    for size in range(min(6, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i:i + size])
            if phrase[:1].isupper() and phrase.casefold() in names:
                found.add(names[phrase.casefold()])
    return found


def source_countries(metadata: dict) -> set[str]:
    """Countries the source names itself by: those named in its publisher or site name
    ("United States Department of State", "UK Home Office") and the country of its web
    address (a country-code domain such as .uk or .jp, or .gov and .mil for the United
    States)."""
    from coi.gazetteer import lookup

    found: set[str] = set()
    printed = metadata.get("printed") if isinstance(metadata.get("printed"), dict) else {}
    for key in ("publisher", "site_name"):
        value = metadata.get(key) or (printed or {}).get(key)
        if isinstance(value, str) and value:
            found.update(_names_in(value))
    url = metadata.get("url")
    if isinstance(url, str) and url:
        host = (urlparse(url).hostname or "").lower()
        labels = host.split(".")
        tld = labels[-1] if labels else ""
        if tld in _GOV_DOMAINS:
            found.add(_GOV_DOMAINS[tld])
        elif len(tld) == 2 and tld not in ("eu", "io", "tv", "me", "co"):
            country = lookup("GB" if tld == "uk" else tld.upper())
            if country is not None:
                found.add(country.code)
    return found


def _first_country(text: str) -> str | None:
    mentions = country_mentions(text)
    return mentions[0][1] if mentions else None


def _names(codes: list[str]) -> str:
    return ", ".join(by_code(c).name for c in codes)


def _countries(
    document: ExtractedDocument, title: str | None
) -> tuple[list[str], str | None, str, str]:
    title_counts = find_countries(title) if title else Counter()
    headings = dict.fromkeys(h for p in document.passages for h in p.heading_path)
    heading_counts = find_countries("\n\n".join(headings))  # each distinct heading once
    # The opening of a report says what it is about; counting names beyond the first
    # BODY_SAMPLE characters costs time (half of enrichment on long reports) and changes
    # nothing but the counts of countries mentioned in passing.
    body = find_countries(document.text[:BODY_SAMPLE])
    scores: Counter[str] = Counter()
    for code, n in body.items():
        scores[code] += n
    for code, n in heading_counts.items():
        scores[code] += HEADING_WEIGHT * n
    for code, n in title_counts.items():
        scores[code] += TITLE_WEIGHT * n
    if not scores:
        return [], None, "no country named in the document", "no country named"

    ranked = sorted(scores, key=lambda c: (-scores[c], c))
    top = ranked[0]
    total = sum(scores.values())
    primary: str | None = None
    why: str

    title_ranked = title_counts.most_common()
    lead = _first_country(_lead_text(document, title))
    if title_ranked and (len(title_ranked) == 1 or title_ranked[0][1] > title_ranked[1][1]):
        primary = title_ranked[0][0]
        why = f"title names {by_code(primary).name}"
    elif lead is not None and body[lead] >= LEAD_SHARE * max(body.values()):
        primary = lead
        why = (f"the opening names {by_code(lead).name} first, and it has {body[lead]} of "
               f"{max(body.values())} mentions of the most-mentioned country")
    elif scores[top] >= DOMINANT_SHARE * total and (
        len(ranked) == 1 or scores[top] >= DOMINANT_RATIO * scores[ranked[1]]
    ):
        primary = top
        why = (f"{by_code(top).name} has {scores[top] / total:.0%} of the weighted country "
               "mentions")
    else:
        why = (f"no country dominates: {by_code(top).name} has {scores[top] / total:.0%} of "
               "the weighted mentions")

    home = source_countries(document.metadata or {})
    if primary in home and title_counts.get(primary, 0) == 0 and (
            lead != primary or body[primary] < ABOUT_HOME_SHARE * sum(body.values())):
        # The publisher's own country is the subject only when the title names it, or the
        # opening names it first and it holds a third of the mentions.
        why = f"{by_code(primary).name} is where the publisher is; " + why
        primary = None
    anchor = scores[primary] if primary else scores[top]
    listed = [primary] if primary else []
    for code in ranked:
        if code == primary or len(listed) >= LISTED_MAX:
            continue
        if code in home and scores[code] < ABOUT_HOME_SHARE * total:
            continue  # named as the publisher's home, not what the content is about
        if scores[code] >= max(LISTED_MIN, LISTED_SHARE * anchor):
            listed.append(code)
    countries_reason = (
        f"weighted mentions (title x{TITLE_WEIGHT}, headings x{HEADING_WEIGHT}): "
        + ", ".join(f"{c} {scores[c]}" for c in ranked[:6])
        + (f"; the publisher's country ({_names(sorted(home))}) is listed only when the "
           "content is about it" if home else "")
        + (f"; listed: {_names(listed)}" if listed else "; none substantial enough to list")
    )
    return listed, primary, countries_reason, why
