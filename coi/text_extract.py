"""Plain-text extraction for country-of-origin information documents.

``extract_text(path)`` returns an :class:`ExtractedDocument` of kind ``"text"``: no pages, the
document's own title and publication date when it states them near the top, and numbered
passages with the headings they sit under. Plain data in, plain data out; no ``streamlit`` or
``workbench`` import.

Rules (simple on purpose):

* Content, not the file name, decides: an empty or whitespace-only file, binary content (NUL
  bytes, control characters, a PDF/ZIP/PNG/JPEG/Office signature) and bytes that are not valid
  UTF-8 are refused with a plain message. UTF-8 with or without a byte-order mark and UTF-16 /
  UTF-32 with a byte-order mark are read.
* Paragraphs are separated by blank lines; the lines of a paragraph are joined (a word broken
  by a hyphen at a line end is rejoined, see :func:`coi.text_clean.join_hyphenated`; Japanese and
  other unspaced scripts are joined without a space). Inside a paragraph, a markdown heading,
  a bullet line ("- ", "* ", "• ") or a line indented with an ideographic space starts a new
  one. Text written one paragraph per line (lines much longer than a printed line) keeps each
  line as a paragraph; wrapped text without any blank line falls back to the PDF rules of
  :func:`coi.text_clean.build_blocks`.
* Headings: markdown ``#`` lines (level = number of ``#``), setext underlines, numbered or
  keyword headings ("2.1 Treatment of returnees", "Section 3", "第2章 …"), ALL CAPS lines, and
  short Title Case lines without final punctuation that are followed by more text.
* Title: the first heading, or a first short line that reads like a title (not a numbered
  section heading); it becomes ``metadata["title"]`` and is not repeated in heading paths. In a
  cover block, lines after the title that name a source, author or URL stay as a passage.
* A file whose content is an HTML page is refused with a hint to upload it as HTML.
* Publication date: a line near the top that is a date, optionally labelled ("Published: 12
  March 2024", "March 2024", "2024-03-12", "2024年3月12日", "公開日：令和6年3月12日"). A
  month without a day gives the first of the month. Lines labelled as updates ("Updated",
  "Last modified", "更新") are metadata too but never the publication date. Date lines at the
  top are not passages.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from coi.cjk import has_cjk
from coi.extracted import ExtractedDocument, ExtractError, Passage
from coi.text_clean import build_blocks, heading_level, join_hyphenated, typical_line_length

__all__ = [
    "DEFAULT_MAX_BYTES",
    "binary_kind",
    "extract_text",
    "extract_text_bytes",
    "normalise_space",
    "numbering",
    "outside_numbering",
    "parse_date",
    "read_limited",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# ---------------------------------------------------------------------------------------------
# Reading and validation (shared with coi.html_extract)

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (for example a Word .docx or OpenDocument file)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office document (.doc, .xls, .msg)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def read_limited(path: Path, max_bytes: int) -> bytes:
    """Read ``path`` whole, refusing a file larger than ``max_bytes`` before reading it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ExtractError(
                f"the file is too large ({_megabytes(size)}; the limit is {_megabytes(max_bytes)})"
            )
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ExtractError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise ExtractError(f"the file is too large (the limit is {_megabytes(max_bytes)})")
    return data


def binary_kind(data: bytes) -> str | None:
    """Name the binary format ``data`` starts with ("a PDF document" …), or None."""
    head = data[:1024].lstrip(b" \t\r\n")
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if b"%PDF-" in data[:1024]:
        return "a PDF document"
    return None


def bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def check_not_binary(data: bytes, expected: str) -> None:
    """Refuse empty input and known binary formats; ``expected`` names what the user sent."""
    if not data.strip():
        raise ExtractError("the file is empty: there is nothing to read")
    kind = binary_kind(data)
    if kind is not None:
        raise ExtractError(
            f"not {expected}: the content is {kind} (whatever the file name says)"
        )


def check_decoded(text: str, expected: str) -> None:
    """Refuse decoded text that is mostly control characters (binary data read as text)."""
    if "\x00" in text:
        raise ExtractError(f"not {expected}: the content has NUL bytes, so it is binary data")
    controls = len(_CONTROL.findall(text))
    if controls > 3 and controls > 0.005 * len(text):
        raise ExtractError(f"not {expected}: the content is binary data, not readable text")


def _decode_plain(data: bytes) -> str:
    check_not_binary(data, "a text file")
    encoding = bom_encoding(data)
    if encoding is None and b"\x00" in data:
        raise ExtractError(
            "not a text file: the content has NUL bytes, so it is binary data "
            "(or UTF-16 text without a byte-order mark; save it as UTF-8)"
        )
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        label = "UTF-8" if encoding is None else encoding.upper().replace("-SIG", "")
        raise ExtractError(
            f"the text is not valid {label} (undecodable byte at position {exc.start}); "
            "save the file as UTF-8 and upload it again"
        ) from exc
    text = text.lstrip("\ufeff")
    check_decoded(text, "a text file")
    if not text.strip():
        raise ExtractError("the file has no text: it contains only blank space")
    return text


# ---------------------------------------------------------------------------------------------
# Whitespace and dates (shared with coi.html_extract)

_CJK_CHARS = (
    "\u3005\u3006\u3007\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff01-\uffef\u3000-\u303f"
)
_CJK_LINE_BREAK = re.compile(f"(?<=[{_CJK_CHARS}])[ \t]*[\r\n]\\s*(?=[{_CJK_CHARS}])")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def normalise_space(text: str) -> str:
    """Collapse whitespace to single spaces and drop invisible characters; a line break
    between two Japanese/Chinese characters is dropped, not turned into a space."""
    if "\n" in text and has_cjk(text):
        text = _CJK_LINE_BREAK.sub("", text)
    return " ".join(_INVISIBLE.sub("", text).split())


def _is_cjk_char(ch: str) -> bool:
    return bool(ch) and re.match(f"[{_CJK_CHARS}]", ch) is not None


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DATE_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # ISO date, optionally with a time (the time and zone are ignored: the date as stated)
        r"(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})"
        r"(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?",
        r"(?P<year>\d{4})/(?P<mon>\d{1,2})/(?P<day>\d{1,2})",
        r"(?P<year>\d{4})\.(?P<mon>\d{1,2})\.(?P<day>\d{1,2})",
        r"(?P<year>\d{4})(?P<mon>\d{2})(?P<day>\d{2})",
        r"(?P<year>\d{4})-(?P<mon>\d{1,2})",
        r"(?P<day>\d{1,2})\.(?P<mon>\d{1,2})\.(?P<year>\d{4})",
        rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})",
        rf"{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})",
        rf"{_MONTH},?\s+(?P<year>\d{{4}})",
        r"(?P<year>\d{4})\s*年\s*(?P<mon>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*日)?",
        r"(?P<era>令和|平成|昭和)\s*(?P<eyear>\d{1,2}|元)\s*年\s*(?P<mon>\d{1,2})\s*月"
        r"(?:\s*(?P<day>\d{1,2})\s*日)?",
    )
)
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}


def parse_date(value: str) -> date | None:
    """The calendar date ``value`` states, when it is nothing but a date; else None.

    ISO dates (a time and zone after them are ignored), "12 March 2024", "March 12, 2024",
    "March 2024" (the 1st), "12.03.2024", "2024年3月12日", "令和6年3月12日" and full-width
    digits are understood. Ambiguous numeric forms such as "03/04/2024" are not.
    """
    text = unicodedata.normalize("NFKC", value).strip().rstrip(".")
    if not text or len(text) > 60:
        return None
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        groups = m.groupdict()
        if groups.get("era"):
            offset = _ERAS[groups["era"]]
            year = offset + (1 if groups["eyear"] == "元" else int(groups["eyear"]))
        else:
            year = int(groups["year"])
        if groups.get("month"):
            month = _MONTHS.get(groups["month"].lower())
            if month is None:
                continue
        else:
            month = int(groups["mon"])
        day = int(groups["day"]) if groups.get("day") else 1
        if not 1900 <= year <= 2100:
            return None
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


_PUBLISHED_LABEL = re.compile(
    r"^(?:(?:date\s+of\s+)?publi(?:shed|cation(?:\s+date)?)(?:\s+on)?|date|dated|issued(?:\s+on)?"
    r"|released(?:\s+on)?|release\s+date|as\s+of|公開日|発行日|掲載日|公表日|発表日|作成日|日付)"
    r"\s*[:：]?\s*",
    re.IGNORECASE,
)
_OTHER_DATE_LABEL = re.compile(
    r"^(?:(?:last\s+)?(?:updated|modified|revised|reviewed)(?:\s+on)?|last\s+update"
    r"|accessed(?:\s+on)?|retrieved(?:\s+on)?|更新日?|最終更新日?)\s*[:：]?\s*",
    re.IGNORECASE,
)
_JA_DATE_SUFFIX = re.compile(r"\s*(?:発行|公表|公開|発表|作成|現在)$")


def date_line(line: str) -> tuple[str, date] | None:
    """Classify a short line that is a date: ``("published", d)`` or ``("other", d)``."""
    text = line.strip().strip("()[]（）")
    if not text or len(text) > 80:
        return None
    kind = "published"
    m = _OTHER_DATE_LABEL.match(text)
    if m:
        kind = "other"
        text = text[m.end() :]
    else:
        m = _PUBLISHED_LABEL.match(text)
        if m:
            text = text[m.end() :]
        elif _JA_DATE_SUFFIX.search(text):
            text = _JA_DATE_SUFFIX.sub("", text)
    found = parse_date(text)
    return (kind, found) if found is not None else None


# ---------------------------------------------------------------------------------------------
# Blocks: paragraphs and headings

_ATX = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_RULE = re.compile(r"^(?:[-*_=]\s*){3,}$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_BULLET = re.compile(r"^(?:[-*+•·▪●◦‣–]|・)\s+")
_FINAL_PUNCT = re.compile(r"[.,;:!?。、，；：！？」』）)\]]$")
_SENTENCE_FINAL = re.compile(r"[.!?。！？][\"'”’»)\]」』）]*$")
_JOINING_WORDS = frozenset("a an and as at by for from in into of on or the to with".split())
_CJK_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?:[.．)）]\s*|\s+)\S")
_CJK_CHAPTER = re.compile(r"^第\s*[0-9一二三四五六七八九十百]+\s*([部章節条項])")
_CJK_CHAPTER_LEVEL = {"部": 1, "章": 2, "節": 3, "条": 4, "項": 5}
_LABEL_START = re.compile(
    r"^(?:part|chapter|section|article|annex|appendix)\s+(?:[0-9]+[a-z]?|[ivxlcdm]+)\b",
    re.IGNORECASE,
)


_NUMBERING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,4})(?:[.．)）]\s*|\s+)\S")


def numbering(heading: str) -> tuple[int, ...] | None:
    """The section number a heading starts with ("2.1 Returnees" → (2, 1)), else None."""
    m = _NUMBERING.match(unicodedata.normalize("NFKC", heading))
    return tuple(int(x) for x in m.group(1).split(".")) if m else None


def outside_numbering(open_heading: str, new_heading: str) -> bool:
    """True when ``new_heading``'s number shows it is not inside ``open_heading``
    ("2.1" is not inside "1."), so the open heading must close."""
    new, old = numbering(new_heading), numbering(open_heading)
    if new is None or old is None:
        return False
    return len(old) >= len(new) or new[: len(old)] != old


_NOT_TITLE_LINE = re.compile(
    r"://|^(?:source|sources|author|authors|by|url|link|prepared\s+by|publisher|issued\s+by"
    r"|出典|作成者|著者)\b",
    re.IGNORECASE,
)


@dataclass
class _Para:
    lines: list[str]
    level: int | None = None  # heading level when the paragraph is a heading
    bullet: bool = False

    @property
    def text(self) -> str:
        return _join_lines(self.lines)


def _join_lines(lines: list[str]) -> str:
    if not lines:
        return ""
    text = lines[0]
    for nxt in lines[1:]:
        joined = join_hyphenated(text, nxt)
        if joined is not None:
            text = joined
        elif _is_cjk_char(text[-1:]) and _is_cjk_char(nxt[:1]):
            text += nxt
        else:
            text = f"{text} {nxt}"
    return normalise_space(text)


def _heading_level(text: str, next_text: str | None) -> int | None:
    """Heading level of a one-line paragraph ``text`` followed by ``next_text`` (or None)."""
    if next_text is None or not text or len(text) > 100:
        return None
    level = heading_level(text)
    if level is not None:
        return level
    if has_cjk(text):
        plain = unicodedata.normalize("NFKC", text)
        if len(plain) > 40 or (_FINAL_PUNCT.search(plain) and not plain.endswith(("】", "]"))):
            return None
        m = _CJK_CHAPTER.match(plain)
        if m:
            return _CJK_CHAPTER_LEVEL[m.group(1)]
        m = _CJK_NUMBERED.match(plain)
        if m:
            return 4 + m.group(1).count(".")
        return 6 if len(next_text) > len(text) else None
    words = text.split()
    if len(text) > 80 or len(words) > 10 or _FINAL_PUNCT.search(text):
        return None
    if not text[0].isupper() or text[-1] in "-–—(" or words[-1].casefold() in _JOINING_WORDS:
        return None
    if not (next_text[:1].isupper() or next_text[:1].isdigit() or _is_cjk_char(next_text[:1])
            or next_text[:1] in "\"'“‘(«"):
        return None
    title_case = all(w[:1].isupper() or len(w) < 4 or not w[:1].isalpha() for w in words)
    return 6 if len(words) <= 4 or title_case else None


def _paragraphs(lines: list[str]) -> list[_Para]:
    """Group stripped lines (blank = "") into paragraphs and headings (see module rules)."""
    content = [x for x in lines if x]
    cjk = sum(1 for x in content if has_cjk(x)) > len(content) / 2
    typical = typical_line_length(content)
    one_per_line = typical > (90 if cjk else 160)
    filled = [i for i, x in enumerate(lines) if x]
    blank_separated = bool(filled) and any(not x for x in lines[filled[0] : filled[-1]])

    if not blank_separated and not one_per_line and len(content) > 8:
        return [
            _Para([b.text], level=b.level if b.is_heading else None)
            for b in build_blocks(content, typical)
        ]

    paras: list[_Para] = []
    current: list[str] = []
    bullet = False

    def flush() -> None:
        nonlocal current, bullet
        if current:
            paras.append(_Para(current, bullet=bullet))
        current, bullet = [], False

    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            flush()
            continue
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if _SETEXT.match(nxt) and not current and not _RULE.match(line) and len(line) <= 100:
            flush()
            paras.append(_Para([line], level=1 if nxt.startswith("=") else 2))
            lines[i + 1] = ""
            continue
        if _RULE.match(line):
            flush()
            continue
        m = _ATX.match(line)
        if m:
            flush()
            if m.group(2):
                paras.append(_Para([m.group(2)], level=len(m.group(1))))
            continue
        m = _BULLET.match(line)
        if m:
            flush()
            current, bullet = [line[m.end() :]], True
            continue
        if raw.startswith("\u3000") or one_per_line:
            flush()
        current.append(line)
    flush()

    # A short numbered/keyword first line glued to its paragraph is a heading of its own.
    out: list[_Para] = []
    for para in paras:
        first = para.lines[0]
        if (
            para.level is None
            and not para.bullet
            and len(para.lines) > 1
            and len(first) < 0.6 * typical
            and heading_level(first) is not None
        ):
            out.append(_Para([first], level=heading_level(first)))
            out.append(_Para(para.lines[1:]))
        else:
            out.append(para)
    for i, para in enumerate(out):
        if para.level is None and not para.bullet and len(para.lines) == 1:
            following = next((p.text for p in out[i + 1 :]), None)
            para.level = _heading_level(para.text, following)
    return out


def _looks_like_title(para: _Para, rest: list[_Para]) -> bool:
    if not rest:
        return False
    text = para.text
    if text[:1].isdigit() or _LABEL_START.match(text) or _CJK_CHAPTER.match(text):
        return False  # a numbered section heading, not the document's title
    if para.level is not None:
        return True
    if para.bullet or len(para.lines) > 2 or len(text) > 150 or len(text.split()) > 20:
        return False
    if has_cjk(text):
        return len(text) <= 60 and not _SENTENCE_FINAL.search(text) and not text.endswith("、")
    return text[:1].isupper() and not _FINAL_PUNCT.search(text)


# ---------------------------------------------------------------------------------------------
# Public entry points


def extract_text(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ExtractedDocument:
    """Extract metadata and numbered passages from the plain-text file at ``path``."""
    path = Path(path)
    return extract_text_bytes(read_limited(path, max_bytes), path.name, max_bytes=max_bytes)


def extract_text_bytes(
    data: bytes, name: str = "", *, max_bytes: int = DEFAULT_MAX_BYTES
) -> ExtractedDocument:
    """Extract from the raw bytes of a text file (``name`` is only used in messages)."""
    if len(data) > max_bytes:
        raise ExtractError(f"the file is too large (the limit is {_megabytes(max_bytes)})")
    text = _decode_plain(data)
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")):
        raise ExtractError(
            "this is an HTML page, not plain text: upload it as an .html file"
        )
    lines = [normalise_space(x.expandtabs(1)) if x.strip() else "" for x in text.splitlines()]
    # Keep the ideographic-space indent that marks a Japanese paragraph start.
    lines = [
        "\u3000" + line if raw.startswith("\u3000") and line else line
        for raw, line in zip(text.splitlines(), lines, strict=True)
    ]
    paras = [p for p in _paragraphs(lines) if p.text]

    metadata: dict[str, object] = {}
    title_index: int | None = None
    consumed: set[int] = set()
    # Title and date lines come before the first paragraph of body text.
    body = (
        i for i, p in enumerate(paras) if len(p.text) > 120 and _SENTENCE_FINAL.search(p.text)
    )
    top = min(next(body, len(paras)), 6)
    for i in range(top):
        para = paras[i]
        kept = []
        for line in para.lines:  # a cover block may hold title and date lines together
            found = date_line(line)
            if found is None:
                kept.append(line)
                continue
            kind, when = found
            if kind == "published" and "published" not in metadata:
                metadata["published"] = when
        if not kept:
            consumed.add(i)
        elif len(kept) < len(para.lines):
            paras[i] = _Para(kept)
    first = next((i for i in range(len(paras)) if i not in consumed), None)
    if first is not None and first < 3:
        lines = paras[first].lines
        # In a cover block, source/author lines after the title are not part of it.
        cut = next((k for k in range(1, len(lines)) if _NOT_TITLE_LINE.search(lines[k])), None)
        if cut is not None:
            paras[first : first + 1] = [_Para(lines[:cut]), _Para(lines[cut:])]
            consumed = {j + 1 if j > first else j for j in consumed}
        rest = [p for j, p in enumerate(paras) if j > first and j not in consumed]
        if _looks_like_title(paras[first], rest):
            title_index = first
            metadata["title"] = paras[first].text
            consumed.add(first)

    passages: list[Passage] = []
    stack: list[tuple[int, str]] = []
    for i, para in enumerate(paras):
        if i in consumed:
            continue
        if para.level is not None:
            while stack and (
                stack[-1][0] >= para.level or outside_numbering(stack[-1][1], para.text)
            ):
                stack.pop()
            stack.append((para.level, para.text))
            continue
        passages.append(
            Passage(
                text=para.text,
                page=None,
                paragraph=len(passages) + 1,
                heading_path=tuple(t for _, t in stack),
            )
        )
    if not passages:
        if title_index is not None:
            passages.append(Passage(text=paras[title_index].text, page=None, paragraph=1))
        else:
            raise ExtractError("the file has no paragraphs of text to index")
    return ExtractedDocument(
        pages=[], page_count=None, metadata=metadata, passages=passages, kind="text"
    )
