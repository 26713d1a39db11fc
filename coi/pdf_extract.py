"""Database-free PDF text extraction for country-of-origin information documents.

``extract_pdf(path)`` returns an :class:`ExtractedDocument`: cleaned text per page, PDF metadata
and numbered passages with the headings they sit under. Plain data in, plain data out; this
module imports neither ``streamlit`` nor ``workbench``.

Speed design: every page goes through pypdfium2's native text extraction
(``get_text_range``), which is ~100x faster than pdfminer/pdfplumber layout analysis. Column
detection uses pypdfium2's text-segment rectangles (cheap: a few hundred per page). Only when a
page has a vertical gutter running through most of its text is it re-read region by region with
``get_text_bounded`` (full-width bands such as a running header first, then each column top to
bottom). pdfplumber is not needed on the common path.

Cleaning rules (headers/footers, hyphenation, paragraphs, headings) live in
:mod:`coi.text_clean` and are documented there.

Untrusted input: callers should run this in a subprocess with a wall-clock timeout and a memory
limit (see the project reference on PDF parsing); this module only validates the content.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pypdfium2 as pdfium

from coi.extracted import ExtractedDocument, ExtractedPage, ExtractError, Passage
from coi.text_clean import (
    _SENTENCE_END,
    build_blocks,
    join_hyphenated,
    remove_running_lines,
    split_lines,
    typical_line_length,
)

__all__ = [
    "ExtractedDocument",
    "ExtractedPage",
    "Passage",
    "PdfExtractError",
    "extract_pdf",
]

_MIN_GUTTER_PT = 6.0
_WIDE_FRACTION = 0.6


class PdfExtractError(ExtractError):
    """A PDF that cannot be ingested; the message says why."""


# ---------------------------------------------------------------------------------------------
# Opening and validation


def _open(path: Path) -> pdfium.PdfDocument:
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise PdfExtractError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    if not head:
        raise PdfExtractError("the file is empty, not a PDF")
    if b"%PDF-" not in head:
        raise PdfExtractError(
            "not a PDF: the content does not start with a %PDF- header "
            "(whatever the file name says)"
        )
    if _truncated(path):
        raise PdfExtractError(
            "the PDF is truncated: it has no %%EOF end marker (incomplete download or upload?)"
        )
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg or "security" in msg:
            raise PdfExtractError(
                "the PDF is encrypted (password-protected); ask for an unprotected copy"
            ) from exc
        raise PdfExtractError(
            f"the PDF is corrupt or truncated and cannot be opened ({exc})"
        ) from exc


def _truncated(path: Path) -> bool:
    """A complete PDF ends with %%EOF near its end (incremental updates included)."""
    with Path(path).open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 8192))
        tail = fh.read()
    return b"%%EOF" not in tail


_PDF_DATE = re.compile(
    r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?'?"
)


def _parse_pdf_date(value: str) -> datetime | None:
    m = _PDF_DATE.match(value.strip())
    if not m:
        return None
    year, mon, day, hh, mm, ss, sign, tzh, tzm = m.groups()
    try:
        tz = None
        if sign in ("Z", "z"):
            tz = UTC
        elif sign in ("+", "-"):
            offset = timedelta(hours=int(tzh or 0), minutes=int(tzm or 0))
            tz = timezone(offset if sign == "+" else -offset)
        return datetime(
            int(year), int(mon or 1), int(day or 1), int(hh or 0), int(mm or 0), int(ss or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None


def _metadata(doc: pdfium.PdfDocument) -> dict[str, object]:
    try:
        raw = doc.get_metadata_dict(skip_empty=True)
    except Exception:  # noqa: BLE001 - metadata is optional
        return {}
    out: dict[str, object] = {}
    for key, name in (("Title", "title"), ("Author", "author"), ("Subject", "subject"),
                      ("Creator", "creator"), ("Producer", "producer")):
        if raw.get(key):
            out[name] = str(raw[key]).strip()
    for key, name in (("CreationDate", "creation_date"), ("ModDate", "modification_date")):
        if raw.get(key):
            parsed = _parse_pdf_date(str(raw[key]))
            if parsed is not None:
                out[name] = parsed
    return out


# ---------------------------------------------------------------------------------------------
# Per-page text with column detection


def _gutters(rects: list[tuple[float, float, float, float]]) -> list[float]:
    """x positions (midpoints) of vertical gutters running through most of the text height."""
    if len(rects) < 12:
        return []
    left = min(r[0] for r in rects)
    right = max(r[2] for r in rects)
    span = right - left
    if span <= 0:
        return []
    narrow = [r for r in rects if (r[2] - r[0]) < _WIDE_FRACTION * span]
    if len(narrow) < 12:
        return []
    bins = int(span) + 2
    cov = [0.0] * bins
    for lft, btm, rgt, top in narrow:
        h = max(top - btm, 0.1)
        for x in range(int(lft - left), min(bins, int(rgt - left) + 1)):
            cov[x] += h
    peak = max(cov)
    if peak <= 0:
        return []
    low = 0.2 * peak
    text_height = max(r[3] for r in narrow) - min(r[1] for r in narrow)
    gutters: list[float] = []
    x = int(0.12 * span)
    end = int(0.88 * span)
    while x < end:
        if cov[x] <= low:
            start = x
            while x < end and cov[x] <= low:
                x += 1
            if x - start >= _MIN_GUTTER_PT:
                mid = left + (start + x) / 2
                lhs = [r for r in narrow if r[2] <= mid]
                rhs = [r for r in narrow if r[0] >= mid]
                if _tall(lhs, text_height) and _tall(rhs, text_height):
                    gutters.append(mid)
        x += 1
    # Each column must be reasonably wide (tables with narrow cells are not columns).
    edges = [left, *gutters, right]
    if gutters and min(b - a for a, b in zip(edges, edges[1:], strict=False)) < 0.18 * span:
        return []
    return gutters


def _tall(rects: list[tuple[float, float, float, float]], text_height: float) -> bool:
    """The rects reach over at least half of the page's text height."""
    if len(rects) < 5 or text_height <= 0:
        return False
    return max(r[3] for r in rects) - min(r[1] for r in rects) >= 0.5 * text_height


def _column_text(
    textpage: pdfium.PdfTextPage,
    rects: list[tuple[float, float, float, float]],
    gutters: list[float],
) -> str:
    """Read full-width bands and, between them, each column top to bottom.

    ``get_text_bounded`` returns characters in content-stream order, which is not reading order
    (footnotes are often drawn first), so each text-segment rectangle is read on its own and the
    segments are ordered by position: region (band / column) first, then line, then x.
    """

    def crosses(r: tuple[float, float, float, float]) -> bool:
        return any(r[0] < g - 1 and r[2] > g + 1 for g in gutters)

    # Full-width bands: y-intervals of rects that cross a gutter, merged (top to bottom).
    bands: list[list[float]] = []
    for _lft, btm, _rgt, top in sorted((r for r in rects if crosses(r)), key=lambda r: -r[3]):
        if bands and top >= bands[-1][0] - 0.5:
            bands[-1][0] = min(bands[-1][0], btm)
        else:
            bands.append([btm, top])

    # Region key: (vertical slot, column). Slot 2k+1 is band k, 2k is the column area above it.
    regions: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    for r in rects:
        cy = (r[1] + r[3]) / 2
        slot = 2 * len(bands)
        for k, (btm, top) in enumerate(bands):
            if btm - 0.5 <= cy <= top + 0.5:
                slot = 2 * k + 1
                break
            if cy > top:
                slot = 2 * k
                break
        if slot % 2:
            col = 0
        else:
            cx = (r[0] + r[2]) / 2
            col = sum(1 for g in gutters if cx > g)
        regions.setdefault((slot, col), []).append(r)

    out: list[str] = []
    for key in sorted(regions):
        lines: list[list[tuple[float, float, float, float]]] = []
        for r in sorted(regions[key], key=lambda r: -r[3]):
            cy = (r[1] + r[3]) / 2
            if lines and min(x[1] for x in lines[-1]) <= cy <= max(x[3] for x in lines[-1]):
                lines[-1].append(r)
            else:
                lines.append([r])
        if key[0] % 2:
            out.append("")
        for line in lines:
            parts = []
            for lft, btm, rgt, top in sorted(line):
                txt = textpage.get_text_bounded(lft + 0.2, btm + 0.2, rgt - 0.2, top - 0.2)
                parts.append(" ".join(txt.split()))
            out.append(" ".join(p for p in parts if p))
        if key[0] % 2:
            out.append("")
    return "\n".join(out)


def _page_text(page: pdfium.PdfPage) -> tuple[str, int, int]:
    """Return (raw text, columns, number of characters) for one page."""
    textpage = page.get_textpage()
    try:
        nchars = textpage.count_chars()
        if nchars <= 0:
            return "", 1, 0
        text = textpage.get_text_range()
        nrects = textpage.count_rects()
        if nrects < 12:
            return text, 1, nchars
        rects = [textpage.get_rect(i) for i in range(nrects)]
        gutters = _gutters(rects)
        if not gutters:
            return text, 1, nchars
        return _column_text(textpage, rects, gutters), len(gutters) + 1, nchars
    finally:
        textpage.close()


# ---------------------------------------------------------------------------------------------
# Public entry point


def extract_pdf(path: Path) -> ExtractedDocument:
    """Extract cleaned page text, metadata and numbered passages from the PDF at ``path``."""
    path = Path(path)
    doc = _open(path)
    try:
        page_count = len(doc)
        if page_count == 0:
            raise PdfExtractError("the PDF has no pages")
        metadata = _metadata(doc)
        raw_pages: list[tuple[str, int]] = []
        total_chars = 0
        for index in range(page_count):
            try:
                page = doc[index]
            except pdfium.PdfiumError as exc:
                raise PdfExtractError(
                    f"the PDF is corrupt or truncated: page {index + 1} cannot be read ({exc})"
                ) from exc
            try:
                text, columns, nchars = _page_text(page)
            finally:
                page.close()
            total_chars += nchars
            raw_pages.append((text, columns))
    finally:
        doc.close()
    line_pages = [split_lines(text) for text, _ in raw_pages]
    if total_chars == 0 or not any(any(line for line in lines) for lines in line_pages):
        raise PdfExtractError(
            "the PDF has no text layer (image-only, e.g. a scan); it needs OCR before ingestion"
        )
    cleaned = remove_running_lines(line_pages)
    typical = typical_line_length([line for lines in cleaned for line in lines])

    pages: list[ExtractedPage] = []
    passages: list[Passage] = []
    stack: list[tuple[int, str]] = []
    for number, (lines, (_raw, columns)) in enumerate(
        zip(cleaned, raw_pages, strict=True), start=1
    ):
        blocks = build_blocks(lines, typical)
        pages.append(
            ExtractedPage(number=number, text="\n\n".join(b.text for b in blocks), columns=columns)
        )
        for block in blocks:
            if block.is_heading:
                while stack and stack[-1][0] >= block.level:
                    stack.pop()
                stack.append((block.level, block.text))
                continue
            path_now = tuple(text for _, text in stack)
            if (
                block.continues
                and passages
                and passages[-1].page == number - 1
                and passages[-1].heading_path == path_now
                and not _SENTENCE_END.search(passages[-1].text)
            ):
                prev = passages[-1]
                joined = join_hyphenated(prev.text, block.text)
                passages[-1] = Passage(
                    text=joined if joined is not None else f"{prev.text} {block.text}",
                    page=prev.page,
                    paragraph=prev.paragraph,
                    heading_path=prev.heading_path,
                )
                continue
            passages.append(
                Passage(text=block.text, page=number, paragraph=len(passages) + 1,
                        heading_path=path_now)
            )
    return ExtractedDocument(
        pages=pages, page_count=page_count, metadata=metadata, passages=passages
    )
