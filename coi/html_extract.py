"""HTML extraction for country-of-origin information documents (saved web pages).

``extract_html(path)`` returns an :class:`ExtractedDocument` of kind ``"html"``: no pages, page
metadata (title, publication date, canonical URL, publisher, language) and numbered passages
with the headings they sit under. Plain data in, plain data out; no ``streamlit`` or
``workbench`` import. Parsing uses lxml's HTML parser (no network access, no scripts run).

Rules (deliberately simple; see the functions for details):

* Content, not the file name, decides: an empty file, a binary format (PDF, PNG, ZIP … renamed
  ``.html``), NUL bytes, text without any HTML markup and bytes that do not decode in the
  declared character set (byte-order mark, then ``<meta charset>``, default UTF-8) are refused
  with a plain message. Files over ``max_bytes`` (default 50 MB) are refused before reading.
* Boilerplate: script, style, noscript, template, svg, math, form, nav, header, footer, aside,
  iframe, button, dialog and inputs are skipped, and so are elements that are hidden or whose
  role, class or id mark navigation, menus, breadcrumbs, sharing, footers, sidebars, pop-ups
  or cookie banners. An element holding a quarter or more of the page's prose (or the
  ``<main>``/``<article>``) is never skipped that way: some sites wrap the whole page in a form.
* Main content: the outermost ``<main>``, ``<article>`` or ``[role=main]`` holding at least half
  of the page's prose, narrowed to a nested one still holding 80 % of it; without one, the
  smallest container holding 85 % of the prose; else ``<body>``. "Prose" is the text of
  paragraphs, list items, cells and definitions of 60+ characters that are mostly not links.
* Passages: the inline text of p, li, blockquote, dd/dt, pre, figcaption and loose text in
  divs, whitespace normalised; two ``<br>`` in a row start a new passage; a ``<dt>`` with a
  simple ``<dd>`` becomes "term: definition". Fragments of fewer than four words that are not
  sentences ("Share", "Print", "Back to top") and short runs of link text (menus) are not
  passages. Paragraph numbers are 1-based over the document in reading order.
* Tables: a data table becomes one passage per body row, "Header: value; Header: value" when
  it has a header row (``<thead>`` or a first row of ``<th>``), else the cells joined with "; "
  ("Label: value" when the row starts with a ``<th>``). Tables with nested tables, a single
  column, ``role=presentation`` or very long cells are layout tables and read as containers.
  Row spans are not repeated into later rows.
* Headings: h1–h6 (and ``role=heading`` with ``aria-level``) form ``heading_path`` as a stack: a
  new h2 closes open h2–h6, and a numbered heading closes numbered ones it is not part of
  ("2.1" closes "1."). Sectioning follows the HTML outline: a heading inside a nested
  ``<section>``/``<article>`` does not close headings of the enclosing one, and a section's
  headings close when it ends (unless the section held nothing but headings, a wrapper). A
  bare label ("Section 1.") directly before a heading is merged into it ("Section 1. Respect
  for the Integrity of the Person"). Headings that are nothing but an outgoing link ("Download
  Report") are not headings; the h1 that is the document's title is not repeated in paths.
* Metadata: ``title`` from og:title, JSON-LD headline, Dublin Core/citation title, the main
  h1 or ``<title>``, with the site name suffix (" - United States Department of State")
  removed; an h1 that contains that title is preferred, being more complete; a bare title
  that ends the page's JSON-LD breadcrumb trail gets the collection above it as a prefix
  ("2023 Country Reports on Human Rights Practices: Sri Lanka"). ``published``
  from ``article:published_time``, Dublin Core / citation dates, JSON-LD ``datePublished`` or
  a ``<time>`` in a byline; modification dates (``article:modified_time``, ``dateModified``) are
  later re-stamps and never used. ``url`` from ``<link rel=canonical>`` or og:url;
  ``publisher`` from og:site_name or the JSON-LD publisher; ``language`` from ``<html lang>``
  (or a Content-Language meta, og:locale) as an ISO 639-1 code.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from coi.cjk import CJK_RUN
from coi.extracted import ExtractedDocument, ExtractError, Passage
from coi.text_extract import (
    DEFAULT_MAX_BYTES,
    bom_encoding,
    check_decoded,
    check_not_binary,
    normalise_space,
    outside_numbering,
    parse_date,
    read_limited,
)

__all__ = ["DEFAULT_MAX_BYTES", "extract_html", "extract_html_bytes"]

# ---------------------------------------------------------------------------------------------
# Decoding and parsing

_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_HTML_MARKUP = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|p|div|span|a|br|h[1-6]|article|main|"
    r"section|table|ul|ol|li|b|i|em|strong|font|center|pre)\b",
    re.IGNORECASE,
)
# Browsers read these labels as the encodings on the right (WHATWG Encoding Standard).
_ENCODING_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "utf-16": "utf-8",  # a UTF-16 label without a byte-order mark: the bytes are ASCII-based
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}


def _declared_encoding(data: bytes) -> str | None:
    head = data[:4096]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if m is None:
        return None
    label = m.group(1).decode("ascii", "replace").lower()
    label = _ENCODING_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decode(data: bytes) -> str:
    check_not_binary(data, "an HTML page")
    encoding = bom_encoding(data)
    if encoding is None:
        if b"\x00" in data:
            raise ExtractError(
                "not an HTML page: the content has NUL bytes, so it is binary data"
            )
        encoding = _declared_encoding(data) or "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        label = encoding.upper().replace("-SIG", "")
        raise ExtractError(
            f"the page cannot be read as {label} text (undecodable byte at position "
            f"{exc.start}); save it again as UTF-8 or correct its declared character set"
        ) from exc
    text = text.lstrip("\ufeff")
    check_decoded(text, "an HTML page")
    if not text.strip():
        raise ExtractError("the file is empty: there is no HTML page to read")
    if _HTML_MARKUP.search(text[:65536]) is None:
        raise ExtractError(
            "not an HTML page: the content has no HTML markup "
            "(if it is plain text, upload it as a .txt file)"
        )
    return text


def _parse(text: str) -> lxml.html.HtmlElement:
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text, count=1)
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ExtractError(f"the HTML page cannot be parsed ({exc})") from exc


# ---------------------------------------------------------------------------------------------
# Boilerplate and main content

_NEVER_CONTENT = frozenset(
    "script style noscript template svg math head title meta link base object embed canvas "
    "audio video source track map area".split()
)
_BOILERPLATE_TAGS = frozenset(
    "form nav header footer aside iframe button select input textarea label dialog".split()
)
_BOILERPLATE_ROLES = frozenset(
    "navigation menu menubar menuitem banner contentinfo search complementary dialog "
    "alertdialog toolbar tablist".split()
)
# Words of a class or id (split at -, _ and spaces) that mark page furniture.
_BOILERPLATE_WORDS = frozenset(
    "nav navbar navigation navlinks menu menubar megamenu breadcrumb breadcrumbs crumbs toc "
    "share tags tagcloud "
    "sharing sharer sharebar socialmedia footer cookie cookies cookiebanner gdpr cmplz "
    "onetrust sidebar skiplink skiplinks popup modal newsletter subscribe advert "
    "advertisement adslot banner toolbar pagination pager".split()
)
# Whole class names (or adjacent word pairs) with the same meaning.
_BOILERPLATE_PHRASES = frozenset(
    "social-media social-links social-share social-icons skip-link skip-to-content "
    "sr-only screen-reader-text visually-hidden visuallyhidden hidden d-none hide "
    "related-posts related-content related-articles comments comment-respond".split()
)
_MAIN_SEMANTIC = frozenset({"main", "article"})
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK = frozenset(
    "address article aside blockquote body center details dd dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu "
    "nav ol p pre section summary table tbody td tfoot th thead tr ul caption".split()
)
_SECTIONING = frozenset({"section", "article"})
_CONTAINERS = frozenset(
    "div section article main body td blockquote center figure details dd li".split()
)
_PROSE_BLOCKS = ("p", "li", "dd", "td", "pre", "blockquote")
_SPLIT_WORDS = re.compile(r"[\s_\-]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_MIN_PROSE_CHARS = 60


def _tag(el: etree._Element) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _is_page_furniture(el: etree._Element) -> bool:
    """Role, class, id or hidden state mark ``el`` as navigation, menu, banner … or invisible."""
    role = (el.get("role") or "").strip().lower()
    if role in _BOILERPLATE_ROLES:
        return True
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    if _tag(el) in _HEADINGS or _tag(el) == "p":
        return False  # a heading's id ("report-toc__section-1") says nothing about furniture
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if not names.strip():
        return False
    for name in names.split():
        if name in _BOILERPLATE_PHRASES:
            return True
        words = [w for w in _SPLIT_WORDS.split(name) if w]
        if any(w in _BOILERPLATE_WORDS for w in words):
            return True
        if any(f"{a}-{b}" in _BOILERPLATE_PHRASES for a, b in zip(words, words[1:], strict=False)):
            return True
    return False


def _is_link(el: etree._Element, anchors: bool = True) -> bool:
    """A link; with ``anchors=False`` only an outgoing one (heading permalinks do not count)."""
    href = el.get("href")
    if _tag(el) != "a" or href is None:
        return False
    return anchors or not href.strip().startswith("#")


def _prose(body: etree._Element, skip: set[etree._Element]) -> dict[etree._Element, int]:
    """Characters of prose under every element (see module docstring), skipped subtrees out."""
    totals: dict[etree._Element, int] = {}
    for el in body.iter(*_PROSE_BLOCKS):
        if el.find(".//p") is not None or el.find(".//li") is not None:
            continue  # counted through its own paragraphs
        size = len(" ".join(el.text_content().split()))
        if size < _MIN_PROSE_CHARS:
            continue
        links = sum(len(" ".join(a.text_content().split())) for a in el.iter("a") if _is_link(a))
        if links > 0.5 * size:
            continue
        chain = [el, *el.iterancestors()]
        if skip and any(a in skip for a in chain):
            continue
        for a in chain:
            totals[a] = totals.get(a, 0) + size
    return totals


def _find_skipped(body: etree._Element) -> set[etree._Element]:
    """Top-most elements whose subtrees are not content."""
    prose = _prose(body, set())
    total = prose.get(body, 0)
    keep_whole: set[etree._Element] = set()
    for el in body.iter():
        if _tag(el) in _MAIN_SEMANTIC or (el.get("role") or "").lower() == "main":
            keep_whole.add(el)
            keep_whole.update(el.iterancestors())
    skip: set[etree._Element] = set()
    stack = list(reversed(list(body)))
    while stack:
        el = stack.pop()
        tag = _tag(el)
        if not tag:
            continue
        if tag in _NEVER_CONTENT:
            skip.add(el)
            continue
        furniture = tag in _BOILERPLATE_TAGS or _is_page_furniture(el)
        if furniture and el not in keep_whole and (
            total == 0 or prose.get(el, 0) < 0.25 * total
        ):
            skip.add(el)
            continue
        stack.extend(reversed(list(el)))
    return skip


def _content_root(body: etree._Element, skip: set[etree._Element]) -> etree._Element:
    prose = _prose(body, skip)
    total = prose.get(body, 0)
    if total == 0:
        return body

    def semantic(el: etree._Element) -> bool:
        return (_tag(el) in _MAIN_SEMANTIC or (el.get("role") or "").lower() == "main") and (
            el not in skip
        )

    outer = next(
        (el for el in body.iter() if semantic(el) and prose.get(el, 0) >= 0.5 * total), None
    )
    if outer is not None:
        best = outer
        for el in outer.iterdescendants():
            if semantic(el) and prose.get(el, 0) >= 0.8 * prose.get(outer, 0):
                best = el  # document order: the last one found is the deepest
        return best
    best = body
    for el in body.iterdescendants():
        if _tag(el) in _CONTAINERS and prose.get(el, 0) >= 0.85 * total:
            best = el
    return best


# ---------------------------------------------------------------------------------------------
# Walking the content: a flat list of events in reading order


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


# ---------------------------------------------------------------------------------------------
# From events to passages

_LABEL = re.compile(
    r"^(?:part|chapter|section|article|annex|appendix|title)\s+(?:[0-9]+[a-z]?|[ivxlcdm]+)"
    r"\s*[.:]?$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’»)\]」』）]*$")


def _is_content(event: _Event) -> bool:
    """Not a menu entry or a button-like fragment (see module docstring)."""
    text = event.text
    words = text.split()
    sentence = _SENTENCE_END.search(text) is not None
    if not sentence and (
        event.link_ratio >= 0.95 or (event.link_ratio >= 0.8 and len(words) < 15)
    ):
        return False
    if _LABEL.match(text):
        return False
    cjk = sum(len(m.group()) for m in CJK_RUN.finditer(text))
    if cjk >= 6:
        return True
    return len(words) >= 4 or (len(words) >= 2 and sentence)


def _merge_labels(events: list[_Event]) -> list[_Event]:
    out: list[_Event] = []
    for i, event in enumerate(events):
        nxt = events[i + 1] if i + 1 < len(events) else None
        if (
            event.kind in ("heading", "text")
            and _LABEL.match(event.text)
            and nxt is not None
            and nxt.kind == "heading"
        ):
            nxt.text = f"{event.text} {nxt.text}"
            continue
        out.append(event)
    return out


@dataclass
class _Open:
    level: int
    text: str
    depth: int
    loose: bool = False  # outlived an otherwise empty section: any later heading may close it


def _passages(events: list[_Event], title: str | None) -> list[Passage]:
    passages: list[Passage] = []
    stack: list[_Open] = []
    sections: list[int] = []  # passages emitted in each open section
    title_key = title.casefold() if title else None
    for event in _merge_labels(events):
        if event.kind == "open":
            sections.append(0)
        elif event.kind == "close":
            emitted = sections.pop() if sections else 0
            if emitted:
                stack = [h for h in stack if h.depth < event.depth]
            else:
                for h in stack:  # a wrapper around a heading: its heading stays open
                    if h.depth >= event.depth:
                        h.depth, h.loose = event.depth - 1, True
        elif event.kind == "heading":
            if event.link_ratio >= 0.9 or (
                event.level == 1 and title_key and event.text.casefold() in title_key
            ):
                continue
            while stack and (stack[-1].depth >= event.depth or stack[-1].loose) and (
                stack[-1].level >= event.level or outside_numbering(stack[-1].text, event.text)
            ):
                stack.pop()
            stack.append(_Open(event.level, event.text, event.depth))
        elif event.kind == "row" or _is_content(event):
            passages.append(
                Passage(
                    text=event.text,
                    page=None,
                    paragraph=len(passages) + 1,
                    heading_path=tuple(h.text for h in stack),
                )
            )
            sections = [n + 1 for n in sections]
    return passages


# ---------------------------------------------------------------------------------------------
# Metadata

_SEPARATORS = (" - ", " | ", " – ", " — ", " · ", " :: ", " » ", " : ")
_PUBLISHED_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "dcterms.issued",
    "dc.date.issued",
    "dcterms.date",
    "dc.date",
    "dcterms.created",
    "dc.date.created",
    "citation_publication_date",
    "citation_date",
    "publication_date",
    "publish-date",
    "pubdate",
    "date",
)
_ARTICLE_TYPES = frozenset(
    "article newsarticle report scholarlyarticle blogposting creativework techarticle "
    "legislation governmentservice".split()
)


def _metas(tree: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        key = key or meta.get("http-equiv") or ""
        content = (meta.get("content") or "").strip()
        if key and content:
            out.setdefault(key.strip().lower(), content)
    return out


def _json_ld(tree: etree._Element) -> list[dict[str, object]]:
    nodes: list[dict[str, object]] = []

    def gather(value: object) -> None:
        if isinstance(value, list):
            for item in value:
                gather(item)
        elif isinstance(value, dict):
            nodes.append(value)
            if "@graph" in value:
                gather(value["@graph"])

    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            gather(json.loads(script.text or "", strict=False))
        except (ValueError, RecursionError):
            continue
    return nodes


def _types(node: dict[str, object]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values if v}


def _ld_name(value: object, nodes: list[dict[str, object]]) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        if isinstance(value.get("name"), str):
            return value["name"].strip() or None
        ref = value.get("@id")
        for node in nodes:
            if ref and node.get("@id") == ref and isinstance(node.get("name"), str):
                return node["name"].strip() or None
    return None


def _language(value: str | None) -> str | None:
    m = re.match(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9-]*)?\s*$", value or "")
    if m is None:
        return None
    code = m.group(1).lower()
    if len(code) == 2:
        return code
    import pycountry  # only for rare three-letter codes

    found = pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code)
    return getattr(found, "alpha_2", None) if found is not None else None


def _strip_site(title: str, sites: list[str]) -> str:
    title = normalise_space(title)
    for site in sites:
        site_key = site.casefold()
        for sep in _SEPARATORS:
            if title.casefold().endswith((sep + site).casefold()) and len(title) > len(sep + site):
                return title[: -len(sep + site)].strip()
            if title.casefold().startswith((site + sep).casefold()) and len(title) > len(
                site + sep
            ):
                return title[len(site + sep) :].strip()
        if title.casefold() == site_key:
            return ""
    if not sites and " | " in title:
        return title.split(" | ")[0].strip()
    return title


def _with_collection(title: str, nodes: list[dict[str, object]]) -> str:
    """A bare page title ("Sri Lanka") that is the last step of the page's JSON-LD breadcrumb
    trail is prefixed with the collection above it ("2023 Country Reports on Human Rights
    Practices: Sri Lanka"), as the site itself titles its fuller pages."""
    if len(title.split()) > 4:
        return title
    for node in nodes:
        if "breadcrumblist" not in _types(node) or not isinstance(
            node.get("itemListElement"), list
        ):
            continue
        names = [
            _ld_name(item.get("name") or item.get("item"), nodes)
            for item in node["itemListElement"]
            if isinstance(item, dict)
        ]
        names = [normalise_space(n) for n in names if n]
        if len(names) >= 3 and names[-1].casefold() == title.casefold():
            parent = names[-2]
            if parent.casefold() not in ("home", title.casefold()):
                return f"{parent}: {title}"
    return title


def _published(metas: dict[str, str], nodes: list[dict[str, object]]) -> date | None:
    for key in _PUBLISHED_KEYS:
        if key in metas:
            found = parse_date(metas[key])
            if found is not None:
                return found
    ranked = sorted(nodes, key=lambda n: 0 if _types(n) & _ARTICLE_TYPES else 1)
    for node in ranked:
        value = node.get("datePublished")
        if isinstance(value, str):
            found = parse_date(value)
            if found is not None:
                return found
    return None


def _time_published(root: etree._Element, skip: set[etree._Element]) -> date | None:
    """A ``<time datetime>`` marked as the publication date, or one in a short byline."""
    candidates = [t for t in root.iter("time") if not any(a in skip for a in t.iterancestors())]
    for time in candidates:
        marked = (time.get("itemprop") or "").lower() == "datepublished"
        if marked or time.get("pubdate") is not None:
            found = parse_date(time.get("datetime") or time.text_content())
            if found is not None:
                return found
    for time in candidates:
        if not time.get("datetime"):
            continue
        block = next((a for a in time.iterancestors() if _tag(a) in _BLOCK), None)
        if block is not None and len(normalise_space(block.text_content())) < 120:
            found = parse_date(time.get("datetime") or "")
            if found is not None:
                return found
    return None


def _metadata(
    tree: etree._Element, body: etree._Element, skip: set[etree._Element], events: list[_Event]
) -> dict[str, object]:
    metas = _metas(tree)
    nodes = _json_ld(tree)
    out: dict[str, object] = {}

    publisher = metas.get("og:site_name")
    if not publisher:
        for node in nodes:
            publisher = _ld_name(node.get("publisher"), nodes)
            if publisher:
                break
    publisher = publisher or next(
        (metas[k] for k in ("dc.publisher", "dcterms.publisher", "citation_publisher",
                            "publisher") if metas.get(k)),
        None,
    )
    if publisher:
        out["publisher"] = normalise_space(publisher)
    sites = [s for s in (publisher, metas.get("application-name"), metas.get("og:site_name")) if s]
    sites += [n["name"] for n in nodes if "website" in _types(n) and isinstance(n.get("name"), str)]
    sites = list(dict.fromkeys(normalise_space(s) for s in sites if s.strip()))

    headline = next(
        (n["headline"] for n in nodes
         if _types(n) & _ARTICLE_TYPES and isinstance(n.get("headline"), str)),
        None,
    )
    title_tag = tree.find(".//title")
    candidates = [
        metas.get("og:title"),
        metas.get("twitter:title"),
        headline,
        metas.get("dc.title") or metas.get("dcterms.title") or metas.get("citation_title"),
        title_tag.text_content() if title_tag is not None else None,
    ]
    stated = next((t for t in (_strip_site(c, sites) for c in candidates if c) if t), None)
    h1 = next((e.text for e in events if e.kind == "heading" and e.level == 1), None)
    if h1 is None:
        for el in body.iter("h1"):
            if el not in skip and not any(a in skip for a in el.iterancestors()):
                h1 = normalise_space(el.text_content())
                break
    title = h1 if h1 and (stated is None or stated.casefold() in h1.casefold()) else stated
    if title:
        out["title"] = _with_collection(title, nodes)

    published = _published(metas, nodes) or _time_published(body, skip)
    if published is not None:
        out["published"] = published

    url = None
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            url = link.get("href").strip()
            break
    og_url = metas.get("og:url")
    if url and not url.lower().startswith(("http://", "https://")):
        url = urljoin(og_url, url) if og_url else None
    url = url or og_url
    if url and url.lower().startswith(("http://", "https://")):
        out["url"] = url

    root = tree.getroottree().getroot()
    language = (
        _language(root.get("lang"))
        or _language(root.get("{http://www.w3.org/XML/1998/namespace}lang"))
        or _language(metas.get("content-language"))
        or _language(metas.get("og:locale"))
        or _language(next((n["inLanguage"] for n in nodes if isinstance(n.get("inLanguage"), str)),
                          None))
    )
    if language:
        out["language"] = language
    return out


# ---------------------------------------------------------------------------------------------
# Public entry points


def extract_html(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ExtractedDocument:
    """Extract metadata and numbered passages from the saved web page at ``path``."""
    path = Path(path)
    return extract_html_bytes(read_limited(path, max_bytes), path.name, max_bytes=max_bytes)


def extract_html_bytes(
    data: bytes, name: str = "", *, max_bytes: int = DEFAULT_MAX_BYTES
) -> ExtractedDocument:
    """Extract from the raw bytes of an HTML page (``name`` is only used in messages)."""
    if len(data) > max_bytes:
        raise ExtractError(
            f"the file is too large (the limit is {max_bytes / (1024 * 1024):.1f} MB)"
        )
    tree = _parse(_decode(data))
    body = tree.find("body")
    if body is None:
        body = tree
    skip = _find_skipped(body)
    root = _content_root(body, skip)
    walker = _Walker(skip)
    walker.walk(root, 0, False)
    walker.flush()
    metadata = _metadata(tree, body, skip, walker.events)
    title = metadata.get("title")
    passages = _passages(walker.events, title if isinstance(title, str) else None)
    if not passages:
        raise ExtractError(
            "the page has no readable text: it may need JavaScript to show its content "
            "(save it again after it has loaded, or print it to PDF)"
        )
    return ExtractedDocument(
        pages=[], page_count=None, metadata=metadata, passages=passages, kind="html"
    )
