"""Metadata to review: documents whose date, title or countries look wrong (see
``coi.review``), with the fix each flag offers; one click applies the fix or keeps the value
as it is."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from coi import ingest as coi_ingest
from coi import review as coi_review
from coi.search_hits import document_countries
from models.coi import CoiDocument, CoiPassage, CoiSource
from models.types import utcnow
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.errors import StaleEdit, ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, require
from workbench.library.documents import (
    DocumentChanges,
    DocumentView,
    document_row,
    open_document,
    update_document,
)

_REVIEWED = "_reviewed"  # metadata_notes key: flags an administrator kept as they are


@dataclass(frozen=True)
class ReviewItem:
    """A document whose metadata looks wrong, with what looks wrong and the fixes offered."""

    document_id: int
    title: str
    published_on: date | None
    ingested_at: datetime
    countries: tuple[str, ...]
    version: int
    flags: tuple[coi_review.Flag, ...]


def _site_names(session: Session) -> list[str]:
    names: list[str] = []
    for name, short in session.execute(select(CoiSource.name, CoiSource.short_name)).all():
        names += [n for n in (name, short) if n]
    return names


def _review_item(session: Session, doc: CoiDocument, countries: Sequence[str],
                 site_names: Sequence[str]) -> ReviewItem:
    notes = json.loads(doc.metadata_notes or "{}")
    reviewed = [c for c in str(notes.get(_REVIEWED, "")).split(",") if c]
    flags = coi_review.metadata_flags(
        title=doc.title, published=doc.published_on, added_on=doc.ingested_at.date(),
        countries=countries, site_names=site_names, reviewed=reviewed)
    if any(f.suggestion is None for f in flags):
        # Only then read the opening passages, for a title or countries to suggest.
        first = session.execute(
            select(CoiPassage.section, CoiPassage.text).where(CoiPassage.document_id == doc.id)
            .order_by(CoiPassage.paragraph).limit(5)).all()
        heading = next((sec.split(coi_ingest.SECTION_SEPARATOR)[0] for sec, _ in first
                        if sec), None)
        flags = coi_review.metadata_flags(
            title=doc.title, published=doc.published_on, added_on=doc.ingested_at.date(),
            countries=countries, site_names=site_names, first_heading=heading,
            opening_text="\n\n".join(text for _, text in first), reviewed=reviewed)
    return ReviewItem(doc.id, doc.title, doc.published_on, doc.ingested_at, tuple(countries),
                      doc.version, tuple(flags))


def review_flags(session: Session, *, actor: Actor, document_id: int) -> ReviewItem:
    """What looks wrong in one document's metadata (no flags: nothing to review)."""
    require(actor, Action.COI_EDIT, entity_type="coi_document", entity_id=document_id)
    doc = document_row(session, document_id)
    countries = document_countries(session, [doc.id]).get(doc.id, [])
    return _review_item(session, doc, countries, _site_names(session))


def needs_review(session: Session, *, actor: Actor, limit: int = 200) -> list[ReviewItem]:
    """Documents with suspect metadata, most recently added first."""
    require(actor, Action.COI_EDIT)
    site_names = _site_names(session)
    docs = session.execute(select(CoiDocument).order_by(
        CoiDocument.ingested_at.desc(), CoiDocument.id.desc())).scalars().all()
    countries = document_countries(session, [d.id for d in docs])
    out: list[ReviewItem] = []
    for doc in docs:
        item = _review_item(session, doc, countries.get(doc.id, []), site_names)
        if item.flags:
            out.append(item)
            if len(out) >= limit:
                break
    return out


def resolve_flag(session: Session, *, actor: Actor, document_id: int, expected_version: int,
                 code: str, accept: bool) -> DocumentView:
    """One click on a flag: ``accept`` applies its suggestion (no date; the suggested title;
    the suggested countries), otherwise the value is kept as it is and the flag goes away."""
    require(actor, Action.COI_EDIT, entity_type="coi_document", entity_id=document_id)
    item = review_flags(session, actor=actor, document_id=document_id)
    flag = next((f for f in item.flags if f.code == code), None)
    if flag is None:
        raise ValidationError(t("coi.review_gone"))
    if accept:
        if flag.suggestion is None:
            raise ValidationError(t("coi.review_no_suggestion"))
        if flag.field == "published":
            changes = DocumentChanges(clear_published=True)
        elif flag.field == "title":
            changes = DocumentChanges(title=flag.suggestion)
        else:
            changes = DocumentChanges(countries=tuple(flag.suggestion.split(", ")))
        return update_document(session, actor=actor, document_id=document_id,
                               expected_version=expected_version, changes=changes)
    doc = document_row(session, document_id)
    if doc.version != expected_version:
        raise StaleEdit(entity="COI document", expected_version=expected_version,
                        current_version=doc.version, changed_by=None,
                        changed_at=doc.updated_at)
    notes = json.loads(doc.metadata_notes or "{}")
    kept = [c for c in str(notes.get(_REVIEWED, "")).split(",") if c]
    notes[_REVIEWED] = ",".join(dict.fromkeys([*kept, code]))
    doc.metadata_notes = json.dumps(notes, ensure_ascii=False)
    doc.version += 1
    doc.updated_at = utcnow()
    session.add(doc)
    audit.record(session, actor=actor, action="coi.document.review", entity_type="coi_document",
                 entity_id=doc.id, details={"kept": code})
    return open_document(session, actor=actor, document_id=doc.id, with_passages=False)
