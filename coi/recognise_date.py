"""Publication dates of a COI document: dates stated near the start of its text
(:func:`find_date`: labelled dates, date lines, then running text, in many languages and
Japanese eras), the metadata's date, and the PDF creation date as a last resort.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from coi.extracted import ExtractedDocument
from coi.recognise_title import _clean

__all__ = ["find_date"]

_DATE_WINDOW = 4_000


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
