"""Finding ruled tables in a PDF page's vector graphics, cheaply and with pypdfium2 only:
text lines with aligned cell gaps, the straight rules of the page's path objects, and the
boxes of ruled grids whose cells hold text. Only pages that pass go to pdfplumber.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from coi.pdf_columns import Rect

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
