"""PDF documents of a case: the interview record, the notice of decision and the interview
preparation sheet, rendered with fpdf2 from plain frozen dataclasses.

The callers (pages, CLI, batch jobs) build the ``*Doc`` values from their read models, already
formatted as text in the office's time zone, and get PDF bytes back; they also name the files
(no personal data goes into a file name or into the PDF metadata here).

Fonts: the first of ``$WORKBENCH_PDF_FONT``, a font with Japanese glyphs (Noto Sans CJK, IPAex
or IPA Gothic, found through ``fc-list :lang=ja`` and common paths) and DejaVu Sans is the main
font; the others found are registered as fallback fonts, so that Japanese, Vietnamese, Cyrillic
and Arabic-script characters in one line all render. A character that no registered font has is
transliterated (``anyascii``) rather than dropped or allowed to fail. Without any TrueType font
the documents are set in the core Helvetica font and every character outside Latin-1 is
transliterated; the PDF's subject then says so, and a note on the first page tells the reader.

Known limit: without a text-shaping engine (uharfbuzz is not a dependency), Arabic-script text
is drawn letter by letter, left to right, in isolated forms; it extracts correctly but does not
read as shaped Arabic on paper.
"""

from __future__ import annotations

import logging
import math
import os
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from anyascii import anyascii
from fpdf import FPDF, FontFace
from fpdf.enums import TableHeadingsDisplay, TextMode, XPos, YPos

__all__ = [
    "AnswerLine",
    "CitationLine",
    "FontFile",
    "FontSet",
    "IncidentLine",
    "InconsistencyLine",
    "InterviewRecordDoc",
    "NoticeDoc",
    "PrepPassage",
    "PrepQuestion",
    "PreparationSheetDoc",
    "SessionLine",
    "discover_fonts",
    "interview_record_pdf",
    "notice_pdf",
    "preparation_sheet_pdf",
]

log = logging.getLogger(__name__)

AUTHOR = "Protection workbench"
FONT_ENV = "WORKBENCH_PDF_FONT"
TRANSLITERATED_NOTE = "text transliterated to ASCII: no Unicode (TrueType) font was available"


# --------------------------------------------------------------------------------------------
# Document inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerLine:
    section: str
    prompt: str
    answer: str  # already formatted as text ("Yes", "2024-03-01", "a, b")


@dataclass(frozen=True)
class IncidentLine:
    when: str
    place: str
    actor: str
    what_happened: str
    injuries: str
    witnesses: str
    reported: str
    evidence: str


@dataclass(frozen=True)
class InconsistencyLine:
    put_to_applicant: str
    explanation: str
    raised_on: str


@dataclass(frozen=True)
class SessionLine:
    number: int
    date: str
    start: str
    end: str
    place: str
    language: str
    interpreter: str
    present: str
    breaks: str


@dataclass(frozen=True)
class InterviewRecordDoc:
    case_number: str
    applicant: str
    nationality: str
    bank_version: str
    sessions: tuple[SessionLine, ...]
    answers: tuple[AnswerLine, ...]
    incidents: tuple[IncidentLine, ...]
    inconsistencies: tuple[InconsistencyLine, ...]
    read_back_confirmed: bool
    read_back_note: str
    inquirer: str
    interpreter: str
    produced_at: str


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


# --------------------------------------------------------------------------------------------
# Font discovery
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FontFile:
    """One font usable by fpdf2: a regular face and, when there is one, its bold face."""

    path: str
    index: int = 0  # face number inside a .ttc/.otc collection
    bold_path: str | None = None
    japanese: bool = False


@dataclass(frozen=True)
class FontSet:
    """Main font first, then the fallback fonts. Empty: core Helvetica and transliteration."""

    fonts: tuple[FontFile, ...] = ()

    @property
    def japanese(self) -> bool:
        return any(font.japanese for font in self.fonts)

    @property
    def unicode(self) -> bool:
        return bool(self.fonts)


_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

_JAPANESE_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKjp-Regular.otf",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/ipa-ex-gothic/ipaexg.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/ipa-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)

_DEJAVU_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)

# Preferred Japanese faces: sans, proportional Latin, with a bold face where the family has one.
_JAPANESE_RANK = (
    ("notosanscjk", 0),
    ("notosansjp", 0),
    ("ipaexg", 1),
    ("ipagp", 2),
    ("ipag", 3),
    ("fonts-japanese-gothic", 3),
    ("gothic", 4),
    ("sans", 4),
)


def _japanese_rank(path: str) -> int:
    name = Path(path).name.lower().replace(" ", "")
    for needle, rank in _JAPANESE_RANK:
        if needle in name:
            return rank
    return 9  # mincho and other serif faces last


def _fc_list_japanese() -> list[tuple[str, int]]:
    """(file, face index) of fonts that fontconfig says cover Japanese; [] without fc-list."""
    executable = shutil.which("fc-list")
    if executable is None:
        return []
    try:
        out = subprocess.run(
            [executable, "--format", "%{file}\t%{index}\n", ":lang=ja"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found: list[tuple[str, int]] = []
    for line in out.splitlines():
        file, _, index = line.partition("\t")
        if file.strip():
            found.append((file.strip(), int(index) if index.strip().isdigit() else 0))
    return found


@lru_cache(maxsize=64)
def _cmap(path: str, index: int = 0) -> frozenset[int]:
    """The code points a font maps; empty when fontTools cannot read it."""
    try:
        from fontTools.ttLib import TTFont

        with TTFont(path, fontNumber=index, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # unreadable or unsupported file: not a candidate
        log.debug("font %s (face %d) cannot be read", path, index, exc_info=True)
        return frozenset()


def _has_japanese(cmap: frozenset[int]) -> bool:
    return all(ord(ch) in cmap for ch in "あア日本難民")


def _bold_sibling(path: str) -> str | None:
    p = Path(path)
    names = []
    if "Regular" in p.name:
        names.append(p.name.replace("Regular", "Bold"))
    names += [f"{p.stem}-Bold{p.suffix}", f"{p.stem}Bold{p.suffix}", f"{p.stem}-bold{p.suffix}"]
    for name in names:
        candidate = p.with_name(name)
        if candidate != p and candidate.is_file():
            return str(candidate)
    return None


def _usable(path: str) -> bool:
    return path.lower().endswith(_FONT_SUFFIXES) and Path(path).is_file()


@lru_cache(maxsize=1)
def discover_fonts() -> FontSet:
    """Fonts for the PDFs, looked up once per process (``discover_fonts.cache_clear()`` to
    look again): ``$WORKBENCH_PDF_FONT``, then a Japanese font, then DejaVu Sans. The first found
    is the main font, the others are fallbacks. Empty when there is no TrueType font at all."""
    fonts: list[FontFile] = []
    seen: set[tuple[str, int]] = set()

    def add(path: str, index: int = 0, *, require_japanese: bool = False) -> bool:
        if not _usable(path):
            return False
        key = (os.path.realpath(path), index)
        if key in seen:
            return False
        cmap = _cmap(path, index)
        if not cmap or (require_japanese and not _has_japanese(cmap)):
            return False
        bold = _bold_sibling(path)
        if bold is not None and not _cmap(bold, index):
            bold = None
        seen.add(key)
        fonts.append(FontFile(path, index, bold, japanese=_has_japanese(cmap)))
        return True

    configured = os.environ.get(FONT_ENV, "").strip()
    if configured:
        if not add(configured):
            log.warning("%s=%s is not a readable TrueType/OpenType font", FONT_ENV, configured)

    if not any(font.japanese for font in fonts):
        candidates = _fc_list_japanese() + [(path, 0) for path in _JAPANESE_PATHS]
        candidates.sort(key=lambda item: _japanese_rank(item[0]))  # stable: fc-list order kept
        for path, index in candidates:
            if add(path, index, require_japanese=True):
                break

    for path in _DEJAVU_PATHS:
        if add(path):
            break
    return FontSet(tuple(fonts))


_CJK = "\u2e80-\u2fff\u3000-\u30ff\u3100-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_TOKENS = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")

_FULL_WIDTH_IN_CJK = ((0x0370, 0x03FF), (0x0400, 0x052F))  # Greek, Cyrillic


def _without_full_width_scripts(
    font: FontFile, fallbacks: Sequence[FontFile]
) -> list[int] | None:
    """The code points to take from a Japanese ``font`` when a later font has Greek and Cyrillic
    (None: take them all)."""
    if not font.japanese:
        return None
    probes = [ord("Ж"), ord("Ω")]  # Zhe, Omega
    if not any(all(p in _cmap(f.path, f.index) for p in probes) for f in fallbacks):
        return None
    return sorted(
        cp
        for cp in _cmap(font.path, font.index)
        if not any(low <= cp <= high for low, high in _FULL_WIDTH_IN_CJK)
    )


# --------------------------------------------------------------------------------------------
# Text clean-up
# --------------------------------------------------------------------------------------------

_LATIN1_PRINTABLE = frozenset([*range(0x20, 0x7F), *range(0xA0, 0x100)])
_ASCII_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _metadata_text(text: str) -> str:
    """Text for the PDF's information dictionary: any Unicode, minus control, format and
    surrogate code points."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))


class _TextFilter:
    """Makes any text safe to draw with the registered fonts: newlines normalised, control and
    format characters dropped, NFC composed (so that "ễ" is one glyph), and every character that
    no font has replaced by its ``anyascii`` transliteration (or "?")."""

    def __init__(self, covers: Callable[[int], bool]) -> None:
        self._covers = covers
        self._cache: dict[str, str] = {}
        self.replaced = 0  # how many characters were transliterated or dropped for want of a glyph
        self._ascii_ok = all(covers(cp) for cp in range(0x20, 0x7F))

    def __call__(self, value: object) -> str:
        text = _as_text(value)
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        if text.isascii() and self._ascii_ok:
            return _ASCII_CONTROL.sub("", text)
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


@lru_cache(maxsize=1)
def _text_stroke_scale() -> float:
    """Points per unit of ``line_width`` in the outline width fpdf2 writes for stroked text.
    fpdf2 2.8 writes the value unscaled ("2 Tr 1.00 w" for 1 mm), i.e. as points; measured here
    so that a fixed fpdf2 (which would scale it to millimetres) does not make bold text heavy."""
    try:
        probe = FPDF(unit="mm")
        probe.compress = False
        probe.add_page()
        probe.set_font("helvetica", size=10)
        probe.text_mode = TextMode.FILL_STROKE
        probe.set_line_width(1)
        probe.cell(10, 5, "x")
        match = re.search(rb"2 Tr ([0-9.]+) w", bytes(probe.pages[1].contents))
        return float(match.group(1)) if match else 1.0
    except Exception:
        return 1.0


# --------------------------------------------------------------------------------------------
# The page machinery shared by the three documents
# --------------------------------------------------------------------------------------------

_NB = "{nb}"
_MAIN = "wbmain"
_GREY = 95
_LABEL_FILL = (236, 238, 242)
_PT = 25.4 / 72  # mm per point


class _Pdf(FPDF):
    """A4 portrait; header with the document title and the case number on every page, footer
    "Page N of M"; helpers for headings, wrapped paragraphs, tables and signature lines."""

    def __init__(
        self,
        *,
        title: str,
        case_number: str,
        fonts: FontSet,
        footer_note: str = "",
        header_flag: str = "",
    ) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(left=20, top=25, right=20)
        self.set_auto_page_break(True, margin=20)
        self.core = True
        self.real_bold = True
        self._setup_fonts(fonts)
        self.clean = _TextFilter(self._covers)
        self._widths: dict[tuple[str, str], dict[str, float]] = {}
        self.doc_title = self.one_line(title)
        self.case_label = self.one_line(f"Case {_as_text(case_number)}")
        self.footer_note = self.one_line(footer_note)
        self.header_flag = self.one_line(header_flag)
        # The page-count alias is only live while the footer is drawn (header() switches it
        # off again), so that a literal "{nb}" in a narrative is printed as typed.
        self.alias_nb_pages(_NB)
        self.str_alias_nb_pages = None
        self.set_title(_metadata_text(f"{title} - {_as_text(case_number)}"))
        self.set_author(AUTHOR)
        self.set_creator(AUTHOR)
        self.set_lang("en")
        self.set_creation_date(datetime.now(UTC))
        self._subject = title

    # -- fonts ---------------------------------------------------------------------------------

    def _setup_fonts(self, fonts: FontSet) -> None:
        families: list[tuple[str, FontFile, bool]] = []
        for number, font in enumerate(fonts.fonts):
            family = _MAIN if not families else f"wbfallback{number}"
            # Japanese fonts draw Greek and Cyrillic full-width: leave those to a fallback font.
            subset = _without_full_width_scripts(font, fonts.fonts[number + 1 :])
            try:
                self.add_font(family, "", font.path, collection_font_number=font.index,
                              unicode_range=subset)
            except Exception:
                log.warning("font %s cannot be embedded; skipped", font.path, exc_info=True)
                continue
            bold = False
            if font.bold_path:
                try:
                    self.add_font(family, "B", font.bold_path, collection_font_number=font.index,
                                  unicode_range=subset)
                    bold = True
                except Exception:
                    log.warning("bold font %s cannot be embedded", font.bold_path, exc_info=True)
            families.append((family, font, bold))
        if not families:
            self._cmaps: tuple[dict[int, object], ...] = ()
            return
        self.core = False
        self.real_bold = families[0][2]
        self._cmaps = tuple(self.fonts[family.lower()].cmap for family, _, _ in families)
        if len(families) > 1:
            self.set_fallback_fonts([family for family, _, _ in families[1:]], exact_match=False)

    def _render_styled_text_line(self, *args: Any, **kwargs: Any) -> Any:
        # fpdf2 2.8 bug workaround: when the first characters of a line are drawn with a
        # fallback font, fpdf2 sets the main font inside the line's own q/Q block yet marks it as
        # set for the page, so the next lines are drawn at whatever size the page had before
        # (text then runs off the page). Setting the font on the page first avoids that.
        if (
            self.page
            and self._fallback_font_ids
            and self.current_font is not None
            and not self.current_font_is_set_on_page
            and not kwargs.get("prevent_font_change")
            and hasattr(self, "_set_font_for_page")
        ):
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        return super()._render_styled_text_line(*args, **kwargs)

    def one_line(self, text: object) -> str:
        """Cleaned text for a single-line cell (header, footer)."""
        return " ".join(self.clean(text).split("\n"))

    def _covers(self, codepoint: int) -> bool:
        if self.core:
            return codepoint in _LATIN1_PRINTABLE
        return any(codepoint in cmap for cmap in self._cmaps)

    def use_font(self, size: float, bold: bool = False) -> None:
        """Regular or bold text; a main font without a bold face gets a stroked ("faux") bold."""
        if self.core:
            self.set_font("helvetica", "B" if bold else "", size)
            return
        self.set_font(_MAIN, "B" if bold and self.real_bold else "", size)
        if bold and not self.real_bold:
            self.text_mode = TextMode.FILL_STROKE
            self.set_line_width(size * 0.045 / _text_stroke_scale())  # outline of 4.5 % em
            self.set_draw_color(*self.text_color.colors255)  # stroke in the colour of the text
        elif self.text_mode != TextMode.FILL:
            # fpdf2 writes "Tr" only for text drawn in a non-fill mode and never switches the
            # content stream back by itself: do it here, or all later text stays stroked.
            self.text_mode = TextMode.FILL
            if self.page:
                self._out("0 Tr")

    # -- header and footer ---------------------------------------------------------------------

    def header(self) -> None:
        self.str_alias_nb_pages = None
        with self.local_context():
            self.set_y(10)
            half = self.epw / 2
            self.set_text_color(_GREY)
            self.use_font(9, bold=True)
            self.cell(half, 5, self.doc_title, align="L")
            self.use_font(9)
            case = self.case_label + (f"  -  {self.header_flag}" if self.header_flag else "")
            if self.header_flag:
                self.set_text_color(160, 0, 0)
            self.cell(half, 5, case, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_draw_color(170)
            self.set_line_width(0.3)
            self.line(self.l_margin, 16.5, self.w - self.r_margin, 16.5)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        with self.local_context():
            self.set_y(-14)
            self.set_text_color(_GREY)
            self.use_font(8)
            half = self.epw / 2
            self.cell(half, 5, self.footer_note, align="L")
            self.str_alias_nb_pages = _NB  # stays on for the substitution at output time
            self.cell(half, 5, f"Page {self.page_no()} of {_NB}", align="R")

    # -- blocks ------------------------------------------------------------------------------

    @property
    def room(self) -> float:
        """Space left on the page above the bottom margin, in mm."""
        return self.page_break_trigger - self.y

    def line_height(self, size: float) -> float:
        return size * _PT * 1.4

    def paragraph(
        self,
        text: object,
        *,
        size: float = 10,
        bold: bool = False,
        indent: float = 0,
        grey: bool = False,
        after: float = 1.5,
    ) -> None:
        self.set_text_color(_GREY if grey else 0)
        self.use_font(size, bold)
        self.text_lines(self.clean(text), indent, self.line_height(size))
        self.set_text_color(0)
        self.use_font(size)
        self.ln(after)

    def text_lines(self, text: str, indent: float, line_height: float) -> None:
        """Draw cleaned ``text`` wrapped to the width right of ``indent``, one cell per line,
        breaking pages as needed. (What multi_cell does, in linear rather than quadratic time
        per line: fpdf2 re-measures the whole line for every character it adds, which made a
        30-page record take several seconds.)"""
        width = self.epw - indent
        for line in self.wrap(text, width - 2 * self.c_margin):
            self.set_x(self.l_margin + indent)
            self.cell(width, line_height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _char_width(self, ch: str, table: dict[str, float]) -> float:
        """Width in mm at 1 pt of ``ch`` in the current font, or in the fallback font fpdf2
        will draw it with (the same choice as ``FPDF._parse_chars``)."""
        font = self.current_font
        if self.core:
            units = font.cw.get(ch, 0)
        elif ord(ch) in font.cmap:
            units = font.cw[ord(ch)]
        else:
            fallback = self.get_fallback_font(ch, self.font_style)
            units = (self.fonts[fallback] if fallback else font).cw[ord(ch)]
        width = units * 0.001 / self.k
        table[ch] = width
        return width

    def wrap(self, text: str, width: float) -> list[str]:
        """Split ``text`` into lines no wider than ``width`` mm in the current font: at spaces,
        between CJK characters, and inside a word only when the word alone is too wide."""
        table = self._widths.setdefault((self.font_family, self.font_style), {})
        limit = width / self.font_size_pt - 1e-6

        def measure(chunk: str) -> float:
            return sum(table.get(ch) or self._char_width(ch, table) for ch in chunk)

        lines: list[str] = []
        for raw in text.split("\n"):
            parts: list[str] = []
            used = 0.0
            space, space_w = "", 0.0
            for token in _TOKENS.findall(raw):
                token_w = measure(token)
                if token[0].isspace():  # kept only between words (and as leading indent)
                    space, space_w = space + token, space_w + token_w
                    continue
                if used + space_w + token_w <= limit:
                    parts += [space, token]
                    used += space_w + token_w
                elif token_w <= limit:
                    if parts:
                        lines.append("".join(parts))
                    parts, used = [token], token_w
                else:  # a word wider than the line: break it between characters
                    if parts and used + space_w < limit:
                        parts.append(space)
                        used += space_w
                    for ch in self._fitting(token, limit, measure):
                        ch_w = measure(ch)
                        if used + ch_w > limit and parts:
                            lines.append("".join(parts))
                            parts, used = [], 0.0
                        parts.append(ch)
                        used += ch_w
                space, space_w = "", 0.0
            lines.append("".join(parts))
        return lines

    @staticmethod
    def _fitting(token: str, limit: float, measure: Callable[[str], float]) -> Iterable[str]:
        """The characters of ``token``; one wider than a whole line is spelt out in ASCII
        (or "?"), which fits, instead (fpdf2 refuses to draw it in a table cell)."""
        for ch in token:
            if measure(ch) <= limit:
                yield ch
                continue
            for sub in anyascii(ch) or "?":
                yield sub if " " < sub <= "~" and measure(sub) <= limit else "?"

    def paragraphs(self, text: object, **kwargs: float) -> None:
        """Text whose paragraphs are separated by blank lines."""
        parts = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", _as_text(text)) if p.strip()]
        for part in parts or ["-"]:
            self.paragraph(part, after=3, **kwargs)

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit on this one."""
        if self.room < height:
            self.add_page()

    def title_block(self, title: str, subtitle: str = "") -> None:
        self.paragraph(title, size=17, bold=True, after=0.5)
        if subtitle:
            self.paragraph(subtitle, size=10, grey=True, after=1)
        if self.core:
            self.paragraph(
                "Note: no Unicode font was available when this document was produced; characters "
                "outside the Latin alphabet have been transliterated.",
                size=8.5,
                grey=True,
            )
        self.ln(2)

    def heading(self, text: str, level: int = 1) -> None:
        size = {1: 13.0, 2: 11.0}.get(level, 10.0)
        self.keep(30 if level == 1 else 22)
        if self.y > self.t_margin + 1:
            self.ln(4 if level == 1 else 2)
        self.paragraph(text, size=size, bold=True, after=0.5)
        if level == 1:
            self.set_draw_color(120)
            self.set_line_width(0.4)
            self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
        self.ln(2.5 if level == 1 else 1)

    def bullets(self, items: Iterable[object], *, empty: str) -> None:
        lines = [item for item in items if _as_text(item).strip()]
        if not lines:
            self.paragraph(empty, grey=True)
            return
        for item in lines:
            self.use_font(10)
            self.set_x(self.l_margin + 2)
            self.cell(4, self.line_height(10), self.clean("\u2022"))
            self.text_lines(self.clean(item), 6, self.line_height(10))
            self.ln(1)
        self.ln(1)

    def banner(self, text: str) -> None:
        """A boxed, red, bold notice across the page."""
        size, pad = 11.0, 2.5
        lh = self.line_height(size)
        inner = self.epw - 2 * pad
        self.use_font(size, bold=True)
        lines = self.wrap(self.clean(text), inner - 2 * self.c_margin)
        height = len(lines) * lh + 2 * pad
        self.keep(height + 2)
        top = self.y
        self.use_font(size)
        self.set_line_width(0.7)
        self.set_draw_color(170, 0, 0)
        self.set_fill_color(253, 235, 235)
        self.rect(self.l_margin, top, self.epw, height, style="DF")
        self.set_y(top + pad)
        self.set_text_color(150, 0, 0)
        self.use_font(size, bold=True)
        for line in lines:
            self.set_x(self.l_margin + pad)
            self.cell(inner, lh, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.set_draw_color(0)
        self.set_fill_color(255)
        self.use_font(10)
        self.set_y(top + height + 4)

    def grid(
        self,
        rows: Sequence[Sequence[object]],
        widths: Sequence[float],
        *,
        headings: Sequence[str] = (),
        label_column: bool = False,
        size: float = 9,
    ) -> None:
        """A ruled table whose cells wrap their text. Column widths are relative. A row too tall
        for one page is continued in further rows rather than cut."""
        lh = self.line_height(size)
        pad = 1.0
        inner = [self.epw * w / sum(widths) - 2 * pad - 0.3 for w in widths]
        label_style = FontFace(emphasis="BOLD" if self.real_bold else None, fill_color=_LABEL_FILL)
        # Wrap every cell here (fpdf2 then only follows the line breaks): it gives the exact
        # row heights, and a glyph wider than its column becomes narrower text, not an error.
        wrapped: list[list[list[str]]] = []
        for row in rows:
            cells = []
            for number, cell in enumerate(row):
                self.use_font(size, bold=label_column and number == 0 and self.real_bold)
                cells.append(self.wrap(self.clean(cell), inner[number]) if _as_text(cell) else [])
            wrapped.append(cells)
        self.use_font(size)
        self.set_text_color(0)
        heading_lines = max((len(self.wrap(self.clean(h), w)) for h, w in zip(headings, inner,
                                                                              strict=False)),
                            default=0)
        overhead = 2 * pad + 2 + (heading_lines * lh + 2 * pad if headings else 0)
        max_lines = max(2, int((self.page_break_trigger - self.t_margin - overhead) / lh) - 1)
        self.set_draw_color(150)
        self.set_fill_color(255)
        self.set_line_width(0.2)
        with self.table(
            width=self.epw,
            col_widths=tuple(widths),
            align="LEFT",
            text_align="LEFT",
            v_align="TOP",
            line_height=lh,
            padding=pad,
            first_row_as_headings=bool(headings),
            headings_style=label_style,
            repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
        ) as table:
            if headings:
                heading_row = table.row()
                for heading, width in zip(headings, inner, strict=True):
                    heading_row.cell("\n".join(self.wrap(self.clean(heading), width)))
            for cells in wrapped:
                chunks = max(1, *(math.ceil(len(lines) / max_lines) for lines in cells))
                for chunk in range(chunks):
                    table_row = table.row()
                    for number, lines in enumerate(cells):
                        text = "\n".join(lines[chunk * max_lines : (chunk + 1) * max_lines])
                        if chunk and number == 0 and label_column:
                            text = f"{cells[0][0] if cells[0] else ''} (continued)".strip()
                        style = label_style if label_column and number == 0 else None
                        table_row.cell(text, style=style)
        self.set_draw_color(0)
        self.ln(3)

    def fields(self, rows: Sequence[tuple[str, object]], label_share: float = 30) -> None:
        """Label / value pairs as a two-column table."""
        self.grid([(label, value) for label, value in rows], (label_share, 100 - label_share),
                  label_column=True)

    def signature_lines(self, signatories: Sequence[tuple[str, str]]) -> None:
        """For each (role, name): the role and name, a signature line and a date line."""
        block = 27
        self.keep(block * len(signatories))
        lh = self.line_height(10)
        for role, name in signatories:
            self.set_text_color(0)
            self.use_font(10, bold=True)
            self.text_lines(self.clean(role), 0, lh)
            self.use_font(10)
            self.text_lines(self.clean(name), 0, lh)
            baseline = self.y + 10
            left = self.l_margin
            self.use_font(9)
            self.set_text_color(_GREY)
            self.set_xy(left, baseline - 4.5)
            self.cell(20, 5, "Signature")
            self.set_xy(left + 112, baseline - 4.5)
            self.cell(12, 5, "Date")
            self.set_text_color(0)
            self.set_draw_color(0)
            self.set_line_width(0.3)
            self.line(left + 20, baseline, left + 106, baseline)
            self.line(left + 124, baseline, self.w - self.r_margin, baseline)
            self.set_xy(left, baseline + 5)

    # -- output --------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        notes = [self._subject]
        if self.core:
            notes.append(TRANSLITERATED_NOTE)
        elif self.clean.replaced:
            notes.append(
                f"{self.clean.replaced} character(s) without a glyph in the available fonts "
                "were transliterated"
            )
        self.set_subject("; ".join(notes))
        return bytes(self.output())


def _new_pdf(title: str, case_number: str, **kwargs: str) -> _Pdf:
    pdf = _Pdf(title=title, case_number=case_number, fonts=discover_fonts(), **kwargs)
    pdf.add_page()
    return pdf


def _or_dash(value: object) -> str:
    text = _as_text(value).strip()
    return text if text else "-"


# --------------------------------------------------------------------------------------------
# Interview record
# --------------------------------------------------------------------------------------------


def _read_back_statement(doc: InterviewRecordDoc) -> str:
    note = _as_text(doc.read_back_note).strip()
    if not doc.read_back_confirmed:
        reason = f" Note: {note}" if note else " No reason was recorded."
        return "The record was not read back to the applicant." + reason
    languages: list[str] = []
    for session in doc.sessions:
        language = _as_text(session.language).strip()
        if language and language not in languages:
            languages.append(language)
    language = " and ".join(languages) if languages else "the language of the interview"
    interpreter = _as_text(doc.interpreter).strip()
    through = f" through the interpreter, {interpreter}," if interpreter else ""
    statement = (
        f"The record was read back to the applicant in {language}{through} and the applicant "
        "confirmed that it is a correct record of what was said."
    )
    return statement + (f" Note: {note}" if note else "")


def interview_record_pdf(doc: InterviewRecordDoc) -> bytes:
    """The record of interview: sessions, questions and answers by section, incidents of past
    harm, inconsistencies put to the applicant, the read-back statement and signature lines."""
    title = "Record of interview"
    pdf = _new_pdf(title, doc.case_number, footer_note=f"Produced {_as_text(doc.produced_at)}")
    pdf.title_block(title, "Application for recognition of refugee status or complementary "
                           "protection")
    pdf.fields(
        [
            ("Case number", doc.case_number),
            ("Applicant", doc.applicant),
            ("Nationality", doc.nationality),
            ("Inquirer", doc.inquirer),
            ("Interpreter", _or_dash(doc.interpreter)),
            ("Question bank", doc.bank_version),
            ("Record produced", doc.produced_at),
        ]
    )

    pdf.heading("1. Interview sessions")
    if doc.sessions:
        pdf.grid(
            [
                (s.number, s.date, s.start, s.end, s.place, s.language, s.interpreter, s.present,
                 s.breaks)
                for s in doc.sessions
            ],
            (8, 21, 11, 11, 25, 20, 24, 26, 24),
            headings=("No.", "Date", "Start", "End", "Place", "Language", "Interpreter",
                      "Present", "Breaks"),
            size=8.5,
        )
    else:
        pdf.paragraph("No interview session is recorded.", grey=True)

    pdf.heading("2. Questions and answers")
    if not doc.answers:
        pdf.paragraph("No answers are recorded.", grey=True)
    section: str | None = None
    for answer in doc.answers:
        if answer.section != section:
            section = answer.section
            pdf.heading(_or_dash(section), level=2)
        pdf.keep(16)
        pdf.paragraph(answer.prompt, bold=True, after=0.5)
        text = _as_text(answer.answer)
        pdf.paragraph(text if text.strip() else "(no answer recorded)", indent=5,
                      grey=not text.strip(), after=3)

    pdf.heading("3. Incidents of past harm")
    if not doc.incidents:
        pdf.paragraph("No incidents of past harm are recorded.", grey=True)
    for number, incident in enumerate(doc.incidents, start=1):
        pdf.heading(f"Incident {number}", level=2)
        pdf.fields(
            [
                ("When", _or_dash(incident.when)),
                ("Place", _or_dash(incident.place)),
                ("Actor", _or_dash(incident.actor)),
                ("What happened", _or_dash(incident.what_happened)),
                ("Injuries", _or_dash(incident.injuries)),
                ("Witnesses", _or_dash(incident.witnesses)),
                ("Reported to authorities", _or_dash(incident.reported)),
                ("Evidence", _or_dash(incident.evidence)),
            ],
            label_share=26,
        )

    pdf.heading("4. Inconsistencies put to the applicant")
    if not doc.inconsistencies:
        pdf.paragraph("No inconsistencies were put to the applicant.", grey=True)
    for number, item in enumerate(doc.inconsistencies, start=1):
        pdf.heading(f"Inconsistency {number}", level=2)
        pdf.fields(
            [
                ("Raised on", _or_dash(item.raised_on)),
                ("Put to the applicant", _or_dash(item.put_to_applicant)),
                ("Applicant's explanation", _or_dash(item.explanation)),
            ],
            label_share=26,
        )

    # The statement and the signatures belong together: keep them on one page when they fit.
    pdf.keep(40 + 27 * 3)
    pdf.heading("5. Read-back and signatures")
    pdf.paragraph(_read_back_statement(doc), after=5)
    pdf.signature_lines(
        [
            ("Applicant", doc.applicant),
            ("Interpreter", doc.interpreter),
            ("Inquirer", doc.inquirer),
        ]
    )
    return pdf.to_bytes()


# --------------------------------------------------------------------------------------------
# Notice of decision
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Interview preparation sheet
# --------------------------------------------------------------------------------------------


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
