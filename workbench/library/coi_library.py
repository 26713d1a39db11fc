"""COI library services: ingestion, search, documents, sources, citations and suggestions,
with the permission checks and audit entries around ``coi``'s plain functions."""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from coi import citations as coi_citations
from coi import ingest as coi_ingest
from coi import review as coi_review
from coi import search as coi_search
from coi import suggest as coi_suggest
from coi.extracted import ExtractedDocument, ExtractError
from coi.filenames import shown_name
from coi.query import QueryError
from coi.store import FileStore, SweepReport, sha256_of
from models import Application, Person
from models.coi import CoiCitation, CoiDocument, CoiDocumentCountry, CoiPassage, CoiSource
from models.types import utcnow
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.clock import today
from workbench.core.db import present, unit_of_work
from workbench.core.errors import NotFound, StaleEdit, ValidationError
from workbench.core.i18n import t, tn
from workbench.core.ids import check_id
from workbench.core.permissions import Action, require, require_case_id
from workbench.core.settings import Settings, get_settings

__all__ = [
    "CitationView", "DocumentView", "FileOutcome", "ingest_files", "search", "open_document",
]


# --- ingestion -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileOutcome:
    path: str
    status: str  # added | duplicate | failed
    message: str
    document_id: int | None = None
    title: str | None = None
    passages: int = 0
    superseded: tuple[int, ...] = ()
    superseded_by: int | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


Progress = Callable[[int, int, FileOutcome], None]
Swept = Callable[[SweepReport], None]


def _describe(result: coi_ingest.IngestResult) -> str:
    if result.status == "duplicate":
        return t("errors.coi.ingest.in_library", id=result.document_id, title=result.title)
    text = tn("errors.coi.ingest.added", result.passages, id=result.document_id,
              passages=result.passages)
    if result.superseded:
        text += t("errors.coi.ingest.supersedes_many" if len(result.superseded) > 1
                  else "errors.coi.ingest.supersedes_one",
                  ids=", ".join(str(d) for d in result.superseded))
    if result.superseded_by:
        text += t("errors.coi.ingest.older", id=result.superseded_by)
    return text


def _extract_all(jobs: list[tuple[int, str, Path]], settings: Settings, workers: int):
    """Yield (index, ExtractedDocument | ExtractError) as extractions finish, in parallel
    worker processes with time and memory limits."""
    from coi.sandbox import SandboxPool

    with SandboxPool(workers=workers, timeout=settings.coi_extract_timeout_seconds,
                     memory_mb=settings.coi_extract_memory_mb) as pool, \
            ThreadPoolExecutor(max_workers=workers) as threads:
        futures = {threads.submit(pool.extract, kind, path): index
                   for index, kind, path in jobs}
        for future in as_completed(futures):
            index = futures[future]
            try:
                yield index, future.result()
            except ExtractError as exc:
                yield index, exc


def ingest_files(
    engine: Engine,
    *,
    actor: Actor,
    paths: Sequence[Path],
    fields: coi_ingest.DocumentFields | Sequence[coi_ingest.DocumentFields] | None = None,
    display_names: Sequence[str] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    settings: Settings | None = None,
    swept: Swept | None = None,
) -> list[FileOutcome]:
    """Ingest each file in its own transaction; a failed file is reported and the others go
    on. Returns one outcome per path, in the order given. ``fields`` applies to every file,
    or gives each file its own (a sequence as long as ``paths``). File names are shown
    escaped (``coi.filenames.shown_name``) in outcomes, metadata and the audit log.

    First the file store is swept of what an interrupted ingestion left (see
    ``sweep_store``); ``swept`` hears of it when there was anything to settle."""
    settings = settings or get_settings()
    if fields is None or isinstance(fields, coi_ingest.DocumentFields):
        per_file = [fields or coi_ingest.DocumentFields()] * len(paths)
    else:
        per_file = list(fields)
        if len(per_file) != len(paths):
            raise ValidationError(t("errors.coi.give_metadata_every_file"))
    with unit_of_work(engine) as session:
        require(actor, Action.COI_INGEST, entity_type="coi_document")
        for key in sorted({f.source_key for f in per_file if f.source_key}):
            try:
                coi_ingest.source_by_key(session, key)
            except coi_ingest.UnknownSource as exc:
                raise ValidationError(exc.message) from None
    names = [shown_name(str(n)) for n in
             (display_names if display_names else [Path(p).name for p in paths])]
    store = FileStore(settings.resolved_coi_store)
    report = sweep_store(engine, actor=actor, store=store)
    if report and swept is not None:
        swept(report)
    limit = settings.coi_max_file_mb * 1024 * 1024
    outcomes: list[FileOutcome | None] = [None] * len(paths)
    done = 0

    def finish(index: int, outcome: FileOutcome) -> None:
        nonlocal done
        outcomes[index] = outcome
        done += 1
        if progress is not None:
            progress(done, len(paths), outcome)

    jobs: list[tuple[int, str, Path]] = []
    hashes: dict[int, tuple[str, int]] = {}
    seen: dict[str, int] = {}
    for index, path in enumerate(paths):
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            finish(index, FileOutcome(names[index], "failed",
                                      t("errors.coi.ingest.cannot_read",
                                        error=exc.strerror or exc)))
            continue
        if size > limit:
            finish(index, FileOutcome(
                names[index], "failed",
                t("errors.coi.ingest.too_large", size=f"{size / 1048576:.1f}",
                  limit=settings.coi_max_file_mb)))
            continue
        if size == 0:
            finish(index, FileOutcome(names[index], "failed", t("errors.coi.ingest.empty")))
            continue
        sha = sha256_of(path)
        if sha in seen:
            finish(index, FileOutcome(names[index], "duplicate",
                                      t("errors.coi.ingest.same_in_batch",
                                        name=names[seen[sha]])))
            continue
        seen[sha] = index
        with unit_of_work(engine, write=False) as session:
            existing = coi_ingest.find_by_sha(session, sha)
            if existing is not None:
                finish(index, FileOutcome(
                    names[index], "duplicate",
                    t("errors.coi.ingest.in_library", id=existing.id, title=existing.title),
                    document_id=existing.id, title=existing.title,
                    passages=existing.passage_count))
                continue
        hashes[index] = (sha, size)
        jobs.append((index, coi_ingest.kind_for(path), path))

    workers = workers or settings.coi_workers or os.cpu_count() or 1
    workers = max(1, min(workers, len(jobs) or 1))
    for index, extracted in _extract_all(jobs, settings, workers):
        if isinstance(extracted, ExtractError):
            finish(index, FileOutcome(names[index], "failed", extracted.message))
            continue
        sha, size = hashes[index]
        finish(index, _store(engine, actor, Path(paths[index]), names[index], extracted,
                             sha, size, per_file[index], store))
    return [o for o in outcomes if o is not None]


def sweep_store(engine: Engine, *, actor: Actor, store: FileStore) -> SweepReport:
    """Settle the files an interrupted ingestion left in the store: remove those no document
    refers to, keep (rename into place) those whose document was committed; audited when
    there was anything to settle. Run at the start of every ingestion, the one place that
    writes the store: the next ingestion after a crash cleans up before it adds files, and
    readers of the library (the app, search) never touch the store's files."""
    def referenced(shas: Iterable[str]) -> set[str]:
        with unit_of_work(engine, write=False) as session:
            return present(session, CoiDocument.sha256, shas)

    report = store.sweep(referenced)
    if report:
        with unit_of_work(engine) as session:
            audit.record(session, actor=actor, action="coi.store.sweep",
                         entity_type="coi_document",
                         details={"removed": list(report.removed), "kept": list(report.kept)})
    return report


def _store(engine: Engine, actor: Actor, path: Path, name: str, extracted: ExtractedDocument,
           sha: str, size: int, fields: coi_ingest.DocumentFields,
           store: FileStore) -> FileOutcome:
    """Write the document's rows and its file: the file is staged under a pending name and
    moved into place only after the rows are committed (removed if they are not)."""
    staged = store.stage(path, sha)
    try:
        with unit_of_work(engine) as session:
            result = coi_ingest.add_document(
                session, extracted, sha256=sha, size_bytes=size, file_name=name,
                fields=fields, user_id=actor.id, now=utcnow())
            if result.status == "added":
                audit.record(session, actor=actor, action="coi.ingest",
                             entity_type="coi_document", entity_id=result.document_id,
                             details={"sha256": sha, "file": name, "title": result.title,
                                      "passages": result.passages,
                                      "supersedes": list(result.superseded),
                                      "superseded_by": result.superseded_by})
    except (ExtractError, coi_ingest.UnknownSource) as exc:
        if staged is not None:
            staged.discard()
        return FileOutcome(name, "failed", exc.message)
    except BaseException:
        if staged is not None:
            staged.discard()
        raise
    if staged is not None:
        if result.status == "added":
            staged.commit()
        else:
            staged.discard()
    return FileOutcome(name, result.status, _describe(result), document_id=result.document_id,
                       title=result.title, passages=result.passages,
                       superseded=result.superseded, superseded_by=result.superseded_by)


# --- sources ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceView:
    id: int
    key: str
    name: str
    short_name: str
    kind: str
    mandate: str
    description: str
    url: str | None
    reviewed_on: date | None
    documents: int
    version: int


def _source_views(session: Session, source_id: int | None = None) -> list[SourceView]:
    """Sources with their document counts: all of them, or the one with ``source_id``."""
    counts = select(CoiDocument.source_id, func.count()).group_by(CoiDocument.source_id)
    query = select(CoiSource).order_by(CoiSource.name)
    if source_id is not None:
        counts = counts.where(CoiDocument.source_id == source_id)
        query = query.where(CoiSource.id == source_id)
    documents = dict(session.execute(counts).all())
    return [SourceView(s.id, s.key, s.name, s.short_name, s.kind, s.mandate, s.description,
                       s.url, s.reviewed_on, documents.get(s.id, 0), s.version)
            for s in session.execute(query).scalars()]


def list_sources(session: Session, *, actor: Actor) -> list[SourceView]:
    require(actor, Action.COI_SEARCH)
    return _source_views(session)


SOURCE_KINDS = ("government", "intergovernmental", "ngo", "research", "media", "judicial")


def save_source(session: Session, *, actor: Actor, key: str, name: str, short_name: str,
                kind: str, mandate: str = "", description: str = "", url: str | None = None,
                reviewed_on: date | None = None, expected_version: int | None = None
                ) -> SourceView:
    """Create a source or update the one with ``key`` (a description, never a score)."""
    require(actor, Action.COI_EDIT, entity_type="coi_source")
    key = key.strip().lower()
    if not key or not name.strip():
        raise ValidationError(t("errors.coi.source_needs_key_name"))
    if kind not in SOURCE_KINDS:
        raise ValidationError(t("errors.coi.kind_must_one", kinds=', '.join(SOURCE_KINDS)))
    source = session.execute(select(CoiSource).where(CoiSource.key == key)).scalars().first()
    created = source is None
    if created:
        source = CoiSource(key=key, name=name, short_name=short_name, kind=kind)
    elif expected_version is not None and source.version != expected_version:
        raise StaleEdit(entity="source", expected_version=expected_version,
                        current_version=source.version, changed_by=None,
                        changed_at=source.updated_at)
    else:
        source.version += 1
    source.name, source.short_name, source.kind = name.strip(), short_name.strip(), kind
    source.mandate, source.description, source.url = mandate.strip(), description.strip(), url
    source.reviewed_on, source.updated_at = reviewed_on, utcnow()
    session.add(source)
    session.flush()
    audit.record(session, actor=actor, action="coi.source.create" if created else
                 "coi.source.update", entity_type="coi_source", entity_id=source.id,
                 details={"key": key, "name": source.name})
    return _source_views(session, source.id)[0]


def load_sources_file(session: Session, *, actor: Actor, path: Path) -> int:
    """Create or update the sources listed in a TOML file (``[[source]]`` tables)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    count = 0
    for entry in data.get("source", []):
        reviewed = entry.get("reviewed_on")
        save_source(session, actor=actor, key=entry["key"], name=entry["name"],
                    short_name=entry.get("short_name", entry["key"].upper()),
                    kind=entry["kind"], mandate=entry.get("mandate", ""),
                    description=entry.get("description", ""), url=entry.get("url"),
                    reviewed_on=date.fromisoformat(str(reviewed)) if reviewed else None)
        count += 1
    return count


# --- search ----------------------------------------------------------------------------------


def search(session: Session, *, actor: Actor, request: coi_search.SearchRequest,
           with_facets: bool = True, settings: Settings | None = None
           ) -> coi_search.SearchResult:
    """Search the library. A query the user must correct raises ``ValidationError``."""
    settings = settings or get_settings()
    require(actor, Action.COI_SEARCH)
    try:
        return coi_search.search(session, request, today=today(settings),
                                 max_age_years=settings.coi_currency_years,
                                 with_facets=with_facets)
    except QueryError as exc:
        raise ValidationError(query_message(exc)) from None


def query_message(error: QueryError) -> str:
    """The message for a query the user must correct, from the catalogue when it has one."""
    if error.key is None:
        return str(error)
    return t(f"coi.query_error.{error.key}", **error.values)


# --- documents -------------------------------------------------------------------------------


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
    countries = coi_search.document_countries(session, [doc.id for doc, _ in rows])
    return [DocumentSummary(d.id, d.title, short, d.published_on, d.ingested_at,
                            tuple(countries.get(d.id, ())), d.passage_count, d.media_type,
                            d.superseded_by_id is None) for d, short in rows], total


def _document(session: Session, document_id: int) -> CoiDocument:
    check_id(document_id, t("errors.coi.no_coi_document", document_id=document_id))
    doc = session.get(CoiDocument, document_id)
    if doc is None:
        raise NotFound(t("errors.coi.no_coi_document", document_id=document_id))
    return doc


def open_document(session: Session, *, actor: Actor, document_id: int,
                  with_passages: bool = True) -> DocumentView:
    require(actor, Action.COI_SEARCH)
    doc = _document(session, document_id)
    source = _source_views(session, doc.source_id)[0] if doc.source_id is not None else None
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
    doc = _document(session, document_id)
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
    doc = _document(session, document_id)
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


# --- metadata to review ----------------------------------------------------------------------

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
    doc = _document(session, document_id)
    countries = coi_search.document_countries(session, [doc.id]).get(doc.id, [])
    return _review_item(session, doc, countries, _site_names(session))


def needs_review(session: Session, *, actor: Actor, limit: int = 200) -> list[ReviewItem]:
    """Documents with suspect metadata, most recently added first."""
    require(actor, Action.COI_EDIT)
    site_names = _site_names(session)
    docs = session.execute(select(CoiDocument).order_by(
        CoiDocument.ingested_at.desc(), CoiDocument.id.desc())).scalars().all()
    countries = coi_search.document_countries(session, [d.id for d in docs])
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
    doc = _document(session, document_id)
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


# --- citations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitationView:
    id: int
    passage_id: int
    document_id: int
    purpose: str
    finding: str
    quote: str
    reference: str
    accessed_on: date
    created_by: str | None
    created_at: datetime
    #: the cited document has a newer edition now (the citation itself stays valid)
    newer_edition: int | None
    #: set by ``cite`` when the passage was already cited in the case: this is that citation,
    #: and nothing new was stored
    already_cited: bool = False


def _case(session: Session, actor: Actor, action: Action, application_id: int) -> Application:
    return require_case_id(session, actor, action, session.get(Application, application_id),
                           application_id)


def cite(session: Session, *, actor: Actor, application_id: int, passage_id: int,
         finding: str, purpose: str = "finding",
         settings: Settings | None = None) -> CitationView:
    """Attach a passage to a case with its formatted reference. A passage is cited once in a
    case: citing it again (or twice at once, a double click) answers with the citation in
    force, marked ``already_cited``, and stores nothing."""
    settings = settings or get_settings()
    require(actor, Action.COI_CITE, entity_type="application", entity_id=application_id)
    _case(session, actor, Action.COI_CITE, application_id)
    if session.get(CoiPassage, passage_id) is None:
        raise NotFound(t("errors.coi.no_coi_passage", passage_id=passage_id))
    if purpose not in coi_citations.PURPOSES:
        raise ValidationError(t("errors.coi.purpose_must_one",
                                purposes=', '.join(coi_citations.PURPOSES)))
    if len(finding) > 4000:
        raise ValidationError(t("errors.coi.keep_finding_under_characters"))
    citation, created = coi_citations.add_citation(
        session, application_id=application_id, passage_id=passage_id, finding=finding,
        purpose=purpose, user_id=actor.id, accessed=today(settings))
    if created:
        audit.record(session, actor=actor, action="coi.cite", entity_type="application",
                     entity_id=application_id,
                     details={"citation": citation.id, "passage": passage_id,
                              "document": citation.document_id, "purpose": purpose})
    view = next(c for c in case_citations(session, actor=actor, application_id=application_id)
                if c.id == citation.id)
    return view if created else replace(view, already_cited=True)


def case_citations(session: Session, *, actor: Actor, application_id: int) -> list[CitationView]:
    _case(session, actor, Action.CASE_OPEN, application_id)
    rows = coi_citations.citations_for_case(session, application_id)
    docs = {d.id: d for d in session.execute(select(CoiDocument).where(
        CoiDocument.id.in_({c.document_id for c in rows} or {0}))).scalars()}
    from models import User

    users = {u.id: u.display_name for u in session.execute(select(User).where(
        User.id.in_({c.created_by_id for c in rows if c.created_by_id} or {0}))).scalars()}
    return [CitationView(c.id, c.passage_id, c.document_id, c.purpose, c.finding, c.quote,
                         c.reference, c.accessed_on, users.get(c.created_by_id),
                         c.created_at, docs[c.document_id].superseded_by_id) for c in rows]


def remove_citation(session: Session, *, actor: Actor, citation_id: int, reason: str) -> None:
    """Withdraw a citation from a case; it stays in the record, marked removed, with why."""
    citation = session.get(CoiCitation, citation_id)
    if citation is None or citation.removed_at is not None:
        raise NotFound(t("errors.coi.no_current_citation", citation_id=citation_id))
    require(actor, Action.COI_CITE, entity_type="application",
            entity_id=citation.application_id)
    _case(session, actor, Action.COI_CITE, citation.application_id)
    if not reason.strip():
        raise ValidationError(t("errors.coi.say_why_citation_removed"))
    citation.removed_at, citation.removed_by_id = utcnow(), actor.id
    citation.removal_reason = reason.strip()
    session.add(citation)
    audit.record(session, actor=actor, action="coi.cite.remove", entity_type="application",
                 entity_id=citation.application_id,
                 details={"citation": citation.id, "reason": reason.strip()})


# --- suggestions -----------------------------------------------------------------------------


def suggestions_for_case(session: Session, *, actor: Actor, application_id: int,
                         limit: int = 10, settings: Settings | None = None
                         ) -> list[coi_suggest.Suggestion]:
    settings = settings or get_settings()
    require(actor, Action.COI_SEARCH)
    app = _case(session, actor, Action.CASE_OPEN, application_id)
    person = session.get(Person, app.person_id)
    return coi_suggest.suggest(session, nationality=person.nationality,
                               narrative=app.claim_narrative or "", today=today(settings),
                               limit=limit, max_age_years=settings.coi_currency_years)


@dataclass(frozen=True)
class CaseSearch:
    """What the library starts from when opened from a case."""

    nationality: str | None
    query: str  # the claim's key terms, as alternatives ("hazara OR returnee OR ...")


def case_search(session: Session, *, actor: Actor, application_id: int,
                terms: int = 6) -> CaseSearch:
    """The applicant's nationality and the claim's key terms, for a search from a case."""
    require(actor, Action.COI_SEARCH)
    app = _case(session, actor, Action.CASE_OPEN, application_id)
    person = session.get(Person, app.person_id)
    words = coi_suggest.claim_terms(app.claim_narrative or "", limit=terms)
    return CaseSearch(person.nationality if person else None, " OR ".join(words))


def library_counts(session: Session, *, actor: Actor) -> dict[str, int]:
    require(actor, Action.COI_SEARCH)
    return coi_ingest.library_counts(session)


def iter_files(paths: Iterable[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """Files named, and the files inside folders named (recursively, sorted), with the
    refusals: inside a folder, a symbolic link whose target lies outside that folder is
    refused (a link to /etc/passwd must not become a document), and a linked folder outside
    it is not entered. A file named on its own is taken as given."""
    files: list[Path] = []
    refused: list[FileOutcome] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            _walk_folder(path, files, refused)
        else:
            files.append(path)
    return files, refused


def _walk_folder(folder: Path, files: list[Path], refused: list[FileOutcome]) -> None:
    """Collect the files under ``folder`` into ``files`` without leaving it (see
    ``iter_files``); each folder is entered once, so a link loop ends."""
    root = folder.resolve()
    seen: set[Path] = set()
    found: list[Path] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        real = current.resolve()
        if real in seen:
            continue
        seen.add(real)
        for entry in sorted(current.iterdir()):
            if entry.is_symlink() and not entry.resolve().is_relative_to(root):
                refused.append(FileOutcome(
                    shown_name(str(entry)), "failed",
                    t("errors.coi.ingest.symlink_folder" if entry.is_dir()
                      else "errors.coi.ingest.symlink_file")))
            elif entry.is_dir():
                pending.append(entry)
            elif entry.is_file() and not entry.name.startswith("."):
                found.append(entry)
    files.extend(sorted(found))
