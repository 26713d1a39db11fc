"""Walking a web page's content root into a flat list of events in reading order
(headings, inline text with its share of link text, table rows, section open/close),
the input from which :mod:`coi.html_extract` builds passages and heading paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from coi.html_content import _BLOCK, _HEADINGS, _SECTIONING, _is_link, _tag
from coi.text_extract import normalise_space


@dataclass
class _Event:
    kind: str  # "heading", "text", "row" (table row or caption: always kept), "open", "close"
    text: str = ""
    level: int = 0
    depth: int = 0
    link_ratio: float = 0.0


@dataclass
class _Inline:
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    breaks: int = 0


class _Walker:
    def __init__(self, skip: set[etree._Element]) -> None:
        self.skip = skip
        self.events: list[_Event] = []
        self.buf = _Inline()

    # -- inline text buffer

    def add(self, text: str | None, in_link: bool) -> None:
        if not text:
            return
        self.buf.parts.append(text)
        if text.strip():
            self.buf.breaks = 0
            if in_link:
                self.buf.link_chars += len(normalise_space(text))

    def line_break(self) -> None:
        self.buf.breaks += 1
        if self.buf.breaks >= 2:
            self.flush()
        else:
            self.buf.parts.append(" ")

    def flush(self, depth: int = 0) -> None:
        text = normalise_space("".join(self.buf.parts))
        if text:
            ratio = min(1.0, self.buf.link_chars / len(text))
            self.events.append(_Event("text", text, depth=depth, link_ratio=ratio))
        self.buf = _Inline()

    # -- text of a whole element (headings, cells, dt/dd)

    def collect(
        self, el: etree._Element, in_link: bool = False, anchors: bool = True
    ) -> tuple[str, int]:
        parts: list[str] = []
        link_chars = 0

        def visit(node: etree._Element, link: bool) -> None:
            nonlocal link_chars
            if node.text:
                parts.append(node.text)
                if link:
                    link_chars += len(node.text.strip())
            for child in node:
                if child not in self.skip and _tag(child):
                    if _tag(child) == "br" or _tag(child) in _BLOCK:
                        parts.append(" ")
                    visit(child, link or _is_link(child, anchors))
                    if _tag(child) in _BLOCK:
                        parts.append(" ")
                if child.tail:
                    parts.append(child.tail)
                    if link:
                        link_chars += len(child.tail.strip())

        visit(el, in_link or _is_link(el, anchors))
        return normalise_space("".join(parts)), link_chars

    # -- structure

    def walk(self, el: etree._Element, depth: int, in_link: bool) -> None:
        tag = _tag(el)
        if not tag or el in self.skip:
            return
        level = _HEADINGS.get(tag)
        if level is None and (el.get("role") or "").lower() == "heading":
            level = int(el.get("aria-level")) if (el.get("aria-level") or "").isdigit() else 2
            level = min(max(level, 1), 6)
        if level is not None:
            self.flush(depth)
            outgoing = any(_is_link(a, anchors=False) for a in el.iterancestors("a"))
            text, links = self.collect(el, outgoing, anchors=False)
            if text:
                ratio = min(1.0, links / len(text))
                self.events.append(_Event("heading", text, level, depth, ratio))
            return
        if tag == "br":
            self.line_break()
            return
        if tag == "table" and self.table(el, depth):
            return
        if tag == "dl":
            self.flush(depth)
            self.definitions(el, depth)
            return
        if tag == "pre":
            self.flush(depth)
            text, links = self.collect(el, in_link)
            if text:
                self.events.append(_Event("text", text, depth=depth, link_ratio=links / len(text)))
            return
        block = tag in _BLOCK
        if block:
            self.flush(depth)
        inner = depth + 1 if tag in _SECTIONING else depth
        if tag in _SECTIONING:
            self.events.append(_Event("open", depth=inner))
        link = in_link or _is_link(el)
        self.add(el.text, link)
        for child in el:
            self.walk(child, inner, link)
            self.add(child.tail, link)
        if block:
            self.flush(inner)
        if tag in _SECTIONING:
            self.events.append(_Event("close", depth=inner))

    def definitions(self, dl: etree._Element, depth: int) -> None:
        term: str | None = None
        items = []
        for child in dl:  # HTML allows each dt/dd group to be wrapped in a div
            if _tag(child) == "div" and child not in self.skip:
                items.extend(c for c in child if _tag(c) in ("dt", "dd"))
            elif _tag(child) in ("dt", "dd"):
                items.append(child)
        for item in items:
            if item in self.skip:
                continue
            simple = not any(_tag(d) in _BLOCK for d in item.iterdescendants())
            if _tag(item) == "dt":
                if term:
                    self.events.append(_Event("text", term, depth=depth))
                term = self.collect(item)[0] if simple else None
                if not simple:
                    self.walk(item, depth, False)
                continue
            if term and simple:
                text, links = self.collect(item)
                joined = f"{term}: {text}" if text else term
                self.events.append(
                    _Event("text", joined, depth=depth, link_ratio=links / max(1, len(joined)))
                )
            else:
                if term:
                    self.events.append(_Event("text", term, depth=depth))
                self.walk(item, depth, False)
            term = None
        if term:
            self.events.append(_Event("text", term, depth=depth))

    def table(self, table: etree._Element, depth: int) -> bool:
        """Emit one event per body row of a data table; False for a layout table."""
        if (table.get("role") or "").lower() in ("presentation", "none"):
            return False
        if table.find(".//table") is not None:
            return False
        rows = [tr for tr in table.iter("tr") if tr not in self.skip]
        grid: list[tuple[bool, list[tuple[str, int, bool]]]] = []
        for tr in rows:
            cells = []
            for cell in tr:
                if _tag(cell) not in ("td", "th") or cell in self.skip:
                    continue
                text = self.collect(cell)[0]
                if len(text) > 1000:
                    return False
                span = int(cell.get("colspan")) if (cell.get("colspan") or "").isdigit() else 1
                cells.append((text, min(max(span, 1), 50), _tag(cell) == "th"))
            in_head = any(_tag(a) == "thead" for a in tr.iterancestors())
            grid.append((in_head, cells))
        if max((sum(span for _, span, _ in cells) for _, cells in grid), default=0) < 2:
            return False
        self.flush(depth)
        caption = table.find("caption")
        if caption is not None and caption not in self.skip:
            text = self.collect(caption)[0]
            if text:
                self.events.append(_Event("row", text, depth=depth))
        head_rows = [cells for in_head, cells in grid if in_head]
        body_rows = [cells for in_head, cells in grid if not in_head]
        if not head_rows and body_rows and all(th for _, _, th in body_rows[0]):
            head_rows, body_rows = [body_rows[0]], body_rows[1:]
        headers: list[str] = []
        for cells in head_rows:
            column = 0
            for text, span, _ in cells:
                for k in range(column, column + span):
                    while len(headers) <= k:
                        headers.append("")
                    if text and text not in headers[k].split(" / "):
                        headers[k] = f"{headers[k]} / {text}" if headers[k] else text
                column += span
        for cells in body_rows:
            values = [(text, th) for text, _, th in cells]
            if not any(text for text, _ in values):
                continue
            if headers:
                parts = []
                column = 0
                for text, span, _ in cells:
                    label = headers[column] if column < len(headers) else ""
                    if text:
                        parts.append(f"{label}: {text}" if label and label != text else text)
                    column += span
                row = "; ".join(parts)
            elif values[0][1] and not any(th for _, th in values[1:]) and len(values) > 1:
                rest = "; ".join(text for text, _ in values[1:] if text)
                row = f"{values[0][0]}: {rest}" if rest else values[0][0]
            else:
                row = "; ".join(text for text, _ in values if text)
            self.events.append(_Event("row", row, depth=depth))
        return True
