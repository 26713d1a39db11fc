"""One document of the library: the list of what was added most recently, a document
opened with its source, editions and passages, the library's own copy of its file, and an
administrator's correction of its metadata (facets, editions and audit follow)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from coi import ingest as coi_ingest
from coi.search_hits import document_countries
from coi.store import FileStore
from models.coi import CoiCitation, CoiDocument, CoiDocumentCountry, CoiPassage, CoiSource
from models.types import utcnow
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.errors import NotFound, StaleEdit, ValidationError
from workbench.core.i18n import t
from workbench.core.ids import check_id
from workbench.core.permissions import Action, require
from workbench.core.settings import Settings, get_settings
from workbench.library.sources import SourceView, source_views


@dataclass(frozen=True)
class PassageView:
    id: int
    paragraph: int
    page: int | None
    section: str
    text: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class EditionView:
    id: int
    title: str
    published_on: date | None
    edition: int
    current: bool


@dataclass(frozen=True)
class DocumentView:
    id: int
    title: str
    source: SourceView | None
    published_on: date | None
    ingested_at: datetime
    language: str
    doc_type: str | None
    url: str | None
    file_name: str
    media_type: str
    size_bytes: int
    page_count: int | None
    sha256: str
    countries: tuple[str, ...]
    primary_country: str | None
    edition: int
    superseded_by: int | None
    editions: tuple[EditionView, ...]
    notes: dict[str, str]
    version: int
    passages: tuple[PassageView, ...] = field(default_factory=tuple)
    cited: int = 0


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    title: str
    source: str | None
    published_on: date | None
    ingested_at: datetime
    countries: tuple[str, ...]
    passages: int
    media_type: str
    current: bool


def list_documents(session: Session, *, actor: Actor, country: str | None = None,
                   limit: int = 50, offset: int = 0) -> tuple[list[DocumentSummary], int]:
    """Documents, most recently added first (the library's "what is new")."""
    require(actor, Action.COI_SEARCH)
    query = select(CoiDocument, CoiSource.short_name).join(
        CoiSource, CoiSource.id == CoiDocument.source_id, isouter=True)
    count_query = select(func.count()).select_from(CoiDocument)
    if country:
        sub = select(CoiDocumentCountry.document_id).where(
            CoiDocumentCountry.country == country.upper())
        query = query.where(CoiDocument.id.in_(sub))
        count_query = count_query.where(CoiDocument.id.in_(sub))
    total = session.execute(count_query).scalar_one()
    rows = session.execute(query.order_by(CoiDocument.ingested_at.desc(), CoiDocument.id.desc())
                           .limit(limit).offset(offset)).all()
    countries = document_countries(session, [doc.id for doc, _ in rows])
    return [DocumentSummary(d.id, d.title, short, d.published_on, d.ingested_at,
                            tuple(countries.get(d.id, ())), d.passage_count, d.media_type,
                            d.superseded_by_id is None) for d, short in rows], total


def document_row(session: Session, document_id: int) -> CoiDocument:
    check_id(document_id, t("errors.coi.no_coi_document", document_id=document_id))
    doc = session.get(CoiDocument, document_id)
    if doc is None:
        raise NotFound(t("errors.coi.no_coi_document", document_id=document_id))
    return doc


def open_document(session: Session, *, actor: Actor, document_id: int,
                  with_passages: bool = True) -> DocumentView:
    require(actor, Action.COI_SEARCH)
    doc = document_row(session, document_id)
    source = source_views(session, doc.source_id)[0] if doc.source_id is not None else None
    country_rows = session.execute(
        select(CoiDocumentCountry.country, CoiDocumentCountry.is_primary)
        .where(CoiDocumentCountry.document_id == doc.id)
        .order_by(CoiDocumentCountry.is_primary.desc(), CoiDocumentCountry.country)).all()
    editions = session.execute(
        select(CoiDocument).where(CoiDocument.series_key == doc.series_key)
        .order_by(CoiDocument.edition)).scalars().all()
    passages: tuple[PassageView, ...] = ()
    if with_passages:
        passages = tuple(
            PassageView(p.id, p.paragraph, p.page, p.section, p.text, tuple(p.topics.split()))
            for p in session.execute(select(CoiPassage).where(CoiPassage.document_id == doc.id)
                                     .order_by(CoiPassage.paragraph)).scalars())
    cited = session.execute(select(func.count()).select_from(CoiCitation).where(
        CoiCitation.document_id == doc.id, CoiCitation.removed_at.is_(None))).scalar_one()
    return DocumentView(
        id=doc.id, title=doc.title, source=source, published_on=doc.published_on,
        ingested_at=doc.ingested_at, language=doc.language, doc_type=doc.doc_type,
        url=doc.source_url, file_name=doc.file_name, media_type=doc.media_type,
        size_bytes=doc.size_bytes, page_count=doc.page_count, sha256=doc.sha256,
        countries=tuple(c for c, _ in country_rows),
        primary_country=next((c for c, primary in country_rows if primary), None),
        edition=doc.edition, superseded_by=doc.superseded_by_id,
        editions=tuple(EditionView(e.id, e.title, e.published_on, e.edition,
                                   e.superseded_by_id is None) for e in editions),
        notes={k: v for k, v in json.loads(doc.metadata_notes or "{}").items()
               if not k.startswith("_")},
        version=doc.version, passages=passages,
        cited=cited,
    )


def document_file(session: Session, *, actor: Actor, document_id: int,
                  settings: Settings | None = None) -> tuple[bytes, str, str]:
    """The library's own copy of the file: (content, file name, MIME type)."""
    settings = settings or get_settings()
    require(actor, Action.COI_SEARCH)
    doc = document_row(session, document_id)
    mime = {"pdf": "application/pdf", "html": "text/html", "text": "text/plain"}[doc.media_type]
    try:
        data = FileStore(settings.resolved_coi_store).read_bytes(doc.sha256)
    except FileNotFoundError:
        raise NotFound(t("errors.coi.library_s_copy_file",
                         store=settings.resolved_coi_store)) from None
    return data, doc.file_name, mime


@dataclass(frozen=True)
class DocumentChanges:
    title: str | None = None
    published_on: date | None = None
    clear_published: bool = False
    source_key: str | None = None
    countries: tuple[str, ...] | None = None
    primary_country: str | None = None
    language: str | None = None
    doc_type: str | None = None
    url: str | None = None


def update_document(session: Session, *, actor: Actor, document_id: int,
                    expected_version: int, changes: DocumentChanges) -> DocumentView:
    """An administrator corrects a document's metadata; facets, editions and the audit log
    follow in the same transaction."""
    from coi.gazetteer import lookup

    require(actor, Action.COI_EDIT, entity_type="coi_document", entity_id=document_id)
    doc = document_row(session, document_id)
    if doc.version != expected_version:
        raise audit.refuse(
            StaleEdit(entity="COI document", expected_version=expected_version,
                      current_version=doc.version, changed_by=None, changed_at=doc.updated_at),
            actor=actor, action="coi.document.update", entity_type="coi_document",
            entity_id=document_id, outcome="stale")
    before = open_document(session, actor=actor, document_id=document_id, with_passages=False)
    notes = json.loads(doc.metadata_notes or "{}")
    edited = f"edited by {actor.username}"
    diff: dict[str, list] = {}

    def set_field(name: str, attr: str, value: object) -> None:
        old = getattr(doc, attr)
        if value != old:
            diff[name] = [str(old) if old is not None else None,
                          str(value) if value is not None else None]
            setattr(doc, attr, value)
            notes[name] = edited

    if changes.title is not None:
        if not changes.title.strip():
            raise ValidationError(t("errors.coi.title_cannot_empty"))
        set_field("title", "title", changes.title.strip()[:500])
    if changes.clear_published:
        set_field("published", "published_on", None)
    elif changes.published_on is not None:
        set_field("published", "published_on", changes.published_on)
    if changes.language is not None:
        was = doc.language
        set_field("language", "language", changes.language.strip().lower()[:8] or "en")
        if (was == "en") != (doc.language == "en"):
            session.flush()
            coi_ingest.reindex_document(session, doc.id, doc.language)  # stems or none
    if changes.doc_type is not None:
        if changes.doc_type and changes.doc_type not in coi_ingest.DOC_TYPES:
            raise ValidationError(t("errors.coi.type_must_one",
                                    types=', '.join(coi_ingest.DOC_TYPES)))
        set_field("doc_type", "doc_type", changes.doc_type or None)
    if changes.url is not None:
        set_field("url", "source_url", changes.url.strip() or None)
    if changes.source_key is not None:
        source_id = None
        if changes.source_key:
            try:
                source_id = coi_ingest.source_by_key(session, changes.source_key).id
            except coi_ingest.UnknownSource as exc:
                raise ValidationError(exc.message) from None
        set_field("source", "source_id", source_id)
    countries = list(before.countries)
    if changes.countries is not None:
        resolved = []
        for name in changes.countries:
            country = lookup(name)
            if country is None:
                raise ValidationError(t("errors.coi.unknown_country", name=name))
            resolved.append(country.code)
        countries = list(dict.fromkeys(resolved))
    primary = changes.primary_country or before.primary_country
    if primary not in countries:
        primary = countries[0] if countries else None
    if countries != list(before.countries) or primary != before.primary_country:
        diff["countries"] = [list(before.countries), countries]
        notes["countries"] = edited
        for row in session.execute(select(CoiDocumentCountry).where(
                CoiDocumentCountry.document_id == doc.id)).scalars():
            session.delete(row)
        session.flush()
        for code in countries:
            session.add(CoiDocumentCountry(document_id=doc.id, country=code,
                                           is_primary=code == primary))
    if not diff:
        return before
    doc.metadata_notes = json.dumps(notes, ensure_ascii=False)
    doc.version += 1
    doc.updated_at = utcnow()
    old_series = doc.series_key
    source_key = (session.get(CoiSource, doc.source_id).key
                  if doc.source_id is not None else None)
    doc.series_key = coi_ingest.series_key(source_key, doc.title,
                                           [primary] if primary else countries)
    session.add(doc)
    session.flush()
    now = utcnow()
    coi_ingest.settle_editions(session, doc.series_key, now=now)
    if old_series != doc.series_key:
        coi_ingest.settle_editions(session, old_series, now=now)
    coi_ingest.refresh_facets(session, doc.id)
    audit.record(session, actor=actor, action="coi.document.update", entity_type="coi_document",
                 entity_id=doc.id, details={"changes": diff})
    return open_document(session, actor=actor, document_id=doc.id, with_passages=False)
