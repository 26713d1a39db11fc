"""Searching the COI library: one interface, a backend per database.

``search(session, request)`` parses the query (``coi.query``), turns the facet filters into
facet tokens (``coi.facets``) and asks the backend of the session's database for the ranked
passage ids: SQLite FTS5 (BM25) or PostgreSQL full-text search (``ts_rank_cd`` over stored
tsvector columns with GIN indexes). Everything after that (loading the passages, snippets,
currency warnings, facet counts) is shared code, so both backends give the same answer for
the same library; the tests run the same corpus through each.

The request and its plan are in :mod:`coi.search_request`, the backends in
:mod:`coi.search_backends`, hits, warnings and facet counts in :mod:`coi.search_hits`
and spelling suggestions in :mod:`coi.search_spelling`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from coi.search_backends import backend_for
from coi.search_hits import SearchHit, facet_counts, load_hits
from coi.search_request import SearchRequest, plan
from coi.search_spelling import spelling_suggestions
from coi.snippets import patterns

#: Facet counts and totals look at no more matches than this (they say so when capped).
COUNT_CAP = 20_000


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
