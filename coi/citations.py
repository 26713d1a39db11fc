"""Citing a passage: a reference a reader can follow to the exact place.

COI methodology asks that every statement be traceable: who published it, the title, the
publication date, the pinpoint (page and paragraph for a PDF; section and paragraph for a
web page or text), where it was available and when it was accessed. The reference and the
quoted text are stored with the citation as they stood when cited, so a later edition of the
report, or an edited title, never changes what a finding relied on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.coi import CoiCitation, CoiDocument, CoiPassage, CoiSource

PURPOSES = ("finding", "interview", "decision")


def long_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "undated"


def pinpoint(page: int | None, paragraph: int, section: str) -> str:
    if page is not None:
        return f"p. {page}, para. {paragraph}"
    if section:
        return f"section “{section.split(' › ')[-1]}”, para. {paragraph}"
    return f"para. {paragraph}"


@dataclass(frozen=True)
class Reference:
    publisher: str
    title: str
    published: date | None
    place: str
    url: str | None
    accessed: date

    def full(self) -> str:
        """Publisher, Title, Date, pinpoint, URL (accessed date)."""
        parts = [self.publisher, f"“{self.title}”", long_date(self.published), self.place]
        text = ", ".join(p for p in parts if p)
        if self.url:
            text += f", {self.url}"
        return f"{text} (accessed {long_date(self.accessed)})"

    def short(self) -> str:
        year = str(self.published.year) if self.published else "n.d."
        return f"{self.publisher}, {self.title} ({year}), {self.place}"


def reference_for(session: Session, passage_id: int, *, accessed: date) -> Reference:
    passage = session.get(CoiPassage, passage_id)
    if passage is None:
        raise LookupError(f"there is no COI passage {passage_id}")
    doc = session.get(CoiDocument, passage.document_id)
    source = session.get(CoiSource, doc.source_id) if doc.source_id is not None else None
    if source is not None:
        publisher = (f"{source.name} ({source.short_name})"
                     if source.short_name and source.short_name != source.name else source.name)
    else:
        publisher = "Unknown publisher"
    return Reference(publisher=publisher, title=doc.title, published=doc.published_on,
                     place=pinpoint(passage.page, passage.paragraph, passage.section),
                     url=doc.source_url, accessed=accessed)


def live_citation(session: Session, application_id: int, passage_id: int) -> CoiCitation | None:
    """The citation in force of ``passage_id`` in the case, if there is one."""
    return session.execute(select(CoiCitation).where(
        CoiCitation.application_id == application_id, CoiCitation.passage_id == passage_id,
        CoiCitation.removed_at.is_(None))).scalars().first()


def add_citation(session: Session, *, application_id: int, passage_id: int, finding: str,
                 purpose: str, user_id: int | None, accessed: date) -> tuple[CoiCitation, bool]:
    """Cite ``passage_id`` in the case: the new citation and True, or, when the passage is
    already cited there, the citation in force and False (a passage is cited once in a case).

    Two requests racing (a double click) both find no citation; the database's unique index
    lets one insert through and refuses the other, which then answers with the first one's
    citation. The insert runs in a savepoint so that the refusal leaves the transaction
    usable."""
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {', '.join(PURPOSES)}")
    existing = live_citation(session, application_id, passage_id)
    if existing is not None:
        return existing, False
    reference = reference_for(session, passage_id, accessed=accessed)
    passage = session.get(CoiPassage, passage_id)
    citation = CoiCitation(
        application_id=application_id, passage_id=passage_id, document_id=passage.document_id,
        purpose=purpose, finding=finding.strip(), quote=passage.text,
        reference=reference.full(), accessed_on=accessed, created_by_id=user_id,
    )
    try:
        with session.begin_nested():
            session.add(citation)
            session.flush()
    except IntegrityError:
        existing = live_citation(session, application_id, passage_id)
        if existing is None:
            raise
        return existing, False
    return citation, True


def citations_for_case(session: Session, application_id: int, *,
                       include_removed: bool = False) -> list[CoiCitation]:
    query = select(CoiCitation).where(CoiCitation.application_id == application_id)
    if not include_removed:
        query = query.where(CoiCitation.removed_at.is_(None))
    return list(session.execute(query.order_by(CoiCitation.created_at,
                                               CoiCitation.id)).scalars())
