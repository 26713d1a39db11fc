"""Page layout of a PDF page: vertical gutters found from pypdfium2's text-segment
rectangles, and the page read region by region (full-width bands, then each column top to
bottom, line by line) with any tables placed where they stand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import pypdfium2 as pdfium

_MIN_GUTTER_PT = 6.0
_WIDE_FRACTION = 0.6


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
