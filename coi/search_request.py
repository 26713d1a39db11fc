"""What a COI library search asks for: the request with its facet filters and sort
order, and the plan the backends run (the parsed query and the facet token conditions),
validated with a message for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from coi import facets
from coi.query import Node, QueryError, parse

Sort = Literal["relevance", "published", "added"]
SORTS: tuple[Sort, ...] = ("relevance", "published", "added")


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
