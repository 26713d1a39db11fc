"""Measuring Japanese library search against a judged set (issue 16, point 6).

The collection (``data/coi/eval/ja_passages.toml``) is Japanese passages written for the
project plus the paragraphs of the sample library's Japanese note; the judgements
(``data/coi/eval/ja_queries.toml``) grade passages 2 (on point) or 1 (related) for each need,
typed in one or more spellings. Each spelling is a query of its own, run through the library
search exactly as the library page runs it (``coi.search.search``: the query language, the
backend of the session's database, its ranking).

Reported per query and as means over the queries: average precision over the whole ranked
list (MAP; relevant = grade 1 or 2), nDCG@10 (graded, as ``coi.evaluation.ndcg``) and
recall@10, with the time of each search as the library page asks for it (the first 20 hits, the
total and the facet counts). ``compare`` loads the collection once per Japanese
indexing method (``coi.cjk.JA_METHODS``) into a fresh database given by the caller and
reports each, so that the method the index uses is chosen on figures.
"""

from __future__ import annotations

import hashlib
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text as sql
from sqlmodel import Session

from coi import cjk
from coi.evaluation import ndcg
from coi.extracted import ExtractedDocument, Passage
from coi.ingest import DocumentFields, add_document
from coi.search import search
from coi.search_request import SearchRequest

EVAL_DIR = Path(__file__).resolve().parents[1] / "data" / "coi" / "eval"
PASSAGES = EVAL_DIR / "ja_passages.toml"
QUERIES = EVAL_DIR / "ja_queries.toml"
#: Headings of the note (short paragraphs) are not passages of the collection.
MIN_PARAGRAPH = 20
#: The search is asked for this many hits (the library search's most); MAP looks at them all.
DEPTH = 200
#: Search time is measured on the library page's request: this many hits, total and facets.
PAGE = 20
TODAY = date(2026, 12, 1)


@dataclass(frozen=True)
class JaDocument:
    key: str
    title: str
    country: str
    passages: tuple[tuple[str, str], ...]  # (passage id, text)


@dataclass(frozen=True)
class JaQuery:
    id: str  # the need's id, with the spelling's number after a "/" for other spellings
    need: str
    kind: str
    text: str
    relevant: dict[str, int]  # passage id -> grade


def load_collection(path: Path = PASSAGES) -> list[JaDocument]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    docs: list[JaDocument] = []
    for ext in data.get("external", []):
        file = Path(path).parent.parent / ext["file"]
        blocks = [b.strip() for b in file.read_text(encoding="utf-8").split("\n\n")]
        paragraphs = [" ".join(b.split()) for b in blocks[1:] if len(b) >= MIN_PARAGRAPH]
        ids = [f"{ext['key']}-p{i}" for i in range(1, len(paragraphs) + 1)]
        for name, contains in ext.get("named", {}).items():
            where = [i for i, text in enumerate(paragraphs) if contains in text]
            if len(where) != 1:
                raise LookupError(f"{name}: {contains!r} is in {len(where)} paragraphs of "
                                  f"{ext['file']} (expected exactly one)")
            ids[where[0]] = name
        title = blocks[0].splitlines()[0]
        docs.append(JaDocument(ext["key"], title, ext.get("country", ""),
                               tuple(zip(ids, paragraphs, strict=True))))
    for doc in data.get("document", []):
        docs.append(JaDocument(doc["key"], doc["title"], doc.get("country", ""),
                               tuple((f"{doc['key']}-{i}", " ".join(t.split()))
                                     for i, t in enumerate(doc["passages"], start=1))))
    seen: set[str] = set()
    for doc in docs:
        for pid, _ in doc.passages:
            if pid in seen:
                raise ValueError(f"passage id {pid} is used twice")
            seen.add(pid)
    return docs


def load_queries(path: Path = QUERIES, collection: list[JaDocument] | None = None
                 ) -> list[JaQuery]:
    """Every spelling of every judged need as a query; judgements naming a passage that the
    collection lacks are refused."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    known = {pid for d in (collection or load_collection()) for pid, _ in d.passages}
    out: list[JaQuery] = []
    for q in data["query"]:
        relevant = {str(k): int(v) for k, v in q["relevant"].items()}
        missing = sorted(set(relevant) - known)
        if missing:
            raise LookupError(f"{q['id']}: no passage {', '.join(missing)} in the collection")
        if any(g not in (1, 2) for g in relevant.values()):
            raise ValueError(f"{q['id']}: grades are 1 or 2")
        for i, text in enumerate([q["text"], *q.get("also", [])]):
            out.append(JaQuery(q["id"] if i == 0 else f"{q['id']}/{i + 1}", q["id"],
                               q["kind"], text, relevant))
    return out


def load_into(session: Session, collection: list[JaDocument], *,
              now: datetime | None = None, copy: int = 0) -> tuple[dict[str, int], float]:
    """Add the collection as Japanese documents with the index form of the method in force;
    returns passage id -> database id and the seconds spent building index text. ``copy``
    above 0 adds the collection again as other files (a larger library for timing)."""
    now = now or datetime(2026, 11, 30, tzinfo=UTC)
    # Time the analysis itself: the dictionary loaded once beforehand, no run remembered
    # from an earlier load.
    cjk.japanese_words("難民")
    cjk.clear_word_cache()
    labels: dict[str, int] = {}
    index_seconds = 0.0
    for doc in collection:
        started = time.perf_counter()
        passages = [Passage(text, None, i, (doc.title,), (),
                            index_text=cjk.index_form(text, stems=False))
                    for i, (_, text) in enumerate(doc.passages, start=1)]
        index_seconds += time.perf_counter() - started
        document = ExtractedDocument(pages=[], page_count=None, kind="text", passages=passages,
                                     metadata={"recognised": {"language": "ja"}})
        body = "\n".join(t for _, t in doc.passages).encode() + (b"#%d" % copy if copy else b"")
        name = f"{doc.key}-{copy}.txt" if copy else f"{doc.key}.txt"
        result = add_document(
            session, document, sha256=hashlib.sha256(body).hexdigest(),
            size_bytes=len(body), file_name=name, now=now,
            fields=DocumentFields(title=doc.title, language="ja", doc_type="country_report",
                                  countries=(doc.country,) if doc.country else (),
                                  published=date(2024, 6, 1)))
        by_paragraph = dict(session.execute(
            sql("SELECT paragraph, id FROM coi_passage WHERE document_id = :d"),
            {"d": result.document_id}).all())
        for i, (pid, _) in enumerate(doc.passages, start=1):
            labels[pid] = by_paragraph[i]
    session.flush()
    return labels, index_seconds


def reindex(session: Session, method: str) -> int:
    """Rebuild every passage's index text with ``method`` and recount ``coi_term_stat`` (both
    search indexes follow the column); returns the passages whose text changed. For
    comparing methods on one loaded collection."""
    from collections import Counter

    counts: Counter[str] = Counter()
    changed = 0
    rows = session.execute(sql(
        "SELECT p.id, p.text, p.index_text, d.language FROM coi_passage p "
        "JOIN coi_document d ON d.id = p.document_id ORDER BY p.id")).all()
    with cjk.using_ja_method(method):
        for pid, text, old, language in rows:
            form = cjk.index_form(text, stems=language == "en")
            counts.update({t for t in form.split() if len(t) <= 200})
            if form != old:
                changed += 1
                session.execute(sql("UPDATE coi_passage SET index_text = :t WHERE id = :i"),
                                {"t": form, "i": pid})
    session.execute(sql("DELETE FROM coi_term_stat"))
    items = [{"term": t, "df": n} for t, n in sorted(counts.items())]
    if items:
        session.execute(sql("INSERT INTO coi_term_stat (term, df) VALUES (:term, :df)"), items)
    session.flush()
    return changed


@dataclass(frozen=True)
class QueryScore:
    id: str
    kind: str
    text: str
    ap: float
    ndcg: float
    recall: float
    found: int  # relevant passages among the first k
    relevant: int
    seconds: float
    matches: int = 0  # passages the query matched (the total the library page shows)


@dataclass(frozen=True)
class Report:
    method: str
    backend: str
    k: int
    queries: tuple[QueryScore, ...]
    index_seconds_per_passage: float = 0.0

    def mean(self, attr: str, kind: str | None = None) -> float:
        values = [getattr(q, attr) for q in self.queries if kind is None or q.kind == kind]
        return sum(values) / len(values) if values else 0.0

    @property
    def map(self) -> float:
        return self.mean("ap")

    @property
    def ndcg(self) -> float:
        return self.mean("ndcg")

    @property
    def recall(self) -> float:
        return self.mean("recall")

    def latency_ms(self, quantile: float) -> float:
        ordered = sorted(q.seconds for q in self.queries)
        return 1000 * ordered[min(len(ordered) - 1, int(round(quantile * (len(ordered) - 1))))]


def average_precision(ranked: list[int], relevant: set[int]) -> float:
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, pid in enumerate(ranked, start=1):
        if pid in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


def evaluate(session: Session, queries: list[JaQuery], labels: dict[str, int], *,
             method: str, k: int = 10, today: date = TODAY) -> Report:
    """Run every query with ``method`` in force (the collection must have been loaded with
    the same method) and score it."""
    scores: list[QueryScore] = []
    with cjk.using_ja_method(method):
        for q in queries:
            grades = {labels[pid]: g for pid, g in q.relevant.items()}
            ranked = [h.passage_id for h in search(
                session, SearchRequest(query=q.text, limit=DEPTH), today=today,
                with_facets=False, with_total=False).hits]
            # Timed as the library page asks: the first page, with the total and facets.
            started = time.perf_counter()
            page = search(session, SearchRequest(query=q.text, limit=PAGE), today=today)
            seconds = time.perf_counter() - started
            found = sum(1 for pid in ranked[:k] if pid in grades)
            scores.append(QueryScore(q.id, q.kind, q.text,
                                     average_precision(ranked, set(grades)),
                                     ndcg(ranked, grades, k), found / len(grades), found,
                                     len(grades), seconds, page.total))
    return Report(method, session.get_bind().dialect.name, k, tuple(scores))


def compare(fresh_session: Callable[[], AbstractContextManager[Session]],
            methods: tuple[str, ...] = cjk.JA_METHODS, *, k: int = 10,
            repeats: int = 1, copies: int = 1) -> Iterator[Report]:
    """For each method: a fresh database from ``fresh_session`` (a context manager giving a
    session on an empty, migrated database), the collection loaded with the method, the
    judged queries run ``repeats`` times (the fastest time of each query is kept).

    With ``copies`` above 1 the collection is loaded that many times (as many documents):
    the times then are those of a larger library, and the scores mean nothing (each relevant
    passage has copies that count as not relevant)."""
    collection = load_collection()
    queries = load_queries(collection=collection)
    passages = sum(len(d.passages) for d in collection)
    for method in methods:
        with fresh_session() as session:
            with cjk.using_ja_method(method):
                for copy in range(1, max(1, copies)):
                    load_into(session, collection, copy=copy)
                labels, index_seconds = load_into(session, collection)
            session.commit()
            runs = [evaluate(session, queries, labels, method=method, k=k)
                    for _ in range(max(1, repeats))]
        best = tuple(
            min((r.queries[i] for r in runs), key=lambda s: s.seconds)
            for i in range(len(queries)))
        yield Report(method, runs[0].backend, k, best, index_seconds / passages)
