"""The search backends: SQLite FTS5 (BM25, re-ranked here over few matches with stored
document frequencies) and PostgreSQL full-text search over GIN-indexed tsvector columns, each
giving ranked and matched passage ids for a :class:`~coi.search_request.Plan`.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Protocol

from sqlalchemy import bindparam, func, select, text
from sqlmodel import Session

from coi.cjk import word_alternatives
from coi.query import Node, to_fts5, to_tsquery
from coi.search_request import Plan
from coi.snippets import patterns
from models.coi import CoiPassage, CoiTermStat


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
