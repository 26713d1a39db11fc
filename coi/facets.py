"""Facet values as index tokens, so that every facet filter is part of the full-text match.

Each passage's ``facet_terms`` holds one token per facet value of the passage and its
document (``zcafg`` for a document about Afghanistan, ``ztdetention`` for a passage tagged
with detention, ...). Filtering then costs an intersection of posting lists inside the
full-text engine instead of a join over every match, on SQLite and PostgreSQL alike, and a
facet can be negated as easily as a word ("none of these").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: facet name -> token prefix. Prefixes start with "z" and are followed by a folded value.
PREFIXES: dict[str, str] = {
    "country": "zc",  # the document is about this country (one of its countries)
    "only": "zo",  # the document is about this country and no other
    "topic": "zt",  # the passage is tagged with this topic
    "source": "zs",  # the document's source (by source key)
    "doc_type": "zd",
    "language": "zl",
}
#: The document is the current edition of its series (no newer edition in the library).
CURRENT_TOKEN = "zxcurrent"

FACETS = tuple(PREFIXES)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def token(facet: str, value: str) -> str:
    """The index token for one facet value (values are case-insensitive)."""
    try:
        prefix = PREFIXES[facet]
    except KeyError:
        raise ValueError(f"unknown facet {facet!r}; known: {', '.join(FACETS)}") from None
    folded = _NON_ALNUM.sub("", value.casefold())
    if not folded:
        raise ValueError(f"empty {facet} value")
    return prefix + folded


def facet_terms(
    *,
    countries: Iterable[str],
    source_key: str | None,
    doc_type: str | None,
    language: str | None,
    current: bool,
    topics: Iterable[str],
) -> str:
    """The ``facet_terms`` text of one passage."""
    countries = sorted({c.upper() for c in countries})
    terms = [token("country", c) for c in countries]
    if len(countries) == 1:
        terms.append(token("only", countries[0]))
    if source_key:
        terms.append(token("source", source_key))
    if doc_type:
        terms.append(token("doc_type", doc_type))
    if language:
        terms.append(token("language", language))
    terms.extend(token("topic", t) for t in topics)
    if current:
        terms.append(CURRENT_TOKEN)
    return " ".join(terms)
