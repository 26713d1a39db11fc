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
rules crossing the same horizontal rules; see "Tables" below). Each body row becomes one
passage, "Header A: cell; Header B: cell" when the table has a header row (bold, capitals,
shaded, or column names over numbers; a table continued at the top of the next page keeps
the header of the part before), else the cells joined with "; ". The page's other text is
read around the tables in reading order (pdfium's own text for one-column pages, the column
reader otherwise), and rows keep their page and heading path.

Cleaning rules (headers/footers, hyphenation, paragraphs, headings) live in
:mod:`coi.text_clean` and are documented there.

Untrusted input: callers should run this in a subprocess with a wall-clock timeout and a memory
limit (see the project reference on PDF parsing); this module only validates the content.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from coi import printed
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
    # Coverage of each 1-pt bin by text height, built from a difference array (one pass over
    # the rects plus one over the bins, instead of touching every bin of every rect).
    delta = [0.0] * (bins + 1)
    for lft, btm, rgt, top in narrow:
        start, stop = int(lft - left), min(bins, int(rgt - left) + 1)
        if start < stop:
            h = max(top - btm, 0.1)
            delta[start] += h
            delta[stop] -= h
    cov = list(accumulate(delta[:bins]))
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


Rect = tuple[float, float, float, float]  # left, bottom, right, top (PDF points, y upwards)


@dataclass
class _Table:
    """A table found on a page: its box (pdfium coordinates) and the lines standing for its
    rows in the page text (placeholders, see ``_RowStore``)."""

    bbox: Rect
    lines: list[str]


def _column_text(
    textpage: pdfium.PdfTextPage,
    rects: list[Rect],
    gutters: list[float],
    tables: Sequence[_Table] = (),
) -> str:
    """Read full-width bands and, between them, each column top to bottom.

    ``get_text_bounded`` returns characters in content-stream order, which is not reading order
    (footnotes are often drawn first), so each text-segment rectangle is read on its own and the
    segments are ordered by position: region (band / column) first, then line, then x.

    ``tables`` (their text rects already removed from ``rects``) are placed like a line at
    their top edge: within their column, or as a full-width band when they cross a gutter.
    """

    def crosses(r: Rect) -> bool:
        return any(r[0] < g - 1 and r[2] > g + 1 for g in gutters)

    # A table is full-width when it reaches into the text of two or more columns (a table a
    # little wider than its column's text, over the gutter's midline, still sits in it).
    extents: dict[int, list[float]] = {}
    if tables:
        for r in rects:
            if not crosses(r):
                col = sum(1 for g in gutters if (r[0] + r[2]) / 2 > g)
                ext = extents.setdefault(col, [r[0], r[2]])
                ext[0], ext[1] = min(ext[0], r[0]), max(ext[1], r[2])

    def table_crosses(box: Rect) -> bool:
        if not extents:
            return crosses(box)
        reached = sum(1 for a, b in extents.values() if min(b, box[2]) - max(a, box[0]) > 5)
        return reached >= 2

    # Full-width bands: y-intervals of rects that cross a gutter, merged (top to bottom).
    bands: list[list[float]] = []
    wide = [r for r in rects if crosses(r)] + [t.bbox for t in tables if table_crosses(t.bbox)]
    for _lft, btm, _rgt, top in sorted(wide, key=lambda r: -r[3]):
        if bands and top >= bands[-1][0] - 0.5:
            bands[-1][0] = min(bands[-1][0], btm)
        else:
            bands.append([btm, top])

    def region(r: Rect, table: bool = False) -> tuple[int, int]:
        """(vertical slot, column): slot 2k+1 is band k, 2k the column area above it."""
        cy = (r[3] - 0.5) if table and not table_crosses(r) else (r[1] + r[3]) / 2
        slot = 2 * len(bands)
        for k, (btm, top) in enumerate(bands):
            if btm - 0.5 <= cy <= top + 0.5:
                slot = 2 * k + 1
                break
            if cy > top:
                slot = 2 * k
                break
        if slot % 2:
            return slot, 0
        cx = (r[0] + r[2]) / 2
        return slot, sum(1 for g in gutters if cx > g)

    regions: dict[tuple[int, int], list[Rect]] = {}
    for r in rects:
        regions.setdefault(region(r), []).append(r)
    region_tables: dict[tuple[int, int], list[_Table]] = {}
    for table in tables:
        key = region(table.bbox, table=True)
        regions.setdefault(key, [])
        region_tables.setdefault(key, []).append(table)

    out: list[str] = []
    for key in sorted(regions):
        lines: list[list[Rect]] = []
        for r in sorted(regions[key], key=lambda r: -r[3]):
            cy = (r[1] + r[3]) / 2
            if lines and min(x[1] for x in lines[-1]) <= cy <= max(x[3] for x in lines[-1]):
                lines[-1].append(r)
            else:
                lines.append([r])
        pending = sorted(region_tables.get(key, ()), key=lambda t: -t.bbox[3])
        if key[0] % 2:
            out.append("")
        for line in lines:
            line_top = max(r[3] for r in line)
            while pending and pending[0].bbox[3] >= line_top:
                out += ["", *pending.pop(0).lines, ""]
            out.append(_line_text(textpage, sorted(line)))
        for table in pending:
            out += ["", *table.lines, ""]
        if key[0] % 2:
            out.append("")
    return "\n".join(out)


def _line_text(textpage: pdfium.PdfTextPage, line: list[Rect]) -> str:
    """The text of one line's segments (sorted left to right). Segments that touch are read
    as one box: browsers print letter-spaced and kerned words as one segment per character
    or two ("1 1 / 2 2", "Af fairs" when each is read and joined with spaces), and a box
    read on its own may also pick up the edge of its neighbour ("Tu Tu rkey")."""
    groups: list[list[float]] = []
    for lft, btm, rgt, top in line:
        gap = 1.0 * max(top - btm, 1.0)
        if groups and lft - groups[-1][2] <= gap:
            g = groups[-1]
            g[1], g[2], g[3] = min(g[1], btm), max(g[2], rgt), max(g[3], top)
        else:
            groups.append([lft, btm, rgt, top])
    parts = []
    for lft, btm, rgt, top in groups:
        txt = textpage.get_text_bounded(lft + 0.2, btm + 0.2, rgt - 0.2, top - 0.2)
        parts.append(" ".join(txt.split()))
    return " ".join(p for p in parts if p)


# ---------------------------------------------------------------------------------------------
# Tables
#
# pdfplumber finds ruled tables well but costs a full pdfminer parse of the page (~0.05-0.5 s),
# so it is only asked about pages that pass three cheap pypdfium2 tests, cheapest first:
#   1. the page holds at least _TABLE_MIN_GRAPHICS objects that are not text (object count
#      minus text-segment count: free);
#   2. at least two text lines have a wide gap at the same x, like the space between cells
#      (a pass over the text-segment rectangles the column detection reads anyway);
#   3. the page's path objects contain a ruled grid: at least two vertical rules each crossing
#      at least three horizontal rules (one pass over the page objects, ~1 us per object).
# Tables drawn with fewer than _TABLE_MIN_GRAPHICS path objects (a whole grid in a single
# path) or without vertical rules (horizontal rules only) stay ordinary text lines.

_TABLE_MIN_GRAPHICS = 6
_CELL_GAP_PT = 8.0
_RULE_THIN_PT = 3.0
_RULE_MIN_PT = 6.0
_RULE_TOL_PT = 2.0
_MAX_PATH_SEGMENTS = 4000
_MAX_RULES = 400
_MIN_GRID_PATH_PT = 30.0

_ROW_MARK = "\ue000"
_ROW_MARK_LINE = re.compile("^\ue000([a-z]+)\ue000$")
_DOT_LEADER = re.compile(r"\s*(?:\.\s?){4,}\s*")
_NUMBER_CELL = re.compile(r"^[\s$€£¥%()+\-–.,/0-9]*[0-9][\s$€£¥%()+\-–.,/0-9]*$")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


def _aligned_gap_lines(rects: Sequence[Rect]) -> int:
    """Greatest number of text lines that have a gap of at least ``_CELL_GAP_PT`` between two
    consecutive segments (content order, as the cells of a row are drawn; side by side when
    their boxes overlap vertically) covering one common x position. One pass and no sorting
    of the segments: it runs on many pages."""
    events: list[tuple[float, int]] = []
    prev_right = prev_bottom = prev_top = 0.0
    for lft, btm, rgt, top in rects:
        if lft - prev_right >= _CELL_GAP_PT and btm < prev_top and top > prev_bottom:
            events.append((prev_right, 1))
            events.append((lft, -1))
        prev_right, prev_bottom, prev_top = rgt, btm, top
    if len(events) < 4:
        return len(events) // 2
    best = depth = 0
    for _x, step in sorted(events):
        depth += step
        best = max(best, depth)
    return best


def _path_rules(obj: object, horizontal: list[Rect], vertical: list[Rect]) -> None:
    """Add the straight horizontal and vertical pieces of one path object to the lists, as
    (x0, y0, x1, y1) with x0 <= x1 and y0 <= y1."""
    lft, btm, rgt, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if not pdfium_c.FPDFPageObj_GetBounds(obj, lft, btm, rgt, top):
        return
    x0, y0, x1, y1 = lft.value, btm.value, rgt.value, top.value
    width, height = x1 - x0, y1 - y0
    if height <= _RULE_THIN_PT and width >= _RULE_MIN_PT:
        horizontal.append((x0, (y0 + y1) / 2, x1, (y0 + y1) / 2))
        return
    if width <= _RULE_THIN_PT and height >= _RULE_MIN_PT:
        vertical.append(((x0 + x1) / 2, y0, (x0 + x1) / 2, y1))
        return
    if width < _RULE_MIN_PT or height < _RULE_MIN_PT:
        return
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroke) or not stroke.value:
        return  # a filled area (background, banner, shading) draws no rules
    count = pdfium_c.FPDFPath_CountSegments(obj)
    if 0 < count <= 5:  # a rectangle (cell border or shading): its four sides
        horizontal += [(x0, y0, x1, y0), (x0, y1, x1, y1)]
        vertical += [(x0, y0, x0, y1), (x1, y0, x1, y1)]
        return
    if max(width, height) < _MIN_GRID_PATH_PT or count > _MAX_PATH_SEGMENTS:
        return  # an icon, a glyph drawn as a path, a check box ...
    # A whole grid (or a part of one) in one path: look at its straight segments.
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return
    px, py = ctypes.c_float(), ctypes.c_float()
    points: list[tuple[float, float]] = []  # start and end of each straight piece, in turn
    start: tuple[float, float] | None = None
    current: tuple[float, float] | None = None
    for i in range(count):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if not segment or not pdfium_c.FPDFPathSegment_GetPoint(segment, px, py):
            continue
        x, y = px.value, py.value
        point = (m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and current is not None:
            points.append(current)
            points.append(point)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        current = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            points.append(current)
            points.append(start)
            current = start
    for (ax, ay), (bx, by) in zip(points[::2], points[1::2], strict=True):
        if abs(ay - by) <= 1 and abs(ax - bx) >= _RULE_MIN_PT:
            horizontal.append((min(ax, bx), ay, max(ax, bx), ay))
        elif abs(ax - bx) <= 1 and abs(ay - by) >= _RULE_MIN_PT:
            vertical.append((ax, min(ay, by), ax, max(ay, by)))


def _merge_rules(rules: list[Rect], axis: int) -> list[Rect]:
    """Join collinear touching pieces (``axis`` 1: horizontal rules, 0: vertical rules)."""
    if axis == 1:
        keyed = sorted((r[1], r[0], r[2]) for r in rules)
    else:
        keyed = sorted((r[0], r[1], r[3]) for r in rules)
    merged: list[list[float]] = []
    for pos, a, b in keyed:
        last = merged[-1] if merged else None
        if last and pos - last[0] <= _RULE_TOL_PT and a <= last[2] + _RULE_TOL_PT:
            last[2] = max(last[2], b)
        else:
            merged.append([pos, a, b])
    return [(a, pos, b, pos) if axis == 1 else (pos, a, pos, b) for pos, a, b in merged]


def _ruled_grids(page: pdfium.PdfPage, rects: Sequence[Rect]) -> list[Rect]:
    """Boxes (pdfium coordinates) of ruled grids among the page's vector graphics: three or
    more vertical rules (at different x) all crossed by the same horizontal rules, four or
    more of them, or three that end on vertical rules at both sides (a framed header and body
    row). That is a table of two or more columns whose rows are each ruled. Rules only under
    the header (body rows unruled: pdfplumber would merge them into one row), or no vertical
    rules at all, are not a grid here: such tables stay text lines."""
    horizontal: list[Rect] = []
    vertical: list[Rect] = []
    raw = page.raw
    path_type = pdfium_c.FPDF_PAGEOBJ_PATH
    get_object, get_type = pdfium_c.FPDFPage_GetObject, pdfium_c.FPDFPageObj_GetType
    for index in range(pdfium_c.FPDFPage_CountObjects(raw)):
        obj = get_object(raw, index)
        if get_type(obj) == path_type:
            _path_rules(obj, horizontal, vertical)
    if len(horizontal) < 3 or len(vertical) < 3:
        return []
    rows = _merge_rules(horizontal, 1)[:_MAX_RULES]
    tol = _RULE_TOL_PT
    columns: list[tuple[float, int]] = []  # (x, bit mask of the horizontal rules crossing it)
    longest = sorted(_merge_rules(vertical, 0), key=lambda v: v[1] - v[3])[:_MAX_RULES]
    for x, y0, _x, y1 in sorted(longest):
        mask = 0
        for k, (a, y, b, _y) in enumerate(rows):
            if a - tol <= x <= b + tol and y0 - tol <= y <= y1 + tol:
                mask |= 1 << k
        if mask.bit_count() >= 3:
            columns.append((x, mask))

    def closed(k: int) -> bool:
        """Rule k ends on a vertical rule at both ends (a fully framed row)."""
        a, _y, b, _y = rows[k]
        ends = [x for x, mask in columns if mask >> k & 1]
        return any(abs(x - a) <= tol + 1 for x in ends) and any(abs(x - b) <= tol + 1 for x in ends)

    centres = [((r[0] + r[2]) / 2, (r[1] + r[3]) / 2) for r in rects]
    boxes: list[list[float]] = []
    for i, (xa, ma) in enumerate(columns):
        for j in range(i + 1, len(columns)):
            xb, mb = columns[j]
            mab = ma & mb
            if xb - xa < _RULE_MIN_PT or mab.bit_count() < 3:
                continue
            for xc, mc in columns[j + 1:]:
                shared = mab & mc
                n = shared.bit_count()
                if xc - xb < _RULE_MIN_PT or n < 3:
                    continue
                if n == 3 and not all(closed(k) for k in range(len(rows)) if shared >> k & 1):
                    continue
                picked = [rows[k] for k in range(len(rows)) if shared >> k & 1]
                if not _cells_hold_text([xa, xb, xc], sorted(r[1] for r in picked), centres):
                    continue
                box = [min(r[0] for r in picked), min(r[1] for r in picked),
                       max(r[2] for r in picked), max(r[1] for r in picked)]
                for other in boxes:
                    if box[0] <= other[2] and other[0] <= box[2] and box[1] <= other[3] and (
                        other[1] <= box[3]
                    ):
                        other[:] = [min(other[0], box[0]), min(other[1], box[1]),
                                    max(other[2], box[2]), max(other[3], box[3])]
                        break
                else:
                    boxes.append(box)
    return [(b[0], b[1], b[2], b[3]) for b in boxes]


def _cells_hold_text(
    xs: Sequence[float], ys: Sequence[float], centres: Sequence[tuple[float, float]]
) -> bool:
    """At least 60 % of the grid cells between the rules hold text (a frame around a few
    widgets, or ruled lines on a form, is not a table)."""
    filled = set()
    for cx, cy in centres:
        col = next((i for i in range(len(xs) - 1) if xs[i] < cx < xs[i + 1]), None)
        row = next((i for i in range(len(ys) - 1) if ys[i] < cy < ys[i + 1]), None)
        if col is not None and row is not None:
            filled.add((col, row))
    return len(filled) >= 0.6 * (len(xs) - 1) * (len(ys) - 1)


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
