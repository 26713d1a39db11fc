"""The title :func:`coi.recognise.recognise` gives a document: the extractor's metadata
title unless it is junk (a file name, a placeholder, a URL), else the first heading, else the
first title-like line of page 1 (rules in :mod:`coi.recognise`).
"""

from __future__ import annotations

import re

from coi.extracted import ExtractedDocument

__all__ = ["is_junk_title"]

_JUNK_TITLE = re.compile(
    r"""(?ix)
    ^\s*$
    | ^(untitled|document\s*\d*|new\ document|no\ title|title|page\s*\d*|slide\s*\d*
        |powerpoint\ presentation|presentation\d*|book\d*|sheet\d*|print|default|index
        |template|draft|none|null|unknown|word\ document|pdf|temp|scan\w*)(\s*[-_.]?\s*\d*)?$
    | ^(microsoft\ (word|excel|powerpoint)|word|excel|powerpoint|libreoffice|openoffice)\s*[-:]
    | \.(docx?|pdf|rtf|odt|txt|html?|xlsx?|pptx?|indd|qxd|tmp|wpd)\s*$
    | ^(https?://|www\.|file:)
    | ^[A-Z]:\\ | ^/\S+$
    """
)
_BOILERPLATE_HEADING = re.compile(
    r"(?i)^(skip to (main )?content|menu|main menu|navigation|search|contents|table of contents"
    r"|home|share|print|back to top|cookies?( settings| notice)?|close|language|summary"
    r"|executive summary|introduction|abstract|foreword|preface|disclaimer|acknowledge?ments"
    r"|about this report|key findings|methodology|list of abbreviations|abbreviations|glossary"
    r"|目次|はじめに|要約|概要)$"
)
_SENTENCE_END = re.compile(r"[.!?。](\s|$)")
_DATEISH = re.compile(r"^[\d\s./:,\-年月日]+$")
_TITLE_MAX = 300


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def is_junk_title(value: object) -> bool:
    """A PDF/HTML title that is no title: file names, placeholders, URLs, no letters."""
    if not isinstance(value, str):
        return True
    text = _clean(value)
    if not text or not any(ch.isalpha() for ch in text) or _JUNK_TITLE.search(text):
        return True
    # a single token with underscores or an extension-like dot: a file name ("report_v2")
    return " " not in text and ("_" in text or re.search(r"\.\w{2,4}$", text) is not None)


def _title_like(text: str) -> bool:
    text = _clean(text)
    if not (3 <= len(text) <= 200) or len(text.split()) > 20:
        return False
    if not sum(ch.isalpha() for ch in text) >= 3 or _DATEISH.match(text):
        return False
    if _BOILERPLATE_HEADING.match(text) or is_junk_title(text):
        return False
    # a sentence is not a title; a final full stop after an abbreviation ("No.", "Inc.") is
    if text.endswith("."):
        last = text[:-1].split()[-1] if text[:-1].split() else ""
        if len(last) > 4 or "." in last or not last[:1].isupper():
            return False
        text = text[:-1]
    return not _SENTENCE_END.search(text)


def _title(document: ExtractedDocument) -> tuple[str | None, str]:
    meta_title = document.metadata.get("title") if document.metadata else None
    printed = (document.metadata or {}).get("printed")
    if meta_title is not None and isinstance(printed, dict):
        tab = printed.get("tab_title")
        return _clean(meta_title)[:_TITLE_MAX], (
            "the report's first heading on a web page printed by a browser"
            + (f" (the tab title {_clean(str(tab))[:80]!r} printed in the header is not "
               "used)" if tab else ""))
    if meta_title is not None:
        if not is_junk_title(meta_title):
            return _clean(meta_title)[:_TITLE_MAX], "title given by the document's metadata"
        ignored = f"metadata title {_clean(str(meta_title))[:60]!r} looks like a file name or " \
            "placeholder and was ignored; "
    else:
        ignored = ""
    first_page = [p for p in document.passages if p.page in (None, 1)][:20]
    for passage in first_page:
        for heading in passage.heading_path:
            if _title_like(heading):
                return _clean(heading)[:_TITLE_MAX], ignored + "first heading of the document"
    if document.pages:
        lines = document.pages[0].text.splitlines()
        source = "first line of page 1 that reads like a title"
    else:
        lines = [p.text for p in first_page[:3]]
        source = "first passage, short enough to be a title"
    for line in lines[:8]:
        if _title_like(line):
            return _clean(line)[:_TITLE_MAX], ignored + source
    return None, ignored + "no title in the metadata, headings or first lines"
