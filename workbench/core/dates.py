"""Dates as the workbench's users read and write them.

In Japanese a date shows the Japanese era with the Gregorian year in brackets
(``令和7年12月7日 (2025年)``), on screen and in documents; in English it shows as ISO
``2025-12-07``. ``parse_date`` reads what either kind of user types: ISO dates, slashes or dots,
``2025年12月7日``, era dates written out (``令和7年12月7日``, ``令和元年5月1日``) or abbreviated
(``R7.12.7``, ``H31/4/30``), in full-width or half-width digits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from workbench.core.i18n import t


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: date


#: Eras since the Gregorian calendar was adopted, newest first.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", date(2019, 5, 1)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("明治", "M", date(1873, 1, 1)),
)


class DateFormatError(ValueError):
    """The text is not a date the workbench can read."""


def era_of(value: date) -> tuple[Era, int] | None:
    """The era and the year within it of ``value``; None before 1873."""
    for era in ERAS:
        if value >= era.start:
            return era, value.year - era.start.year + 1
    return None


def era_year_text(year_in_era: int) -> str:
    """``元`` for the first year of an era, the number otherwise."""
    return "元" if year_in_era == 1 else str(year_in_era)


def format_date(value: date | None, language: str = "en", *, empty: str = "—") -> str:
    """``2025-12-07`` in English; ``令和7年12月7日 (2025年)`` in Japanese."""
    if value is None:
        return empty
    if language != "ja":
        return value.isoformat()
    found = era_of(value)
    gregorian = f"{value.year}年{value.month}月{value.day}日"
    if found is None:
        return gregorian
    era, year = found
    return f"{era.name}{era_year_text(year)}年{value.month}月{value.day}日 ({value.year}年)"


def format_year_month(year: int, month: int, language: str = "en") -> str:
    """A month on its own: ``2025-12`` or ``令和7年12月 (2025年)``."""
    if language != "ja":
        return f"{year:04d}-{month:02d}"
    found = era_of(date(year, month, 1))
    if found is None:
        return f"{year}年{month}月"
    era, in_era = found
    return f"{era.name}{era_year_text(in_era)}年{month}月 ({year}年)"


_ERA_NAMES = {era.name: era for era in ERAS}
_ERA_LETTERS = {era.letter: era for era in ERAS}
_SEP = r"\s*[-/.．・]\s*"
_GREGORIAN = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})$")
_GREGORIAN_KANJI = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_ERA_KANJI = re.compile(
    r"^(令和|平成|昭和|大正|明治)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"
    r"(?:\s*[(（]\s*(\d{4})\s*年?\s*[)）])?$")
_ERA_LETTER = re.compile(rf"^([RHSTM])\s*(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})$")


def _normalise(text: str) -> str:
    # NFKC turns full-width digits, letters and punctuation into their plain forms.
    return unicodedata.normalize("NFKC", text).strip().upper().replace("元年", "1年")


def _make(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateFormatError(t("errors.dates.not_real_date", text=text, exc=exc)) from None


def _from_era(era: Era, in_era: int, month: int, day: int, text: str) -> date:
    if in_era < 1:
        raise DateFormatError(t("errors.dates.era_year_starts", text=text))
    value = _make(era.start.year + in_era - 1, month, day, text)
    if value < era.start:
        raise DateFormatError(t("errors.dates.era_not_begun", text=text, name=era.name,
                                start=era.start.isoformat()))
    newer = [e for e in ERAS if e.start > era.start]
    if newer and value >= min(e.start for e in newer):
        following = min(newer, key=lambda e: e.start)
        raise DateFormatError(t("errors.dates.era_ended", text=text, name=era.name,
                                name2=following.name, start=following.start.isoformat()))
    return value


def parse_date(text: str) -> date:
    """The date written in ``text``, Gregorian or Japanese era; DateFormatError otherwise."""
    raw = text
    text = _normalise(text)
    if not text:
        raise DateFormatError(t("errors.dates.no_date_given"))
    if match := _GREGORIAN.match(text) or _GREGORIAN_KANJI.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _make(year, month, day, raw)
    if match := _ERA_KANJI.match(text):
        name, in_era, month, day, gregorian = match.groups()
        in_era_number = 1 if in_era == "元" else int(in_era)
        value = _from_era(_ERA_NAMES[name], in_era_number, int(month), int(day), raw)
        if gregorian and int(gregorian) != value.year:
            raise DateFormatError(t("errors.dates.era_year_mismatch", raw=raw, name=name,
                                    in_era=in_era, year=value.year, gregorian=gregorian))
        return value
    if match := _ERA_LETTER.match(text):
        letter, in_era, month, day = match.groups()
        return _from_era(_ERA_LETTERS[letter], int(in_era), int(month), int(day), raw)
    raise DateFormatError(t("errors.dates.not_date_write", raw=raw))
