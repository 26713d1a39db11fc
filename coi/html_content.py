"""The main content of a saved web page: the elements skipped as page furniture (scripts,
navigation, menus, footers, hidden or cookie-banner elements, unless they hold much of the
prose), and the content root (``<main>``/``<article>`` or the smallest container holding most of
the page's prose). The tag sets here are shared by the walker and the metadata reader.
"""

from __future__ import annotations

import re

from lxml import etree

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
