"""Text for the documents: values written as the document's language writes them (dates in
the Japanese era in Japanese), the language a document is printed in, clean-up of any text for
the registered fonts, and the characters Japanese line breaking treats apart."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime

from anyascii import anyascii

from workbench.core.dates import format_date
from workbench.core.i18n import SUPPORTED_LANGUAGES

CJK = "\u2e80-\u2fff\u3000-\u30ff\u3100-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
TOKENS = re.compile(rf"\s+|[{CJK}]|[^\s{CJK}]+")
CJK_CHAR = re.compile(rf"[{CJK}]")
#: Marks that never start a line in Japanese text (行頭禁則).
NO_LINE_START = frozenset("、。，．，）」』】〕〉》！？：；・ー")

# --------------------------------------------------------------------------------------------
# Text clean-up
# --------------------------------------------------------------------------------------------

LATIN1_PRINTABLE = frozenset([*range(0x20, 0x7F), *range(0xA0, 0x100)])
ASCII_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def metadata_text(text: str) -> str:
    """Text for the PDF's information dictionary: any Unicode, minus control, format and
    surrogate code points."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))


class TextFilter:
    """Makes any text safe to draw with the registered fonts: newlines normalised, control and
    format characters dropped, NFC composed (so that "ễ" is one glyph), and every character that
    no font has replaced by its ``anyascii`` transliteration (or "?")."""

    def __init__(self, covers: Callable[[int], bool]) -> None:
        self._covers = covers
        self._cache: dict[str, str] = {}
        self.replaced = 0  # how many characters were transliterated or dropped for want of a glyph
        self._ascii_ok = all(covers(cp) for cp in range(0x20, 0x7F))

    def __call__(self, value: object) -> str:
        text = as_text(value)
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        if text.isascii() and self._ascii_ok:
            return ASCII_CONTROL.sub("", text)
        text = unicodedata.normalize("NFC", text)
        return "".join(self._char(ch) for ch in text)

    def _char(self, ch: str) -> str:
        cached = self._cache.get(ch)
        if cached is not None:
            if cached != ch and ch != "\n":
                self.replaced += 1
            return cached
        out = self._map(ch)
        self._cache[ch] = out
        if out != ch and ch != "\n":
            self.replaced += 1
        return out

    def _map(self, ch: str) -> str:
        if ch == "\n":
            return ch
        category = unicodedata.category(ch)
        if category in ("Zl", "Zp"):
            return "\n"
        if category in ("Cc", "Cf"):
            return ""
        if category == "Cs":
            return "?"
        if self._covers(ord(ch)):
            return ch
        if category == "Zs":
            return " "
        substitute = "".join(c for c in anyascii(ch) if " " <= c <= "~")
        return substitute or "?"


def or_dash(value: object) -> str:
    text = as_text(value).strip()
    return text if text else "-"



def document_language(language: str | None, default: str = "en") -> str:
    """``ja`` or ``en``: the language a document is printed in (``default`` when none is given,
    English for a language the workbench has no catalogue for)."""
    code = (language or default).replace("_", "-").split("-")[0].strip().lower()
    return code if code in SUPPORTED_LANGUAGES else "en"


def when(value: object, language: str) -> str:
    """A date (or date and time) as the document's language writes it: ``2025-12-07`` or
    ``令和7年12月7日 (2025年)``; text is printed as given."""
    if isinstance(value, datetime):
        return f"{format_date(value.date(), language)} {value:%H:%M}"
    if isinstance(value, date):
        return format_date(value, language)
    return as_text(value)
