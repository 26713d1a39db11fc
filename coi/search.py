"""Searching the COI library: one interface, a backend per database.

``search(session, request)`` parses the query (``coi.query``), turns the facet filters into
facet tokens (``coi.facets``) and asks the backend of the session's database for the ranked
passage ids: SQLite FTS5 (BM25) or PostgreSQL full-text search (``ts_rank_cd`` over stored
tsvector columns with GIN indexes). Everything after that (loading the passages, snippets,
currency warnings, facet counts) is shared code, so both backends give the same answer for
the same library; the tests run the same corpus through each.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol

from sqlalchemy import bindparam, func, select, text
from sqlmodel import Session

from coi import facets
from coi.citations import pinpoint
from coi.cjk import word_alternatives
from coi.query import Node, QueryError, parse, to_fts5, to_tsquery
from coi.snippets import Pattern, Segment, patterns, snippet
from models.coi import CoiDocument, CoiDocumentCountry, CoiPassage, CoiSource, CoiTermStat

Sort = Literal["relevance", "published", "added"]
SORTS: tuple[Sort, ...] = ("relevance", "published", "added")
#: Facet counts and totals look at no more matches than this (they say so when capped).
COUNT_CAP = 20_000


@dataclass(frozen=True)
class FacetFilter:
    """Values to require (any of them, or all with ``match_all``) and values to exclude."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    match_all: bool = False

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    countries: FacetFilter = FacetFilter()
    #: documents about the chosen country (countries) and no other
    country_only: bool = False
    topics: FacetFilter = FacetFilter()
    sources: FacetFilter = FacetFilter()
    doc_types: FacetFilter = FacetFilter()
    languages: FacetFilter = FacetFilter()
    published_from: date | None = None
    published_to: date | None = None
    added_from: date | None = None
    added_to: date | None = None
    current_only: bool = False
    sort: Sort = "relevance"
    limit: int = 20
    offset: int = 0

    def has_filters(self) -> bool:
        return bool(self.countries or self.topics or self.sources or self.doc_types
                    or self.languages or self.published_from or self.published_to
                    or self.added_from or self.added_to or self.current_only)


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
class SearchResult:
    hits: list[SearchHit]
    total: int
    total_capped: bool
    facet_counts: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    elapsed_ms: float = 0.0
    #: for a query with no hits: the query with each word the library lacks replaced by the
    #: nearest spelling it holds (best first; empty when there is none)
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """What the backend must find: a parsed query and facet token conditions."""

    node: Node | None
    require_any: tuple[tuple[str, ...], ...]  # each group: at least one token
    require_all: tuple[str, ...]
    exclude: tuple[str, ...]
    published_from: date | None
    published_to: date | None
    added_from: date | None
    added_to: date | None
    sort: Sort

    @property
    def has_dates(self) -> bool:
        return bool(self.published_from or self.published_to or self.added_from
                    or self.added_to)

    @property
    def needs_document(self) -> bool:
        return self.has_dates or self.sort != "relevance"


def plan(request: SearchRequest) -> Plan:
    """Parse and validate a request; raises ``QueryError`` with a message for the user."""
    if request.sort not in SORTS:
        raise QueryError(f"Sort by one of: {', '.join(SORTS)}.")
    node = parse(request.query) if request.query.strip() else None
    require_any: list[tuple[str, ...]] = []
    require_all: list[str] = []
    exclude: list[str] = []

    def add(facet: str, filt: FacetFilter) -> None:
        try:
            tokens = tuple(facets.token(facet, v) for v in filt.include)
            exclude.extend(facets.token(facet, v) for v in filt.exclude)
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        if tokens and filt.match_all:
            require_all.extend(tokens)
        elif tokens:
            require_any.append(tokens)

    add("only" if request.country_only else "country", request.countries)
    if request.country_only and request.countries.exclude:
        # "only" applies to what is chosen; exclusions still mean "not about this country".
        exclude[:] = [t.replace("zo", "zc", 1) if t.startswith("zo") else t for t in exclude]
    add("topic", request.topics)
    add("source", request.sources)
    add("doc_type", request.doc_types)
    add("language", request.languages)
    if request.current_only:
        require_all.append(facets.CURRENT_TOKEN)
    if node is None and not require_any and not require_all:
        raise QueryError("Type words to search for, or choose a country, topic or source.")
    sort = request.sort
    if node is None and sort == "relevance":
        sort = "published"  # nothing to rank by: newest first
    return Plan(node, tuple(require_any), tuple(require_all), tuple(exclude),
                request.published_from, request.published_to, request.added_from,
                request.added_to, sort)


class Backend(Protocol):
    def ranked(self, session: Session, p: Plan, limit: int, offset: int
               ) -> list[tuple[int, float]]: ...

    def matched(self, session: Session, p: Plan, cap: int) -> list[int]: ...


def _date_conditions(p: Plan) -> tuple[list[str], dict]:
    conds, params = [], {}
    if p.published_from:
        conds.append("d.published_on >= :pub_from")
        params["pub_from"] = p.published_from
    if p.published_to:
        conds.append("d.published_on <= :pub_to")
        params["pub_to"] = p.published_to
    if p.added_from:
        conds.append("d.ingested_at >= :added_from")
        params["added_from"] = datetime.combine(p.added_from, datetime.min.time())
    if p.added_to:
        conds.append("d.ingested_at < :added_to")
        params["added_to"] = datetime.combine(p.added_to, datetime.max.time())
    return conds, params


_ORDER_BY_DATE = {
    "published": "d.published_on DESC, d.id DESC, p.paragraph",
    "added": "d.ingested_at DESC, d.id DESC, p.paragraph",
}


#: Up to this many matches, SQLite ranks them itself (BM25 over the matched passages with
#: document frequencies from ``coi_term_stat``); beyond it FTS5's own BM25 ranks them.
RERANK_CAP = 3000
_K1, _B = 1.2, 0.75


class SqliteBackend:
    """FTS5 over ``coi_passage_fts`` (columns index_text, facet_terms).

    Ranking: FTS5's ``bm25()`` first counts, for every query word, the passages containing
    it by reading the word's whole posting list, which for a common word in a million
    passages costs tens of milliseconds whatever the facets. So when the filtered matches
    are few (at most ``RERANK_CAP``, the usual case with a country chosen), the same BM25
    formula is computed here over just those passages, with document frequencies read from
    ``coi_term_stat``; FTS5 ranks the rest.
    """

    @staticmethod
    def expression(p: Plan) -> str:
        parts: list[str] = []
        if p.node is not None:
            parts.append(f"index_text : ({to_fts5(p.node)})")
        for group in p.require_any:
            parts.append(f"facet_terms : ({' OR '.join(group)})")
        for tok in p.require_all:
            parts.append(f"facet_terms : ({tok})")
        expr = " AND ".join(parts)
        if p.exclude:
            expr = f"({expr}) NOT facet_terms : ({' OR '.join(p.exclude)})"
        return expr

    def _select(self, p: Plan, columns: str, *, join: bool) -> tuple[str, dict]:
        """``SELECT columns`` of the matches, joined to their documents when dates filter
        or sort them."""
        params: dict = {"m": self.expression(p)}
        if not join:
            return (f"SELECT {columns} FROM coi_passage_fts "
                    "WHERE coi_passage_fts MATCH :m"), params
        conds, extra = _date_conditions(p)
        params.update(extra)
        return (f"SELECT {columns} FROM coi_passage_fts "
                "JOIN coi_passage p ON p.id = coi_passage_fts.rowid "
                "JOIN coi_document d ON d.id = p.document_id "
                f"WHERE {' AND '.join(['coi_passage_fts MATCH :m', *conds])}"), params

    def ranked(self, session: Session, p: Plan, limit: int, offset: int
               ) -> list[tuple[int, float]]:
        if p.node is not None and p.sort == "relevance":
            ids = self.matched(session, p, RERANK_CAP + 1)
            if len(ids) <= RERANK_CAP:
                return bm25_rerank(session, p.node, ids)[offset:offset + limit]
        sql, params = self._select(p, "coi_passage_fts.rowid, coi_passage_fts.rank",
                                   join=p.needs_document)
        order = _ORDER_BY_DATE.get(p.sort, "coi_passage_fts.rank, coi_passage_fts.rowid")
        params.update(limit=limit, offset=offset)
        rows = session.execute(text(f"{sql} ORDER BY {order} LIMIT :limit OFFSET :offset"),
                               params).all()
        return [(int(r[0]), -float(r[1] or 0.0)) for r in rows]

    def matched(self, session: Session, p: Plan, cap: int) -> list[int]:
        sql, params = self._select(p, "coi_passage_fts.rowid", join=p.has_dates)
        params["cap"] = cap
        return [int(r[0]) for r in session.execute(text(f"{sql} LIMIT :cap"), params).all()]


def _query_words(node: Node) -> list[tuple[str, bool]]:
    """Distinct (token, is prefix) pairs of the words a query asks for (not under NOT)."""
    words: dict[tuple[str, bool], None] = {}
    for pattern in patterns(node):
        for i, token in enumerate(pattern.tokens):
            last = i == len(pattern.tokens) - 1
            words[(token, pattern.prefix and last)] = None
    return list(words)


def _stemmed_words(node: Node) -> set[str]:
    """Query words that also match other forms of the word (see ``coi.cjk``)."""
    return {p.tokens[0] for p in patterns(node) if p.stemmed}


def bm25_rerank(session: Session, node: Node, ids: list[int]) -> list[tuple[int, float]]:
    """BM25 (k1 1.2, b 0.75) of the passages ``ids`` for the query's words, best first.

    A word that matches its other forms counts every form as the word (its document
    frequency is the sum of theirs, at most the number of passages)."""
    if not ids:
        return []
    words = _query_words(node)
    stemmed = _stemmed_words(node)
    total = session.execute(text("SELECT coalesce(max(id), 0) FROM coi_passage")).scalar_one()
    exact = [w for w, prefix in words if not prefix]
    forms: dict[str, list[str]] = {
        w: word_alternatives(w) if w in stemmed else [w] for w in exact}
    df: dict[tuple[str, bool], int] = {}
    if exact:
        wanted = sorted({f for w in exact for f in forms[w]})
        found = dict(session.execute(
            select(CoiTermStat.term, CoiTermStat.df)
            .where(CoiTermStat.term.in_(bindparam("terms", expanding=True))),
            {"terms": wanted}).all())
        df.update({(w, False): min(total, sum(found.get(f, 0) for f in forms[w]))
                   for w in exact})
    for word, prefix in words:
        if prefix:
            upper = word[:-1] + chr(ord(word[-1]) + 1)
            count = session.execute(
                select(func.coalesce(func.sum(CoiTermStat.df), 0))
                .where(CoiTermStat.term >= word, CoiTermStat.term < upper)).scalar_one()
            df[(word, True)] = min(int(count), total)
    idf = {w: math.log(1 + (total - df[w] + 0.5) / (df[w] + 0.5)) for w in words}
    docs: list[tuple[int, list[str]]] = []
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        docs.extend((pid, body.split()) for pid, body in session.execute(
            select(CoiPassage.id, CoiPassage.index_text)
            .where(CoiPassage.id.in_(bindparam("ids", expanding=True))), {"ids": chunk}))
    average = sum(len(t) for _, t in docs) / max(len(docs), 1) or 1.0
    owner: dict[str, list[str]] = {}
    for w in exact:
        for f in forms[w]:
            owner.setdefault(f, []).append(w)
    prefixes = [w for w, prefix in words if prefix]
    scored: list[tuple[float, int]] = []
    for pid, tokens in docs:
        counts: Counter[tuple[str, bool]] = Counter()
        present = Counter(tokens)  # counted in C: a passage's tokens are read once
        for form, words_of_form in owner.items():
            n = present.get(form)
            if n:
                for w in words_of_form:
                    counts[(w, False)] += n
        for prefix in prefixes:
            n = sum(c for token, c in present.items() if token.startswith(prefix))
            if n:
                counts[(prefix, True)] += n
        norm = _K1 * (1 - _B + _B * len(tokens) / average)
        score = sum(idf[w] * n * (_K1 + 1) / (n + norm) for w, n in counts.items())
        scored.append((-score, pid))
    scored.sort()
    return [(pid, -neg) for neg, pid in scored]


class PostgresBackend:
    """``tsv_body @@ query`` and ``tsv_facets @@ facets`` on stored, GIN-indexed columns."""

    @staticmethod
    def facet_query(p: Plan) -> str | None:
        """The facet tsquery, or None when no facet value is required (exclusions alone
        are then a ``NOT @@`` condition)."""
        if not p.require_any and not p.require_all:
            return None
        parts = ["(" + " | ".join(group) + ")" for group in p.require_any]
        parts.extend(p.require_all)
        parts.extend(f"!{tok}" for tok in p.exclude)
        return " & ".join(parts)

    def _where(self, p: Plan) -> tuple[str, dict]:
        conds: list[str] = []
        params: dict = {}
        if p.node is not None:
            conds.append("p.tsv_body @@ to_tsquery('simple', :q)")
            params["q"] = to_tsquery(p.node)
        fq = self.facet_query(p)
        if fq is not None:
            conds.append("p.tsv_facets @@ to_tsquery('simple', :f)")
            params["f"] = fq
        elif p.exclude:
            conds.append("NOT (p.tsv_facets @@ to_tsquery('simple', :fx))")
            params["fx"] = " | ".join(p.exclude)
        dconds, dparams = _date_conditions(p)
        conds.extend(dconds)
        params.update(dparams)
        return " AND ".join(conds), params

    def ranked(self, session: Session, p: Plan, limit: int, offset: int
               ) -> list[tuple[int, float]]:
        where, params = self._where(p)
        params.update(limit=limit, offset=offset)
        score = ("ts_rank_cd(p.tsv_body, to_tsquery('simple', :q))" if p.node is not None
                 else "0.0")
        join = " JOIN coi_document d ON d.id = p.document_id" if p.needs_document else ""
        order = _ORDER_BY_DATE.get(p.sort, "score DESC, p.id")
        sql = (f"SELECT p.id, {score} AS score FROM coi_passage p{join} WHERE {where} "
               f"ORDER BY {order} LIMIT :limit OFFSET :offset")
        return [(int(r[0]), float(r[1])) for r in session.execute(text(sql), params).all()]

    def matched(self, session: Session, p: Plan, cap: int) -> list[int]:
        where, params = self._where(p)
        params["cap"] = cap
        join = " JOIN coi_document d ON d.id = p.document_id" if p.has_dates else ""
        sql = f"SELECT p.id FROM coi_passage p{join} WHERE {where} LIMIT :cap"
        return [int(r[0]) for r in session.execute(text(sql), params).all()]


def backend_for(session: Session) -> Backend:
    name = session.get_bind().dialect.name
    if name == "sqlite":
        return SqliteBackend()
    if name == "postgresql":
        return PostgresBackend()
    raise NotImplementedError(f"no COI search backend for {name}")


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


def search(session: Session, request: SearchRequest, *, today: date, max_age_years: int = 3,
           with_facets: bool = True, with_total: bool = True) -> SearchResult:
    """Run ``request``; raises ``QueryError`` for a query the user must correct."""
    started = time.perf_counter()
    p = plan(request)
    backend = backend_for(session)
    limit = max(1, min(request.limit, 200))
    ranked = backend.ranked(session, p, limit, max(0, request.offset))
    hits = load_hits(session, ranked, patterns(p.node), today=today,
                     max_age_years=max_age_years)
    total, capped, counts = len(hits) + max(0, request.offset), False, {}
    if with_total or with_facets:
        matched = backend.matched(session, p, COUNT_CAP + 1)
        capped = len(matched) > COUNT_CAP
        matched = matched[:COUNT_CAP]
        total = len(matched)
        if with_facets:
            counts = facet_counts(session, matched)
    suggestions: tuple[str, ...] = ()
    if not hits and request.offset == 0 and p.node is not None:
        suggestions = tuple(spelling_suggestions(session, request.query))
    return SearchResult(hits=hits, total=total, total_capped=capped, facet_counts=counts,
                        elapsed_ms=(time.perf_counter() - started) * 1000,
                        suggestions=suggestions)


#: A spelling is offered when it is at least this similar (rapidfuzz ratio, 0-100).
SPELLING_MIN_SCORE = 75
_QUERY_WORD = re.compile(r'"[^"]*"|\S+')


def _known(session: Session, terms: list[str]) -> set[str]:
    if not terms:
        return set()
    return set(session.execute(
        select(CoiTermStat.term).where(CoiTermStat.term.in_(bindparam("t", expanding=True))),
        {"t": terms}).scalars())


def nearest_spellings(session: Session, word: str, limit: int = 3) -> list[str]:
    """Words of the library spelled most like ``word`` (same first letter, length within
    two), most similar and then most common first."""
    from rapidfuzz import fuzz

    if len(word) < 3 or not word.isalpha():
        return []
    first = word[0]
    upper = chr(ord(first) + 1)
    rows = session.execute(
        select(CoiTermStat.term, CoiTermStat.df)
        .where(CoiTermStat.term >= first, CoiTermStat.term < upper,
               func.length(CoiTermStat.term).between(len(word) - 2, len(word) + 2))).all()
    scored = []
    for term, df in rows:
        if term == word or not term.isalpha():
            continue
        score = fuzz.ratio(word, term)
        if score >= SPELLING_MIN_SCORE:
            scored.append((-score, -df, term))
    scored.sort()
    return [term for _, _, term in scored[:limit]]


def spelling_suggestions(session: Session, query: str, limit: int = 3) -> list[str]:
    """``query`` with each plain word that no passage holds (in any form) replaced by the
    nearest spelling in the library; operators, phrases and wildcards stay as typed."""
    from coi.cjk import query_terms

    parts = _QUERY_WORD.findall(query)
    candidates: dict[int, str] = {}
    for i, part in enumerate(parts):
        if part.startswith('"') or part.endswith("*") or part in ("AND", "OR", "NOT"):
            continue
        terms = query_terms(part.strip("()"))
        if len(terms) == 1 and terms[0].isalpha():
            candidates[i] = terms[0]
    known = _known(session, sorted({f for w in candidates.values()
                                    for f in word_alternatives(w)}))
    options: dict[int, list[str]] = {}
    for i, word in candidates.items():
        if any(f in known for f in word_alternatives(word)):
            continue
        near = nearest_spellings(session, word, limit)
        if near:
            options[i] = near
    if not options:
        return []
    out: list[str] = []
    for rank in range(limit):
        fixed = list(parts)
        for i, near in options.items():
            word = near[min(rank, len(near) - 1)]
            fixed[i] = parts[i].replace(parts[i].strip("()"), word)
        text_ = " ".join(fixed)
        if text_ not in out:
            out.append(text_)
    return out
