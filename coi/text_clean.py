"""Pure text clean-up for extracted PDF pages: running headers/footers, page numbers,
hyphenation, paragraphs and headings.

No PDF library here: functions take and return plain strings and lists, so they can be tested
and reused for any source of page-by-page text.

Rules (deliberately simple; see the functions for details):

* Running headers/footers: a line within the first or last ``EDGE_LINES`` non-empty lines of a
  page is removed when its normalised form (digits → ``#``, case folded, words sorted) occurs
  in the edge zone of at least half of the pages (and of at least two pages); when counting,
  a short page's edge zone is at most a quarter of its lines (at least one). Once recognised,
  a running line is removed wherever it sits on a page (footnotes may follow it). Bare page
  numbers ("12", "Page 3 of 20", "3/20", "- 4 -") are removed from edge zones on any page.
  A running line glued onto other text on the same baseline is cut off that line.
* Hyphenation: a line ending in a lowercase letter and a hyphen, followed by a line starting
  with a lowercase letter, is joined *without* the hyphen ("persecu-" + "tion" →
  "persecution"). Otherwise ("COVID-" + "19", "FAA-" + "approved") the hyphen is kept and the
  lines are joined without a space. Real compounds broken at their hyphen before a lowercase
  word ("well-" + "founded" → "wellfounded") therefore lose the hyphen: an accepted, documented
  imprecision. pdfium itself marks such line-end hyphens with U+FFFE and joins the lines; the
  same rule is applied there.
* Paragraphs: a blank line starts a new paragraph; so does a line that follows a line ending in
  sentence punctuation (. ! ? : ; or a closing quote/bracket after one) when that previous line
  is visibly short (under 85 % of the document's typical line length) and the new line starts
  with a capital, digit, bullet or opening quote/bracket. Headings are their own blocks. A
  page's first paragraph continues the previous page's last one when that did not end a
  sentence (done by the caller).
* Headings: a line of at most 12 words / 100 characters without final punctuation that follows
  a line ending in sentence punctuation (or another heading / the page start), and is either
  numbered ("1.", "2.3", "Article 12", "Section 3", "Chapter IV", "a."), ALL CAPS, or "plain":
  shorter than 60 % of the typical line, not ending in a joining word (of, the, and …), at most
  4 words or Title Case, and followed by a line starting with a capital.
  Levels: Part/Title/Annex 1, Chapter 2, ALL CAPS 3, Section 3, Article 4, "1." 4 ("1.2" 5 …),
  "a." 5, plain 6; a new heading closes open headings of the same or a deeper level. A bare
  label ("Article 5") followed by a title line ("Subject matter") becomes one heading
  "Article 5 Subject matter".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

EDGE_LINES = 3

_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_PAGE_NUMBER = re.compile(
    r"^\s*[-–—(\[]?\s*(?:page|p\.|seite|página|pagina)?\s*\d{1,4}\s*"
    r"(?:(?:of|/|von|de|sur)\s*\d{1,4})?\s*[-–—)\]]?\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?:;。！？][\"'”’»)\]]*$")
_HEADING_FINAL_PUNCT = re.compile(r"[.,;:!?。、，；：！？]$")
_PARA_START = re.compile(r"^[\"'“‘«(\[•\-–—*·▪●\d]|^[^\W\d_]", re.UNICODE)
_KEYWORD_HEADING = re.compile(
    r"^(part|title|chapter|annex|appendix|section|article|recital)\s+"
    r"([0-9]+[a-z]?|[ivxlcdm]+)\b\.?",
    re.IGNORECASE,
)
_DECIMAL_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+\S")
_LETTER_HEADING = re.compile(r"^([a-z]|[ivx]{1,4})[.)]\s+\S")
_LABEL_ONLY = re.compile(
    r"^(?:(?:part|title|chapter|annex|appendix|section|article)\s+"
    r"(?:[0-9]+[a-z]?|[ivxlcdm]+)\.?)$",
    re.IGNORECASE,
)
_KEYWORD_LEVEL = {
    "part": 1,
    "title": 1,
    "annex": 1,
    "appendix": 1,
    "chapter": 2,
    "section": 3,
    "article": 4,
    "recital": 4,
}


def normalise_edge_line(line: str) -> str:
    """Key used to recognise a running header/footer line across pages.

    Digits become ``#`` and the words are sorted, so that mirrored headers on facing pages
    ("EN OJ L, 22.5.2024" / "OJ L, 22.5.2024 EN") share one key.
    """
    return " ".join(sorted(_DIGITS.sub("#", line).casefold().split()))


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line))


def _edge_indices(lines: list[str], short_pages: bool = False) -> list[int]:
    nonempty = [i for i, line in enumerate(lines) if line.strip()]
    # When counting candidates, a short page offers at most a quarter of its lines at each edge
    # (at least one), so that short pages of similar body text are not taken for headers.
    k = max(1, min(EDGE_LINES, len(nonempty) // 4)) if short_pages else EDGE_LINES
    head = nonempty[:k]
    tail = nonempty[-k:]
    return sorted(set(head) | set(tail))


def remove_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop running headers/footers and bare page numbers from each page's lines.

    A running line glued onto other text on the same baseline (an edge line that starts or ends
    with a running line of at least 15 characters) is cut off and the rest kept.
    """
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for lines in pages:
        keys = {}
        for i in _edge_indices(lines, short_pages=True):
            keys.setdefault(normalise_edge_line(lines[i]), lines[i])
        for key, line in keys.items():
            if key:
                counts[key] += 1
                examples.setdefault(key, line)
    threshold = max(2, (len(pages) + 1) // 2)
    running = {k for k, n in counts.items() if n >= threshold} if len(pages) >= 2 else set()
    patterns = [
        _DIGITS.sub(lambda _m: r"\d+", re.escape(examples[k]))
        for k in running
        if len(examples[k]) >= 15
    ]
    glued = (
        re.compile(rf"^(?:{'|'.join(patterns)})\s+|\s+(?:{'|'.join(patterns)})$", re.IGNORECASE)
        if patterns
        else None
    )
    cleaned = []
    for lines in pages:
        out = [line if normalise_edge_line(line) not in running else "" for line in lines]
        for i in _edge_indices(lines):
            line = out[i]
            if is_page_number(line):
                out[i] = ""
            elif line and glued is not None:
                out[i] = glued.sub("", line)
        cleaned.append([line for line in out if line])
    return cleaned


_PDFIUM_HYPHEN = re.compile(r"(.?)\ufffe\s*(.?)")


def _pdfium_hyphen(m: re.Match[str]) -> str:
    """pdfium replaces a line-end hyphen with U+FFFE and joins the lines: apply the rule."""
    a, b = m.group(1), m.group(2)
    if a.islower() and b.islower():
        return a + b
    return f"{a}-{b}" if a and b else a + b


def split_lines(text: str) -> list[str]:
    """Split pdfium text (CRLF line breaks, form feeds) into stripped lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _PDFIUM_HYPHEN.sub(_pdfium_hyphen, text.replace("\x00", ""))
    text = text.replace("\u00ad\n", "-\n")
    return [_SPACES.sub(" ", line).strip() for line in text.split("\n")]


def join_hyphenated(a: str, b: str) -> str | None:
    """Join ``a`` (ending in a hyphen after a letter) with ``b``; None when not hyphenated."""
    if len(a) < 2 or a[-1] not in "-\u00ad\u2010" or not a[-2].isalpha() or not b:
        return None
    if b[0].islower() and a[-2].islower():
        return a[:-1] + b
    return a + b


def heading_level(line: str) -> int | None:
    """Return a heading level (1 = outermost) when ``line`` looks like a heading, else None."""
    text = line.strip()
    if not text or len(text) > 100 or len(text.split()) > 12:
        return None
    m = _KEYWORD_HEADING.match(text)
    if m:
        return _KEYWORD_LEVEL[m.group(1).lower()]
    if _HEADING_FINAL_PUNCT.search(text):
        return None
    m = _DECIMAL_HEADING.match(text)
    if m and not _PAGE_NUMBER.match(text):
        rest = text[m.end() - 1 :]
        if rest[:1].isupper():
            return 4 + m.group(1).count(".")
        return None
    if _LETTER_HEADING.match(text):
        return 5
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 3 and all(c.isupper() for c in letters if c.isascii()) and any(
        c.isupper() for c in letters
    ):
        return 3
    return None


_TRAILING_STOPWORDS = frozenset(
    "a an and as at by for from in into of on or the to with".split()
)


def _is_plain_heading(line: str, next_line: str | None, typical: float) -> bool:
    """A short unpunctuated line: ≤ 4 words or Title Case, followed by a capitalised line."""
    text = line.strip()
    words = text.split()
    if not text or len(text) > min(80, 0.6 * typical) or _HEADING_FINAL_PUNCT.search(text):
        return False
    if not text[0].isupper() or next_line is None or not next_line[:1].isupper():
        return False
    if text[-1] in "-–—,(" or words[-1].casefold() in _TRAILING_STOPWORDS:
        return False
    title_case = all(w[:1].isupper() or len(w) < 4 or not w[:1].isalpha() for w in words)
    return len(words) <= 4 or title_case


@dataclass(frozen=True)
class Block:
    """A paragraph or heading produced from one page's lines."""

    text: str
    is_heading: bool
    level: int  # heading level; 0 for paragraphs
    continues: bool  # paragraph may continue a paragraph cut at the previous page's end


def typical_line_length(lines: list[str]) -> float:
    """90th percentile of non-empty line lengths (a full line of body text)."""
    lengths = sorted(len(x) for x in lines if x)
    return float(lengths[int(len(lengths) * 0.9)]) if lengths else 0.0


def build_blocks(lines: list[str], typical: float | None = None) -> list[Block]:
    """Group one page's lines into headings and paragraphs (see module rules).

    ``typical`` is the document's typical full-line length (default: this page's).
    """
    if typical is None:
        typical = typical_line_length(lines)
    blocks: list[Block] = []
    current: list[str] = []
    first_block = True

    def flush() -> None:
        nonlocal current, first_block
        if current:
            text = current[0]
            for nxt in current[1:]:
                joined = join_hyphenated(text, nxt)
                text = joined if joined is not None else f"{text} {nxt}"
            blocks.append(Block(text, False, 0, first_block))
            first_block = False
        current = []

    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if not line:
            flush()
            first_block = False
            i += 1
            continue
        sentence_end = not current or _SENTENCE_END.search(current[-1]) is not None
        at_boundary = sentence_end and (not current or len(current[-1]) < 0.85 * typical)
        if sentence_end:
            nxt = next((x for x in lines[i + 1 :] if x), None)
            level = heading_level(line)
            if level is None and _is_plain_heading(line, nxt, typical):
                level = 6
            if level is not None:
                flush()
                text = line
                # "Article 5" + "Subject matter" → one heading.
                if _LABEL_ONLY.match(line) and nxt is not None:
                    j = lines.index(nxt, i + 1)
                    if heading_level(nxt) is None and not _HEADING_FINAL_PUNCT.search(nxt) and (
                        len(nxt) <= 200
                    ):
                        text = f"{line} {nxt}"
                        i = j
                blocks.append(Block(text, True, level, False))
                first_block = False
                i += 1
                continue
            if current and at_boundary and _PARA_START.match(line):
                flush()
        current.append(line)
        i += 1
    flush()
    return blocks
