"""Spelling suggestions for a COI library query that found nothing: each plain word that no
passage holds (in any form) replaced by the nearest spelling in the library.
"""

from __future__ import annotations

import re

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from coi.cjk import word_alternatives
from models.coi import CoiTermStat

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
