"""Japanese library search on the judged set (issue 16, point 6): character bigrams against
words (SudachiPy normalised forms, with readings for kana queries) and both together.

For each method the Japanese collection (``data/coi/eval/ja_passages.toml``) goes into a
fresh, migrated database, indexed that way, and every judged query
(``data/coi/eval/ja_queries.toml``, each spelling a query) runs through the library search.
Reported per method: MAP, nDCG@10 and recall@10 (overall and per kind of query), the search
time per query (p50/p95 over the queries, each the fastest of ``--repeats`` runs, asked as
the library page asks: the first 20 hits with snippets, the total and the facet counts), the
time to build a passage's index text, and index tokens per passage.

    .venv/bin/python benchmarks/bench_ja_search.py [--repeats 5] [--per-query]
    .venv/bin/python benchmarks/bench_ja_search.py --copies 100   # times on 8,800 passages
    scripts/with-postgres.sh bash -c \\
        '.venv/bin/python benchmarks/bench_ja_search.py --postgres "$WORKBENCH_TEST_POSTGRES_URL"'

With ``--postgres ADMIN_URL`` each method gets a throwaway database on that server (created,
migrated, dropped) and the PostgreSQL backend is measured.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from benchmarks._common import fresh_sqlite, machine  # noqa: E402
from coi import cjk  # noqa: E402
from coi.ja_evaluation import compare, load_collection, load_queries  # noqa: E402
from workbench.core.db import make_engine, upgrade  # noqa: E402

KINDS = ("word", "compound", "name", "spelling", "phrase", "inside")


@contextmanager
def sqlite_session() -> Iterator[Session]:
    with tempfile.TemporaryDirectory(prefix="wb-ja-search-") as tmp:
        engine, _ = fresh_sqlite(Path(tmp))
        try:
            with Session(engine) as session:
                yield session
        finally:
            engine.dispose()


def postgres_session(admin_url: str):  # noqa: ANN201
    @contextmanager
    def fresh() -> Iterator[Session]:
        name = f"wb_ja_{uuid.uuid4().hex[:10]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                yield session
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    return fresh


def index_time(passages: list[str], repeats: int) -> float:
    """Seconds to build one passage's index text with the method in force: the fastest of
    ``repeats`` passes over the collection, each starting with no analysed run remembered
    (the dictionary itself is loaded before)."""
    cjk.japanese_words("難民")
    best = float("inf")
    for _ in range(max(1, repeats)):
        cjk.clear_word_cache()
        started = time.perf_counter()
        for passage in passages:
            cjk.index_form(passage, stems=False)
        best = min(best, time.perf_counter() - started)
    return best / len(passages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="ADMIN_URL", default=None)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--per-query", action="store_true")
    parser.add_argument("--copies", type=int, default=1,
                        help="load the collection this many times and report times only")
    args = parser.parse_args()
    collection = load_collection()
    queries = load_queries(collection=collection)
    passages = [t for d in collection for _, t in d.passages]
    print(f"machine: {machine()}")
    print(f"collection: {len(passages)} passages in {len(collection)} documents; "
          f"{len({q.need for q in queries})} judged needs, {len(queries)} queries")
    fresh = postgres_session(args.postgres) if args.postgres else sqlite_session
    reports = list(compare(fresh, repeats=args.repeats, copies=args.copies))
    if args.copies > 1:
        print(f"\n{args.copies} copies of the collection ({args.copies * len(passages):,} "
              f"passages), {reports[0].backend}: search time per query")
        same = [i for i in range(len(queries))
                if len({r.queries[i].matches for r in reports}) == 1]
        print(f"  (same matches: the {len(same)} queries that match as many passages with "
              "every method)")
        for r in reports:
            times = sorted(1000 * r.queries[i].seconds for i in same)
            print(f"  {r.method:8} p50 {r.latency_ms(0.5):7.2f} ms   p95 "
                  f"{r.latency_ms(0.95):7.2f} ms   passages matched per query "
                  f"{r.mean('matches'):7.1f}   same matches: p50 "
                  f"{times[len(times) // 2]:7.2f} ms")
        return
    tokens, build = {}, {}
    for method in cjk.JA_METHODS:
        with cjk.using_ja_method(method):
            tokens[method] = sum(len(cjk.index_form(t, stems=False).split())
                                 for t in passages) / len(passages)
            build[method] = index_time(passages, args.repeats)
    print(f"\nbackend: {reports[0].backend}")
    print(f"{'method':8} {'MAP':>6} {'nDCG@10':>8} {'R@10':>6} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'index ms/passage':>17} {'tokens/passage':>15} {'matched/query':>14}")
    for r in reports:
        print(f"{r.method:8} {r.map:6.3f} {r.ndcg:8.3f} {r.recall:6.3f} "
              f"{r.latency_ms(0.5):7.2f} {r.latency_ms(0.95):7.2f} "
              f"{1000 * build[r.method]:17.3f} {tokens[r.method]:15.1f} "
              f"{r.mean('matches'):14.1f}")
    print("\nMAP / nDCG@10 / recall@10 by kind of query:")
    for kind in KINDS:
        n = sum(1 for q in reports[0].queries if q.kind == kind)
        cells = "   ".join(f"{r.method} {r.mean('ap', kind):.3f}/{r.mean('ndcg', kind):.3f}/"
                           f"{r.mean('recall', kind):.3f}" for r in reports)
        print(f"  {kind:9} ({n:2}) {cells}")
    if args.per_query:
        print("\nper query (AP / nDCG@10 / relevant found in the first 10):")
        for i, q in enumerate(reports[0].queries):
            cells = "  ".join(f"{r.method} {r.queries[i].ap:.2f}/{r.queries[i].ndcg:.2f}/"
                              f"{r.queries[i].found}of{r.queries[i].relevant}"
                              for r in reports)
            print(f"  {q.id:26} {q.text:8}\t{cells}")


if __name__ == "__main__":
    main()
