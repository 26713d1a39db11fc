"""The page machinery shared by the documents: text clean-up for the registered fonts, and an
A4 page with a header (document title, case number) and a footer ("Page N of M") on every page,
with helpers for headings, wrapped paragraphs, ruled tables and signature lines.

A character that no registered font has is transliterated (``anyascii``) rather than dropped or
allowed to fail. Without any TrueType font the documents are set in the core Helvetica font and
every character outside Latin-1 is transliterated; the PDF's subject then says so, and a note on
the first page tells the reader.

Known limit: without a text-shaping engine (uharfbuzz is not a dependency), Arabic-script text
is drawn letter by letter, left to right, in isolated forms; it extracts correctly but does not
read as shaped Arabic on paper.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from anyascii import anyascii
from fpdf import FPDF, FontFace
from fpdf.enums import TableHeadingsDisplay, TextMode, XPos, YPos

from workbench.core.documents.fonts import (
    FontFile,
    FontSet,
    IdentityOutputProducer,
    discover_fonts,
    use_cid_codes,
    without_full_width_scripts,
)
from workbench.core.documents.text import (
    CJK_CHAR,
    LATIN1_PRINTABLE,
    NO_LINE_START,
    TOKENS,
    TextFilter,
    as_text,
    metadata_text,
)
from workbench.core.i18n import t

log = logging.getLogger(__name__)

AUTHOR = "Protection workbench"
TRANSLITERATED_NOTE = "text transliterated to ASCII: no Unicode (TrueType) font was available"

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


class DocumentPdf(FPDF):
    """A4 portrait; header with the document title and the case number on every page, footer
    "Page N of M"; helpers for headings, wrapped paragraphs, tables and signature lines."""

    def __init__(
        self,
        *,
        title: str,
        case_number: str,
        fonts: FontSet,
        language: str = "en",
        footer_note: str = "",
        header_flag: str = "",
    ) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(left=20, top=25, right=20)
        self.set_auto_page_break(True, margin=20)
        self.language = language
        self.core = True
        self.real_bold = True
        self._setup_fonts(fonts)
        self.clean = TextFilter(self._covers)
        self._widths: dict[tuple[str, str], dict[str, float]] = {}
        self.doc_title = self.one_line(title)
        self.case_label = self.one_line(self.t("pdf.case_label", number=as_text(case_number)))
        self.footer_note = self.one_line(footer_note)
        self.header_flag = self.one_line(header_flag)
        # The page-count alias is only live while the footer is drawn (header() switches it
        # off again), so that a literal "{nb}" in a narrative is printed as typed.
        self.alias_nb_pages(_NB)
        self.str_alias_nb_pages = None
        self.set_title(metadata_text(f"{title} - {as_text(case_number)}"))
        self.set_author(AUTHOR)
        self.set_creator(AUTHOR)
        self.set_lang(language)
        self.set_creation_date(datetime.now(UTC))
        self._subject = title

    # -- fonts ---------------------------------------------------------------------------------

    def _setup_fonts(self, fonts: FontSet) -> None:
        families: list[tuple[str, FontFile, bool]] = []
        for number, font in enumerate(fonts.fonts):
            family = _MAIN if not families else f"wbfallback{number}"
            # Japanese fonts draw Greek and Cyrillic full-width: leave those to a fallback font.
            subset = without_full_width_scripts(font, fonts.fonts[number + 1 :])
            try:
                self.add_font(family, "", font.path, collection_font_number=font.index,
                              unicode_range=subset)
            except Exception:
                log.warning("font %s cannot be embedded; skipped", font.path, exc_info=True)
                continue
            bold = False
            if font.bold_path:
                try:
                    self.add_font(family, "B", font.bold_path,
                                  collection_font_number=font.bold_index,
                                  unicode_range=subset)
                    bold = True
                except Exception:
                    log.warning("bold font %s cannot be embedded", font.bold_path, exc_info=True)
            families.append((family, font, bold))
        if not families:
            self._cmaps: tuple[dict[int, object], ...] = ()
            return
        for registered in self.fonts.values():
            use_cid_codes(registered)  # CID-keyed CFF fonts (Noto CJK): text that reads back
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

    def t(self, key: str, **values: object) -> str:
        """The catalogue's message for ``key`` in the document's language."""
        return t(key, self.language, **values)

    def one_line(self, text: object) -> str:
        """Cleaned text for a single-line cell (header, footer)."""
        return " ".join(self.clean(text).split("\n"))

    def _covers(self, codepoint: int) -> bool:
        if self.core:
            return codepoint in LATIN1_PRINTABLE
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
            self.cell(half, 5, self.t("pdf.page_of", page=self.page_no(), pages=_NB),
                      align="R")

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
        align: str = "L",
    ) -> None:
        self.set_text_color(_GREY if grey else 0)
        self.use_font(size, bold)
        self.text_lines(self.clean(text), indent, self.line_height(size), align=align)
        self.set_text_color(0)
        self.use_font(size)
        self.ln(after)

    def text_lines(self, text: str, indent: float, line_height: float,
                   align: str = "L") -> None:
        """Draw cleaned ``text`` wrapped to the width right of ``indent``, one cell per line,
        breaking pages as needed. (What multi_cell does, in linear rather than quadratic time
        per line: fpdf2 re-measures the whole line for every character it adds, which made a
        30-page record take several seconds.)"""
        width = self.epw - indent
        for line in self.wrap(text, width - 2 * self.c_margin):
            self.set_x(self.l_margin + indent)
            self.cell(width, line_height, line, align=align, new_x=XPos.LMARGIN,
                      new_y=YPos.NEXT)

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
            for token in TOKENS.findall(raw):
                token_w = measure(token)
                if token[0].isspace():  # kept only between words (and as leading indent)
                    space, space_w = space + token, space_w + token_w
                    continue
                if used + space_w + token_w <= limit:
                    parts += [space, token]
                    used += space_w + token_w
                elif token_w <= limit:
                    carry = self._kinsoku(parts, token)
                    if parts:
                        lines.append("".join(parts))
                    parts = [*carry, token]
                    used = measure("".join(parts))
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
    def _kinsoku(parts: list[str], token: str) -> list[str]:
        """Japanese line breaking (禁則処理): a closing mark (。、」）...) never starts a line, so
        the character before it moves down with it. Takes that character off ``parts`` and
        returns it (nothing when ``token`` may start a line or the line would be left empty)."""
        if token not in NO_LINE_START:
            return []
        while parts and not parts[-1]:
            parts.pop()  # the empty separators between CJK characters
        if len(parts) > 1 and len(parts[-1]) == 1 and CJK_CHAR.match(parts[-1]):
            return [parts.pop()]
        return []

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
        parts = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", as_text(text)) if p.strip()]
        for part in parts or ["-"]:
            self.paragraph(part, after=3, **kwargs)

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit on this one."""
        if self.room < height:
            self.add_page()

    def title_block(self, title: str, subtitle: str = "", *, centred: bool = False) -> None:
        self.paragraph(title, size=17, bold=True, after=0.5, align="C" if centred else "L")
        if subtitle:
            self.paragraph(subtitle, size=10, grey=True, after=1, align="C" if centred else "L")
        if self.core:
            self.paragraph(self.t("pdf.no_font_note"), size=8.5, grey=True)
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
        lines = [item for item in items if as_text(item).strip()]
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
                cells.append(self.wrap(self.clean(cell), inner[number]) if as_text(cell) else [])
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
                            first = cells[0][0] if cells[0] else ""
                            text = f"{first} {self.t('pdf.continued')}".strip()
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
            self.cell(20, 5, self.clean(self.t("pdf.signature")))
            self.set_xy(left + 112, baseline - 4.5)
            self.cell(12, 5, self.clean(self.t("pdf.date")))
            self.set_text_color(0)
            self.set_draw_color(0)
            self.set_line_width(0.3)
            self.line(left + 20, baseline, left + 106, baseline)
            self.line(left + 124, baseline, self.w - self.r_margin, baseline)
            self.set_xy(left, baseline + 5)

    def seal_block(self, lines: Sequence[str]) -> None:
        """The issuing authority as an official document names it: ``lines`` (the date, the
        authority) right-aligned, beside a square box for the official seal with its label."""
        box, lh = 24.0, self.line_height(11)
        self.keep(max(box, lh * len(lines)) + 6)
        top = self.y + 2
        text_right = self.w - self.r_margin - box - 4
        self.set_y(top)
        self.set_text_color(0)
        for number, line in enumerate(lines):
            self.use_font(11, bold=number == len(lines) - 1)
            self.set_x(self.l_margin)
            self.cell(text_right - self.l_margin, lh, self.one_line(line), align="R",
                      new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.use_font(10)
        left = self.w - self.r_margin - box
        self.set_draw_color(90)
        self.set_line_width(0.4)
        self.rect(left, top, box, box)
        self.set_text_color(_GREY)
        self.use_font(9)
        self.set_xy(left, top + box / 2 - 2.5)
        self.cell(box, 5, self.one_line(self.t("pdf.seal")), align="C")
        self.set_text_color(0)
        self.set_draw_color(0)
        self.set_xy(self.l_margin, max(self.y, top + box) + 4)

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
        return bytes(self.output(output_producer_class=IdentityOutputProducer))


def new_document(title: str, case_number: str, language: str = "en",
                 **kwargs: str) -> DocumentPdf:
    """A document's first page, with the fonts found on this machine."""
    pdf = DocumentPdf(title=title, case_number=case_number, fonts=discover_fonts(),
                      language=language, **kwargs)
    pdf.add_page()
    return pdf
