"""From matched passage ids to what a search shows: the hits with their documents,
snippets and currency warnings (superseded or old editions), each document's countries,
and the facet counts among the matches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlmodel import Session

from coi.citations import pinpoint
from coi.snippets import Pattern, Segment, snippet
from models.coi import CoiDocument, CoiDocumentCountry, CoiPassage, CoiSource


@dataclass(frozen=True)
class SearchHit:
    passage_id: int
    document_id: int
    title: str
    source: str | None  # source short name
    source_key: str | None
    published_on: date | None
    ingested_at: datetime
    media_type: str
    page: int | None
    paragraph: int
    section: str
    text: str
    snippet: tuple[Segment, ...]
    score: float
    topics: tuple[str, ...]
    countries: tuple[str, ...]
    language: str
    doc_type: str | None
    url: str | None
    superseded_by: int | None
    warnings: tuple[str, ...] = ()

    @property
    def place(self) -> str:
        """Where in the document: page and paragraph, or section and paragraph."""
        return pinpoint(self.page, self.paragraph, self.section)


@dataclass(frozen=True)
class _DocInfo:
    id: int
    title: str
    source: str | None
    source_key: str | None
    published_on: date | None
    ingested_at: datetime
    media_type: str
    language: str
    doc_type: str | None
    url: str | None
    superseded_by: int | None
    countries: tuple[str, ...]


def document_countries(session: Session, ids: Iterable[int]) -> dict[int, list[str]]:
    """Each document's countries, the primary one first, then alphabetical."""
    out: dict[int, list[str]] = {}
    id_list = sorted(set(ids))
    for start in range(0, len(id_list), 500):
        for doc_id, country in session.execute(
            select(CoiDocumentCountry.document_id, CoiDocumentCountry.country)
            .where(CoiDocumentCountry.document_id.in_(id_list[start:start + 500]))
            .order_by(CoiDocumentCountry.document_id, CoiDocumentCountry.is_primary.desc(),
                      CoiDocumentCountry.country)
        ):
            out.setdefault(doc_id, []).append(country)
    return out


def documents_info(session: Session, ids: set[int]) -> dict[int, _DocInfo]:
    if not ids:
        return {}
    out: dict[int, _DocInfo] = {}
    countries = document_countries(session, ids)
    id_list = sorted(ids)
    for start in range(0, len(id_list), 500):
        rows = session.execute(
            select(CoiDocument, CoiSource.short_name, CoiSource.key)
            .join(CoiSource, CoiSource.id == CoiDocument.source_id, isouter=True)
            .where(CoiDocument.id.in_(id_list[start:start + 500]))
        ).all()
        for doc, short_name, key in rows:
            out[doc.id] = _DocInfo(
                id=doc.id, title=doc.title, source=short_name, source_key=key,
                published_on=doc.published_on, ingested_at=doc.ingested_at,
                media_type=doc.media_type, language=doc.language, doc_type=doc.doc_type,
                url=doc.source_url, superseded_by=doc.superseded_by_id,
                countries=tuple(countries.get(doc.id, ())),
            )
    return out


def currency_warnings(info: _DocInfo, newer: dict[int, _DocInfo], *, today: date,
                      max_age_years: int) -> tuple[str, ...]:
    warnings: list[str] = []
    if info.superseded_by is not None:
        later = newer.get(info.superseded_by)
        if later is not None:
            when = later.published_on.isoformat() if later.published_on else "undated"
            warnings.append(f"A newer edition exists: “{later.title}” ({when}).")
        else:
            warnings.append("A newer edition of this document exists.")
    if info.published_on is None:
        warnings.append("The publication date is unknown; check how current this is.")
    else:
        try:
            limit = info.published_on.replace(year=info.published_on.year + max_age_years)
        except ValueError:  # 29 February
            limit = info.published_on.replace(year=info.published_on.year + max_age_years,
                                              day=28)
        if limit < today:
            warnings.append(
                f"Published {info.published_on.isoformat()}, more than {max_age_years} "
                f"year{'s' if max_age_years != 1 else ''} ago; look for more recent information.")
    return tuple(warnings)


def load_hits(session: Session, ranked: list[tuple[int, float]], pats: list[Pattern], *,
              today: date, max_age_years: int, snippet_width: int = 260) -> list[SearchHit]:
    """Turn ranked passage ids into hits, in the given order."""
    if not ranked:
        return []
    ids = [pid for pid, _ in ranked]
    passages = {
        p.id: p for p in session.execute(
            select(CoiPassage).where(CoiPassage.id.in_(bindparam("ids", expanding=True))),
            {"ids": ids},
        ).scalars()
    }
    docs = documents_info(session, {p.document_id for p in passages.values()})
    newer_ids = {d.superseded_by for d in docs.values() if d.superseded_by is not None}
    newer = documents_info(session, newer_ids - set(docs)) | {
        k: v for k, v in docs.items() if k in newer_ids}
    hits: list[SearchHit] = []
    for pid, score in ranked:
        p = passages.get(pid)
        if p is None:
            continue
        info = docs[p.document_id]
        hits.append(SearchHit(
            passage_id=p.id, document_id=info.id, title=info.title, source=info.source,
            source_key=info.source_key, published_on=info.published_on,
            ingested_at=info.ingested_at, media_type=info.media_type, page=p.page,
            paragraph=p.paragraph, section=p.section, text=p.text,
            snippet=tuple(snippet(p.text, pats, snippet_width)), score=round(score, 6),
            topics=tuple(p.topics.split()), countries=info.countries, language=info.language,
            doc_type=info.doc_type, url=info.url, superseded_by=info.superseded_by,
            warnings=currency_warnings(info, newer, today=today, max_age_years=max_age_years),
        ))
    return hits


def facet_counts(session: Session, ids: list[int]) -> dict[str, list[tuple[str, int]]]:
    """Passages per facet value among the matched passages ``ids``."""
    counters: dict[str, Counter[str]] = {f: Counter() for f in
                                         ("country", "topic", "source", "doc_type", "language")}
    if not ids:
        return {k: [] for k in counters}
    per_doc: Counter[int] = Counter()
    for start in range(0, len(ids), 2000):
        chunk = ids[start:start + 2000]
        for doc_id, topics in session.execute(
            select(CoiPassage.document_id, CoiPassage.topics)
            .where(CoiPassage.id.in_(bindparam("ids", expanding=True))), {"ids": chunk}
        ):
            per_doc[doc_id] += 1
            counters["topic"].update(topics.split())
    docs = documents_info(session, set(per_doc))
    for doc_id, n in per_doc.items():
        info = docs[doc_id]
        for country in info.countries:
            counters["country"][country] += n
        counters["source"][info.source_key or "(none)"] += n
        counters["doc_type"][info.doc_type or "(unknown)"] += n
        counters["language"][info.language] += n
    return {k: c.most_common() for k, c in counters.items()}
