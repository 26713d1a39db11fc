"""Putting an extracted document into the library, in the caller's transaction.

The caller (``workbench.library.ingestion``) checks permissions, runs extraction in the
sandbox, opens the transaction and writes the audit entry; this module decides the
document's metadata, numbers its editions and writes the rows. Either every row of a document is
written or, when the transaction rolls back, none is.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import func, select, update
from sqlmodel import Session

from coi import facets
from coi.cjk import fold, index_form
from coi.extracted import ExtractedDocument, ExtractError, Kind
from coi.filenames import shown_name
from models.coi import CoiDocument, CoiDocumentCountry, CoiPassage, CoiSource

SECTION_SEPARATOR = " › "
DOC_TYPES = ("country_report", "thematic_report", "query_response", "news", "legal",
             "guidance")
_EXTENSIONS: dict[str, Kind] = {".pdf": "pdf", ".html": "html", ".htm": "html",
                                ".xhtml": "html", ".txt": "text", ".md": "text"}


class UnknownSource(ExtractError):
    pass


@dataclass(frozen=True)
class DocumentFields:
    """Metadata given by the person ingesting; each one set here wins over recognition."""

    title: str | None = None
    source_key: str | None = None
    published: date | None = None
    countries: tuple[str, ...] | None = None
    language: str | None = None
    doc_type: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class IngestResult:
    status: Literal["added", "duplicate"]
    document_id: int
    title: str
    passages: int = 0
    edition: int = 1
    #: documents that this one made superseded (it is a newer edition of them)
    superseded: tuple[int, ...] = ()
    #: when this file is an older edition than one already in the library
    superseded_by: int | None = None
    notes: dict[str, str] = field(default_factory=dict)


def kind_for(path: Path) -> Kind:
    """Which extractor reads ``path``: by extension when it names one (the extractor then
    checks the content), otherwise by the content itself."""
    kind = _EXTENSIONS.get(Path(path).suffix.lower())
    if kind is not None:
        return kind
    with Path(path).open("rb") as fh:
        head = fh.read(2048)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    lowered = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:1024]:
        return "html"
    return "text"


def find_by_sha(session: Session, sha256: str) -> CoiDocument | None:
    query = select(CoiDocument).where(CoiDocument.sha256 == sha256)
    return session.execute(query).scalars().first()


_YEARS = re.compile(r"\b(?:19|20)\d{2}\b")
_EDITION_WORDS = frozenset(
    "edition update updated version revised january february march april may june july "
    "august september october november december".split()
)


def series_key(source_key: str | None, title: str, countries: Iterable[str]) -> str:
    """Editions of one report share this: same source, same subject country (pass the
    primary country when there is one; a country mentioned in passing must not split a
    series), same title once years, months and words such as "edition" are removed."""
    words = [w for w in fold(_YEARS.sub(" ", title)).split() if w]
    words = [re.sub(r"[^\w]+", "", w) for w in words]
    words = [w for w in words if w and w not in _EDITION_WORDS]
    places = ",".join(sorted({c.upper() for c in countries}))
    key = f"{source_key or '-'}|{places}|{' '.join(words)}"
    return key[:300]


def source_by_key(session: Session, key: str) -> CoiSource:
    found = session.execute(select(CoiSource).where(CoiSource.key == key)).scalars().first()
    if found is None:
        known = session.execute(select(CoiSource.key).order_by(CoiSource.key)).scalars().all()
        raise UnknownSource(
            f"There is no source {key!r} in the source registry"
            + (f"; known sources: {', '.join(known)}." if known else ".")
        )
    return found


def _source_from_publisher(session: Session, publisher: str | None) -> CoiSource | None:
    if not publisher:
        return None
    wanted = fold(publisher)
    for source in session.execute(select(CoiSource)).scalars():
        names = {fold(source.name), fold(source.short_name), fold(source.key)}
        if wanted in names or any(len(n) > 6 and n in wanted for n in names):
            return source
    return None


def _host(url: str | None) -> str:
    """The host of a web address without "www." ("state.gov"), or ""."""
    from urllib.parse import urlparse

    if not url:
        return ""
    host = (urlparse(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _source_from_url(session: Session, url: str | None) -> CoiSource | None:
    """The registry source whose own address has the host (and path, when it has one) of
    ``url``: a page of www.state.gov is the State Department's; None when none or several
    sources match."""
    from urllib.parse import urlparse

    host = _host(url)
    if not host:
        return None
    path = urlparse(url).path or "/"

    def owns(source: CoiSource) -> bool:
        own = _host(source.url)
        if not own or not (host == own or host.endswith("." + own)):
            return False
        # A source at a path of a shared site (gov.uk/.../home-office) owns that path only.
        own_path = urlparse(source.url).path.rstrip("/")
        return not own_path or path.startswith(own_path)

    found = [s for s in session.execute(select(CoiSource)).scalars() if owns(s)]
    return found[0] if len(found) == 1 else None


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@dataclass
class _Decided:
    title: str
    published: date | None
    countries: list[str]
    primary: str | None
    language: str
    doc_type: str | None
    url: str | None
    source: CoiSource | None
    notes: dict[str, str]


def _decide(session: Session, document: ExtractedDocument, fields: DocumentFields,
            file_name: str) -> _Decided:
    meta = document.metadata
    found = meta.get("recognised") or {}
    reasons = found.get("reasons") or {}
    notes: dict[str, str] = {}

    def pick(name: str, given: object, *candidates: tuple[object, str]) -> object:
        if given not in (None, "", ()):
            notes[name] = "given at ingestion"
            return given
        for value, why in candidates:
            if value not in (None, "", [], ()):
                notes[name] = why
                return value
        return None

    title = pick("title", fields.title,
                 (found.get("title"), reasons.get("title", "recognised in the text")),
                 (meta.get("title"), "document metadata"),
                 (shown_name(Path(file_name).stem),
                  "file name (no title found in the document)"))
    published = _as_date(pick(
        "published", fields.published,
        (found.get("published"), reasons.get("published", "recognised in the text")),
        (meta.get("published"), "document metadata")))
    if published is None and reasons.get("published"):
        notes["published"] = reasons["published"]  # why there is no date
    countries = pick("countries", fields.countries,
                     (found.get("countries"), reasons.get("countries", "named in the text")))
    countries = [c.upper() for c in (countries or [])]
    primary = countries[0] if countries else None
    if fields.countries is None and found.get("primary_country"):
        primary = found["primary_country"]
    language = pick("language", fields.language,
                    (meta.get("language"), "declared by the document"),
                    (found.get("language"), reasons.get("language", "recognised in the text")))
    doc_type = pick("doc_type", fields.doc_type,
                    (found.get("doc_type"), reasons.get("doc_type", "recognised in the text")))
    if doc_type is not None and doc_type not in DOC_TYPES:
        raise ExtractError(
            f"Unknown document type {doc_type!r}; use one of {', '.join(DOC_TYPES)}.")
    url = pick("url", fields.url, (meta.get("url"), "document metadata"))
    if fields.source_key:
        source = source_by_key(session, fields.source_key)
        notes["source"] = "given at ingestion"
    else:
        source = _source_from_publisher(session, meta.get("publisher"))
        if source is not None:
            notes["source"] = "publisher named by the document"
        else:
            source = _source_from_url(session, url if isinstance(url, str) else None)
            if source is not None:
                notes["source"] = "the document's web address is the source's"
    return _Decided(
        title=str(title)[:500], published=published, countries=countries, primary=primary,
        language=str(language or "en")[:8], doc_type=doc_type, url=url, source=source,
        notes=notes,
    )


def add_document(
    session: Session,
    document: ExtractedDocument,
    *,
    sha256: str,
    size_bytes: int,
    file_name: str,
    fields: DocumentFields = DocumentFields(),
    user_id: int | None = None,
    now: datetime,
) -> IngestResult:
    """Write ``document`` (already extracted and enriched) with its passages and countries,
    then settle the editions of its series. A file already in the library is not added again."""
    existing = find_by_sha(session, sha256)
    if existing is not None:
        return IngestResult(status="duplicate", document_id=existing.id, title=existing.title,
                            passages=existing.passage_count, edition=existing.edition,
                            superseded_by=existing.superseded_by_id)
    if not document.passages:
        raise ExtractError("No text passages were found in the document; nothing to add.")
    decided = _decide(session, document, fields, file_name)
    source_key = decided.source.key if decided.source else None
    row = CoiDocument(
        sha256=sha256, source_id=decided.source.id if decided.source else None,
        title=decided.title, published_on=decided.published, language=decided.language,
        doc_type=decided.doc_type, source_url=decided.url,
        file_name=shown_name(Path(file_name).name)[:255],
        media_type=document.kind, size_bytes=size_bytes, page_count=document.page_count,
        passage_count=len(document.passages),
        series_key=series_key(source_key, decided.title,
                              [decided.primary] if decided.primary else decided.countries),
        metadata_notes=json.dumps(decided.notes, ensure_ascii=False), ingested_at=now,
        ingested_by_id=user_id, updated_at=now,
    )
    session.add(row)
    session.flush()
    for country in decided.countries:
        session.add(CoiDocumentCountry(document_id=row.id, country=country,
                                       is_primary=country == decided.primary))
    doc_terms = dict(countries=decided.countries, source_key=source_key,
                     doc_type=decided.doc_type, language=decided.language)
    # The worker's index text stems English words; it is kept when the language it judged
    # by is the language decided here, else rebuilt for the decided language.
    judged_language = ((document.metadata or {}).get("recognised") or {}).get("language")
    reuse = judged_language == decided.language
    stems = decided.language == "en"
    rows = [
        (row.id, p.paragraph, p.page, SECTION_SEPARATOR.join(p.heading_path), p.text,
         p.index_text if p.index_text and reuse else index_form(p.text, stems=stems),
         " ".join(p.topics),
         # A new document starts as the current edition; settle_editions refreshes these
         # tokens only if it turns out to be an older one.
         facets.facet_terms(**doc_terms, current=True, topics=p.topics))
        for p in document.passages
    ]
    _executemany(session, "INSERT INTO coi_passage (document_id, paragraph, page, section, "
                 "text, index_text, topics, facet_terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    add_term_stats(session, (r[5] for r in rows))
    changed = settle_editions(session, row.series_key, now=now)
    session.refresh(row)
    superseded = tuple(d for d in changed if d != row.id)
    return IngestResult(
        status="added", document_id=row.id, title=row.title, passages=row.passage_count,
        edition=row.edition, superseded=superseded if row.superseded_by_id is None else (),
        superseded_by=row.superseded_by_id, notes=decided.notes,
    )


def add_term_stats(session: Session, index_texts: Iterable[str]) -> None:
    """Count each token once per passage into ``coi_term_stat`` (same transaction)."""
    counts: Counter[str] = Counter()
    for text in index_texts:
        counts.update({t for t in text.split() if len(t) <= 200})
    if not counts:
        return
    items = sorted(counts.items())  # a fixed order: concurrent ingestions lock alike
    _executemany(session, "INSERT INTO coi_term_stat (term, df) VALUES (?, ?) "
                 "ON CONFLICT (term) DO UPDATE SET df = coi_term_stat.df + excluded.df", items)


def reindex_document(session: Session, document_id: int, language: str) -> int:
    """Rebuild the index text of a document's passages for ``language`` (English stems
    its words, other languages do not) and adjust ``coi_term_stat``; both search indexes
    follow the column. Returns the number of passages whose index text changed."""
    stems = language == "en"
    rows = session.execute(select(CoiPassage.id, CoiPassage.text, CoiPassage.index_text)
                           .where(CoiPassage.document_id == document_id)).all()
    changed: list[tuple[str, int]] = []
    delta: Counter[str] = Counter()
    for pid, text_, old in rows:
        new = index_form(text_, stems=stems)
        if new != old:
            changed.append((new, pid))
            before, after = set(old.split()), set(new.split())
            delta.update({t: 1 for t in after - before if len(t) <= 200})
            delta.subtract({t: 1 for t in before - after if len(t) <= 200})
    if not changed:
        return 0
    _executemany(session, "UPDATE coi_passage SET index_text = ? WHERE id = ?", changed)
    items = sorted((t, n) for t, n in delta.items() if n)
    _executemany(session, "INSERT INTO coi_term_stat (term, df) VALUES (?, ?) "
                 "ON CONFLICT (term) DO UPDATE SET df = coi_term_stat.df + excluded.df", items)
    return len(changed)


def _executemany(session: Session, sql: str, rows: list[tuple]) -> None:
    """Many rows through the database driver directly (``?`` placeholders): bulk writes of
    passages and term counts skip the ORM's per-row work."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    connection.exec_driver_sql(sql, rows)


def edition_order(doc: CoiDocument) -> tuple:
    """Oldest edition first: by the year the title gives the edition ("2024 Country
    Reports ..."), else the year of publication; then the publication date, then the order
    of ingestion. A report published in April 2024 as the "2023" edition is older than the
    "2024" edition, even when the latter states no date."""
    years = [int(y) for y in _YEARS.findall(doc.title)]
    label = max(years) if years else (doc.published_on.year if doc.published_on else 0)
    return (label, doc.published_on or date.min, doc.ingested_at, doc.id)


def settle_editions(session: Session, key: str, *, now: datetime) -> set[int]:
    """Number the editions of a series by publication date; the newest is current and the
    others point to it. Returns the documents whose current/superseded state changed (their
    passages' facet tokens are refreshed)."""
    docs = session.execute(
        select(CoiDocument).where(CoiDocument.series_key == key)
    ).scalars().all()
    docs.sort(key=edition_order)
    changed: set[int] = set()
    current = docs[-1] if docs else None
    for number, doc in enumerate(docs, start=1):
        doc.edition = number
        target = None if doc is current else current.id
        if doc.superseded_by_id != target:
            was_current = doc.superseded_by_id is None
            doc.superseded_by_id = target
            doc.superseded_at = now if target is not None else None
            if was_current != (target is None):
                changed.add(doc.id)
        session.add(doc)
    session.flush()
    for document_id in changed:
        refresh_facets(session, document_id)
    return changed


def refresh_facets(session: Session, document_id: int) -> None:
    """Recompute the facet tokens of every passage of a document (after its metadata, its
    source or its current/superseded state changed)."""
    from coi.search_hits import document_countries

    doc = session.get(CoiDocument, document_id)
    countries = document_countries(session, [document_id]).get(document_id, [])
    source_key = None
    if doc.source_id is not None:
        source_key = session.get(CoiSource, doc.source_id).key
    rows = session.execute(
        select(CoiPassage.id, CoiPassage.topics).where(CoiPassage.document_id == document_id)
    ).all()
    updates = [
        {"pid": pid, "terms": facets.facet_terms(
            countries=countries, source_key=source_key, doc_type=doc.doc_type,
            language=doc.language, current=doc.superseded_by_id is None,
            topics=topics.split())}
        for pid, topics in rows
    ]
    if updates:
        from sqlalchemy import bindparam

        session.execute(
            update(CoiPassage.__table__)
            .where(CoiPassage.__table__.c.id == bindparam("pid"))
            .values(facet_terms=bindparam("terms")),
            updates,
        )


def library_counts(session: Session) -> dict[str, int]:
    documents = session.execute(select(func.count()).select_from(CoiDocument)).scalar_one()
    passages = session.execute(select(func.count()).select_from(CoiPassage)).scalar_one()
    return {"documents": documents, "passages": passages}
