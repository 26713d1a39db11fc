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

Tables: a page goes to pdfplumber (``find_tables``) only when cheap pypdfium2 tests say it
holds a ruled grid (enough vector objects, text lines with aligned cell gaps, then vertical
rules crossing the same horizontal rules; see :mod:`coi.pdf_grids`). Each body row becomes one
passage, "Header A: cell; Header B: cell" when the table has a header row (bold, capitals,
shaded, or column names over numbers; a table continued at the top of the next page keeps
the header of the part before), else the cells joined with "; ". The page's other text is
read around the tables in reading order (pdfium's own text for one-column pages, the column
reader otherwise), and rows keep their page and heading path.

Opening and metadata are in :mod:`coi.pdf_open`, column detection in :mod:`coi.pdf_columns`,
the cheap ruled-grid tests in :mod:`coi.pdf_grids` and table reading in :mod:`coi.pdf_tables`.
Cleaning rules (headers/footers, hyphenation, paragraphs, headings) live in
:mod:`coi.text_clean` and are documented there.

Untrusted input: callers should run this in a subprocess with a wall-clock timeout and a memory
limit (see the project reference on PDF parsing); this module only validates the content.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from coi import printed
from coi.extracted import ExtractedDocument, ExtractedPage, Passage
from coi.pdf_columns import _column_text, _gutters
from coi.pdf_open import PdfExtractError, _metadata, _open
from coi.pdf_tables import (
    _ROW_MARK,
    _inside,
    _page_tables,
    _RowStore,
    _TableReader,
    _text_around_tables,
)
from coi.text_clean import (
    _SENTENCE_END,
    build_blocks,
    join_hyphenated,
    remove_running_lines,
    split_lines,
    typical_line_length,
)

__all__ = ["extract_pdf"]


def _page_text(
    page: pdfium.PdfPage, index: int = 0, reader: _TableReader | None = None,
    store: _RowStore | None = None,
) -> tuple[str, int, int]:
    """Return (raw text, columns, number of characters) for one page.

    With a ``reader``, ruled tables become placeholder lines (one per body row) from
    ``store``, in reading order with the rest of the page's text.
    """
    textpage = page.get_textpage()
    try:
        nchars = textpage.count_chars()
        if nchars <= 0:
            return "", 1, 0
        text = textpage.get_text_range()
        nrects = textpage.count_rects()
        if nrects < 4:
            return text, 1, nchars
        rects = [textpage.get_rect(i) for i in range(nrects)]
        tables = _page_tables(page, rects, nrects, index, reader, store or _RowStore())
        if tables:
            body = [r for r in rects if not any(_inside(r, t.bbox) for t in tables)]
            gutters = _gutters(body)
            around = None if gutters else _text_around_tables(textpage, text, tables)
            if around is not None:
                return around, 1, nchars
            return _column_text(textpage, body, gutters, tables), len(gutters) + 1, nchars
        if nrects < 12:
            return text, 1, nchars
        gutters = _gutters(rects)
        if not gutters:
            return text, 1, nchars
        return _column_text(textpage, rects, gutters), len(gutters) + 1, nchars
    finally:
        textpage.close()


# ---------------------------------------------------------------------------------------------
# Public entry point


def _printed_metadata(metadata: dict[str, object], info: printed.PrintedPage,
                      title: str | None) -> dict[str, object]:
    """Metadata of a web page printed by a browser: the PDF's title is the tab title and its
    dates are when it was printed, so they give way to what the content says."""
    out = {k: v for k, v in metadata.items()
           if k not in ("title", "creation_date", "modification_date")}
    out["printed"] = {"tab_title": info.tab_title, "site_name": info.site_name,
                      "address": info.url, "print_date": info.print_date}
    if title:
        out["title"] = title
    if info.site_name:
        out["publisher"] = info.site_name
    url = printed.web_url(info.url)
    if url:
        out["url"] = url
    return out


def extract_pdf(path: Path, *, tables: bool = True) -> ExtractedDocument:
    """Extract cleaned page text, metadata and numbered passages from the PDF at ``path``.

    Ruled tables (``tables=True``) become one passage per body row, "Header: value; ..." when
    the table has a header row, else the cells joined with "; ".
    """
    path = Path(path)
    doc = _open(path)
    reader = _TableReader(path) if tables else None
    store = _RowStore()
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
                text, columns, nchars = _page_text(page, index, reader, store)
            finally:
                page.close()
            total_chars += nchars
            raw_pages.append((text, columns))
    finally:
        doc.close()
        if reader is not None:
            reader.close()
    line_pages = [split_lines(text) for text, _ in raw_pages]
    if total_chars == 0 or not any(any(line for line in lines) for lines in line_pages):
        raise PdfExtractError(
            "the PDF has no text layer (image-only, e.g. a scan); it needs OCR before ingestion"
        )
    info = printed.detect(line_pages)
    if info is not None:
        tidy = printed.clean(line_pages, info)
        line_pages = tidy.pages
        metadata = _printed_metadata(metadata, info, tidy.title)
    cleaned = remove_running_lines(line_pages)
    typical = typical_line_length(
        [line for lines in cleaned for line in lines if not line.startswith(_ROW_MARK)]
    )

    pages: list[ExtractedPage] = []
    passages: list[Passage] = []
    stack: list[tuple[int, str]] = []
    last_is_row = False
    for number, (lines, (_raw, columns)) in enumerate(
        zip(cleaned, raw_pages, strict=True), start=1
    ):
        # Runs of text lines between table rows: ("text", lines) or ("row", row text).
        runs: list[tuple[str, list[str] | str]] = []
        for line in lines:
            row = store.lookup(line) if line.startswith(_ROW_MARK) else None
            if row is not None:
                runs.append(("row", row))
            elif runs and runs[-1][0] == "text":
                runs[-1][1].append(line)  # type: ignore[union-attr]
            else:
                runs.append(("text", [line]))
        page_parts: list[str] = []
        for run_index, (kind, content) in enumerate(runs):
            path_now = tuple(text for _, text in stack)
            if kind == "row":
                page_parts.append(content)  # type: ignore[arg-type]
                passages.append(Passage(text=content, page=number,  # type: ignore[arg-type]
                                        paragraph=len(passages) + 1, heading_path=path_now))
                last_is_row = True
                continue
            blocks = build_blocks(content, typical)  # type: ignore[arg-type]
            page_parts += [b.text for b in blocks]
            for block in blocks:
                if block.is_heading:
                    while stack and stack[-1][0] >= block.level:
                        stack.pop()
                    stack.append((block.level, block.text))
                    continue
                path_now = tuple(text for _, text in stack)
                if (
                    block.continues
                    and run_index == 0
                    and not last_is_row
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
                last_is_row = False
        pages.append(ExtractedPage(number=number, text="\n\n".join(page_parts), columns=columns))
    return ExtractedDocument(
        pages=pages, page_count=page_count, metadata=metadata, passages=passages
    )
