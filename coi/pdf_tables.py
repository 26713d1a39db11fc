"""Tables of a PDF page as text: pdfplumber reads the ruled grids found by
:mod:`coi.pdf_grids`, header rows are recognised (a table continued on the next page keeps
its header), each body row becomes one line, and the rows travel through the text clean-up
as placeholder lines (``_RowStore``) placed in reading order with the page's other text.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from coi.pdf_columns import Rect, _Table
from coi.pdf_grids import _RULE_TOL_PT, _TABLE_MIN_GRAPHICS, _aligned_gap_lines, _ruled_grids
from coi.text_clean import join_hyphenated

_ROW_MARK = "\ue000"
_ROW_MARK_LINE = re.compile("^\ue000([a-z]+)\ue000$")
_DOT_LEADER = re.compile(r"\s*(?:\.\s?){4,}\s*")
_NUMBER_CELL = re.compile(r"^[\s$€£¥%()+\-–.,/0-9]*[0-9][\s$€£¥%()+\-–.,/0-9]*$")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


def _cell_text(value: str | None) -> str:
    """One table cell as a single line: wrapped lines joined (hyphenation as for body text),
    dot leaders dropped."""
    if not value:
        return ""
    text = ""
    for line in (x.strip() for x in value.splitlines()):
        if not line:
            continue
        joined = join_hyphenated(text, line) if text else None
        text = joined if joined is not None else f"{text} {line}".strip()
    return " ".join(_DOT_LEADER.sub(" ", text).split())


class _TableReader:
    """Opens the document with pdfplumber on first use and turns the tables of one page into
    row texts; remembers the last table's header for a table continued on the next page."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._pdf: object | None = None
        # (page index, number of columns, header cells, table bottom as a fraction of the page)
        self._last: tuple[int, int, list[str], float] | None = None

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()  # type: ignore[attr-defined]
            self._pdf = None

    def tables(self, index: int, grids: Sequence[Rect]) -> list[tuple[Rect, list[str]]]:
        """(box in pdfium coordinates, one text per body row) for each table on the page
        that lies on one of the ``grids`` found by ``_ruled_grids``."""
        import pdfplumber  # deferred: ~0.2 s to import, and most documents have no table

        if self._pdf is None:
            self._pdf = pdfplumber.open(self._path)
        page = self._pdf.pages[index]  # type: ignore[attr-defined]
        try:
            if page.rotation:
                return []
            height = page.height
            # pdfplumber's y runs down from the top: y_pdfium = height - top.
            boxes = [(x0, height - y1, x1, height - y0) for x0, y0, x1, y1 in grids]
            # A grid whose outermost columns have no rule of their own (rules only between
            # columns) still has its outer columns: close it at the ends of its row rules.
            sides = [
                {"object_type": "line", "x0": x, "x1": x, "top": top, "bottom": bottom,
                 "width": 0, "height": bottom - top}
                for x0, top, x1, bottom in boxes
                for x in (x0, x1)
            ]
            found = page.find_tables({"explicit_vertical_lines": sides})
            found = [t for t in found if any(_overlap(t.bbox, b) >= 0.5 for b in boxes)]
            out = []
            for table in sorted(found, key=lambda t: (t.bbox[1], t.bbox[0])):
                rows = self._rows(index, page, table)
                if rows:
                    x0, top, x1, bottom = table.bbox
                    out.append(((x0, height - bottom, x1, height - top), rows))
            return out
        finally:
            page.close()

    def _rows(self, index: int, page: object, table: object) -> list[str]:
        raw_rows = table.extract()  # type: ignore[attr-defined]
        cells = [[_cell_text(c) for c in row] for row in raw_rows]
        spans = [[c is None for c in row] for row in raw_rows]
        keep = [i for i, row in enumerate(cells) if any(row)]
        ncols = max((sum(1 for c in cells[i] if c) for i in keep), default=0)
        if len(keep) < 2 or ncols < 2:
            return []  # a framed paragraph or a single row: leave it to the text reader
        height = float(page.height)  # type: ignore[attr-defined]
        top_frac = table.bbox[1] / height  # type: ignore[attr-defined]
        bottom_frac = table.bbox[3] / height  # type: ignore[attr-defined]
        width = len(cells[keep[0]])
        header: list[str] | None = None
        if _is_header_row(page, table, cells, keep):
            header = cells[keep[0]]
            keep = keep[1:]
        elif (
            self._last is not None
            and self._last[0] == index - 1
            and self._last[1] == width
            and self._last[3] > 0.6
            and top_frac < 0.4
        ):
            header = self._last[2]  # the table continues from the previous page
        self._last = (index, width, header, bottom_frac) if header else None
        texts = []
        for i in keep:
            row, spanned = cells[i], spans[i]
            values = [(n, c) for n, c in enumerate(row) if c]
            if header is None or (len(values) == 1 and sum(spanned) == len(row) - 1):
                texts.append("; ".join(c for _, c in values))  # also a full-width label row
            else:
                texts.append("; ".join(
                    f"{header[n]}: {c}" if n < len(header) and header[n] else c
                    for n, c in values
                ))
        return texts


def _is_header_row(page: object, table: object, cells: list[list[str]], keep: list[int]) -> bool:
    """Whether the first row names the columns: it has two or more short, not purely numeric
    cells, and it looks different from the body (bold, capitals, a shaded background) or the
    body holds numbers under it."""
    first = cells[keep[0]]
    body = [cells[i] for i in keep[1:]]
    named = [c for c in first if c]
    if len(named) < 2 or any(len(c) > 80 for c in named):
        return False
    if any(_NUMBER_CELL.match(c) for c in named):
        return False
    rows = table.rows  # type: ignore[attr-defined]
    first_box = rows[keep[0]].bbox
    body_top = first_box[3]
    chars = page.chars  # type: ignore[attr-defined]

    def bold_share(inside: Callable[[dict], bool]) -> float:
        picked = [c for c in chars if not c["text"].isspace() and inside(c)]
        if not picked:
            return 0.0
        return sum(1 for c in picked if _BOLD_FONT.search(c.get("fontname", ""))) / len(picked)

    x0, top, x1, bottom = table.bbox  # type: ignore[attr-defined]

    def in_first(c: dict) -> bool:
        cy = (c["top"] + c["bottom"]) / 2
        return first_box[0] <= c["x0"] <= first_box[2] and first_box[1] <= cy <= first_box[3]

    def in_body(c: dict) -> bool:
        cy = (c["top"] + c["bottom"]) / 2
        return x0 <= c["x0"] <= x1 and body_top < cy <= bottom

    if bold_share(in_first) >= 0.6 and bold_share(in_body) < 0.4:
        return True
    if all(c.upper() == c for c in named) and any(
        c.upper() != c for row in body for c in row if c
    ):
        return True
    for rect in page.rects:  # type: ignore[attr-defined]
        if (
            rect.get("fill")
            and rect["top"] <= first_box[1] + _RULE_TOL_PT
            and rect["bottom"] <= first_box[3] + _RULE_TOL_PT
            and rect["bottom"] - rect["top"] >= 0.5 * (first_box[3] - first_box[1])
            and rect["x1"] - rect["x0"] >= 0.5 * (first_box[2] - first_box[0])
        ):
            return True
    numeric_columns = sum(
        1
        for n, name in enumerate(first)
        if name
        and sum(1 for row in body if n < len(row) and row[n] and _NUMBER_CELL.match(row[n]))
        >= max(1, 0.6 * len(body))
    )
    return numeric_columns >= 2 or (numeric_columns == 1 and len(first) >= 3)


class _RowStore:
    """Table rows travel through the line-based clean-up as placeholder lines (a private-use
    character around a letter code: never a running header, a page number or a heading)."""

    def __init__(self) -> None:
        self.rows: list[str] = []

    def mark(self, text: str) -> str:
        n, code = len(self.rows), ""
        self.rows.append(text)
        while True:
            n, r = divmod(n, 26)
            code = chr(ord("a") + r) + code
            if n == 0:
                break
        return f"{_ROW_MARK}{code}{_ROW_MARK}"

    def lookup(self, line: str) -> str | None:
        m = _ROW_MARK_LINE.match(line)
        if m is None:
            return None
        n = 0
        for ch in m.group(1):
            n = n * 26 + ord(ch) - ord("a")
        return self.rows[n]


def _overlap(box: Rect, other: Rect) -> float:
    """Share of ``box``'s area inside ``other`` (any two corners convention, same for both)."""
    w = min(box[2], other[2]) - max(box[0], other[0])
    h = min(box[3], other[3]) - max(box[1], other[1])
    area = (box[2] - box[0]) * (box[3] - box[1])
    return w * h / area if w > 0 and h > 0 and area > 0 else 0.0


def _page_tables(
    page: pdfium.PdfPage, rects: list[Rect], nrects: int, index: int,
    reader: _TableReader | None, store: _RowStore,
) -> list[_Table]:
    """Tables of one page, or [] without touching pdfplumber when the cheap tests fail."""
    if reader is None or nrects < 4:
        return []
    if pdfium_c.FPDFPage_CountObjects(page.raw) - nrects < _TABLE_MIN_GRAPHICS:
        return []
    if _aligned_gap_lines(rects) < 2:
        return []
    grids = _ruled_grids(page, rects)
    if not grids or page.get_rotation():
        return []
    try:
        found = reader.tables(index, grids)
    except MemoryError:
        raise  # the sandbox reports it; the process may be in a bad state
    except Exception:  # noqa: BLE001 - a table reader failure must not lose the page's text
        return []
    return [_Table(bbox, [store.mark(row) for row in rows]) for bbox, rows in found]


def _inside(r: Rect, box: Rect) -> bool:
    cx, cy = (r[0] + r[2]) / 2, (r[1] + r[3]) / 2
    return box[0] - 1 <= cx <= box[2] + 1 and box[1] - 1 <= cy <= box[3] + 1


def _text_around_tables(
    textpage: pdfium.PdfTextPage, text: str, tables: Sequence[_Table]
) -> str | None:
    """pdfium's own text of a one-column page with each table's characters replaced by its
    row lines, where the table's first character was (None when characters and text do not
    line up one to one)."""
    if len(text) != textpage.count_chars():
        return None
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    get_box, raw = pdfium_c.FPDFText_GetCharBox, textpage.raw
    out: list[str] = []
    done: set[int] = set()
    previous: int | None = None
    for i, ch in enumerate(text):
        if ch.isspace() or ch == "\ufffe" or not get_box(raw, i, left, right, bottom, top):
            where = previous
        else:
            cx, cy = (left.value + right.value) / 2, (bottom.value + top.value) / 2
            where = next((k for k, t in enumerate(tables) if _inside((cx, cy, cx, cy), t.bbox)),
                         None)
        previous = where
        if where is None:
            out.append(ch)
        elif where not in done:
            done.add(where)
            out.append("\n\n" + "\n".join(tables[where].lines) + "\n\n")
    for k, table in enumerate(tables):
        if k not in done:
            out.append("\n\n" + "\n".join(table.lines) + "\n\n")
    return "".join(out)
