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

Boilerplate and the main content are found in :mod:`coi.html_content`, the content is walked
into events by :mod:`coi.html_walk`, metadata is read by :mod:`coi.html_metadata`; decoding,
parsing and turning events into passages are here.
"""


from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree

from coi.cjk import CJK_RUN
from coi.extracted import ExtractedDocument, ExtractError, Passage
from coi.html_content import _content_root, _find_skipped
from coi.html_metadata import _metadata
from coi.html_walk import _Event, _Walker
from coi.text_extract import (
    DEFAULT_MAX_BYTES,
    bom_encoding,
    check_decoded,
    check_not_binary,
    outside_numbering,
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
