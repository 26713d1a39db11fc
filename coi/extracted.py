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

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["pdf", "html", "text"]


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


@dataclass(frozen=True)
class ExtractedDocument:
    pages: list[ExtractedPage]
    page_count: int | None
    metadata: dict[str, object] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    kind: Kind = "pdf"

    @property
    def text(self) -> str:
        if self.pages:
            return "\n\n".join(p.text for p in self.pages)
        return "\n\n".join(p.text for p in self.passages)
