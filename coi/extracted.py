"""What every extractor (PDF, HTML, plain text) hands to ingestion: plain data, no database.

Metadata keys an extractor may fill (all optional; ingestion falls back to its own
recognisers and to what the user typed):

    title         str        the document's own title
    published     date       publication date stated by the document or its page metadata
    url           str        canonical address of the original
    publisher     str        who published it, as the document names it
    language      str        ISO 639-1 code declared by the document (``lang`` attribute ...)
    author, subject, creator, producer, creation_date, modification_date   (PDF info)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

Kind = Literal["pdf", "html", "text"]

#: No passage is longer than this many characters: a longer paragraph (a file that is one
#: 20 MB line, a page without breaks) is split into passages at sentence ends, else between
#: words, else (unsegmented text without punctuation) at the limit.
MAX_PASSAGE_CHARS = 4000

_SENTENCE_END = re.compile(r"[.!?。！？][)\]\"'»”’]*(?=\s)|[。！？]")
_SPACE = re.compile(r"\s+")


class ExtractError(Exception):
    """A file that cannot be ingested; ``message`` tells the user why, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ExtractedPage:
    number: int  # 1-based
    text: str  # cleaned text, paragraphs separated by blank lines
    columns: int = 1


@dataclass(frozen=True)
class Passage:
    """One paragraph (or table row group) of the document, where a citation can point."""

    text: str
    page: int | None  # first page the passage appears on (1-based); None for HTML and text
    paragraph: int  # 1-based paragraph number within the document
    heading_path: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # topic codes from the COI taxonomy (filled by ``coi.enrich``)
    index_text: str = ""  # the passage in ``coi.cjk`` token form (filled by ``coi.enrich``)


def _cut(text: str, limit: int) -> int:
    """Where to end the first piece of ``text`` (longer than ``limit``): after the last
    sentence end in the second half of the first ``limit`` characters, else at the last
    space there, else at ``limit``."""
    window, floor = text[:limit], limit // 2
    ends = list(_SENTENCE_END.finditer(window, floor))
    if ends:
        return ends[-1].end()
    spaces = list(_SPACE.finditer(window, floor))
    return spaces[-1].start() if spaces else limit


def split_text(text: str, limit: int = MAX_PASSAGE_CHARS) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at sentence or word
    boundaries where there are any."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = _cut(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return [p for p in pieces if p.strip()] or [text[:limit]]


def bound_passages(passages: list[Passage], limit: int = MAX_PASSAGE_CHARS) -> list[Passage]:
    """``passages`` with every one longer than ``limit`` split into several (same page,
    headings and topics; the paragraph numbers after it move up). The same list when none
    is too long."""
    if all(len(p.text) <= limit for p in passages):
        return passages
    out: list[Passage] = []
    shift = 0
    for passage in passages:
        if len(passage.text) <= limit:
            out.append(replace(passage, paragraph=passage.paragraph + shift))
            continue
        pieces = split_text(passage.text, limit)
        out.extend(replace(passage, text=piece, paragraph=passage.paragraph + shift + n,
                           index_text="") for n, piece in enumerate(pieces))
        shift += len(pieces) - 1
    return out


@dataclass(frozen=True)
class ExtractedDocument:
    """What an extractor found. Its passages are bounded to ``MAX_PASSAGE_CHARS`` here, when
    the document is made, so that every format (and every later copy) obeys the bound."""

    pages: list[ExtractedPage]
    page_count: int | None
    metadata: dict[str, object] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    kind: Kind = "pdf"

    def __post_init__(self) -> None:
        bounded = bound_passages(self.passages)
        if bounded is not self.passages:
            object.__setattr__(self, "passages", bounded)

    @property
    def text(self) -> str:
        if self.pages:
            return "\n\n".join(p.text for p in self.pages)
        return "\n\n".join(p.text for p in self.passages)
