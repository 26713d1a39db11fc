"""Quality of case-linked COI suggestions on the judged set (issue 4): recall@10 and nDCG@10
per judged applicant and averaged, on the sample library ingested into a fresh database.

    .venv/bin/python benchmarks/bench_coi_suggest.py [--database-url URL]

Without a URL the library goes into a fresh SQLite file; with a PostgreSQL URL (an empty,
migrated database) the PostgreSQL backend is measured instead.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import fresh_sqlite, machine  # noqa: E402
from coi.evaluation import evaluate, load_judged  # noqa: E402
from workbench.core.db import make_engine, unit_of_work, upgrade  # noqa: E402
from workbench.core.settings import Settings  # noqa: E402
from workbench.demo.coi_samples import COI_DATA_DIR, load_coi_samples  # noqa: E402
from workbench.library import ingestion  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="wb-suggest-") as tmp:
        if args.database_url:
            upgrade(args.database_url)
            engine = make_engine(args.database_url)
        else:
            engine, _ = fresh_sqlite(Path(tmp))
        settings = Settings(data_dir=Path(tmp), coi_store_dir=Path(tmp) / "store")
        ingestion.get_settings = lambda: settings
        outcomes = load_coi_samples(engine)
        print(f"{engine.dialect.name}: {sum(o.status == 'added' for o in outcomes)} documents")
        with unit_of_work(engine, write=False) as session:
            report = evaluate(session, load_judged(COI_DATA_DIR / "judged.toml"),
                              today=date(2026, 11, 23), k=10)
        for q in report.queries:
            print(f"  {q.id:32} recall@10 {q.recall:.2f} ({q.found}/{q.relevant})  "
                  f"nDCG@10 {q.ndcg:.2f}")
        print(f"mean over {len(report.queries)} queries: recall@10 {report.recall:.3f}, "
              f"nDCG@10 {report.ndcg:.3f}")
        with unit_of_work(engine, write=False) as session:
            for forms in (True, False):
                recall, ndcg_ = case_query_search(session, forms=forms)
                print(f"library search from a case (the claim's key terms with OR, the "
                      f"nationality as filter), word forms {'on' if forms else 'off'}: "
                      f"recall@10 {recall:.3f}, nDCG@10 {ndcg_:.3f}")
        engine.dispose()


def case_query_search(session, *, forms: bool) -> tuple[float, float]:  # noqa: ANN001
    """The judged set through the library search a case opens (issue 17): the claim's six
    key terms as alternatives, filtered to the nationality, ranked by relevance. ``forms``
    off asks for the words only as written (the index is the same)."""
    from unittest import mock

    import coi.query
    import coi.search_backends
    import coi.search_spelling
    from coi.evaluation import ndcg, resolve
    from coi.search import search
    from coi.search_request import FacetFilter, SearchRequest
    from coi.suggest import claim_terms

    queries = load_judged(COI_DATA_DIR / "judged.toml")
    recalls, ndcgs = [], []
    with (mock.patch.object(coi.query, "term_alternatives",
                            coi.query.term_alternatives if forms else (lambda term: [])),
          mock.patch.object(coi.search_backends, "word_alternatives",
                            coi.search_backends.word_alternatives if forms else (lambda w: [w])),
          mock.patch.object(coi.search_spelling, "word_alternatives",
                            coi.search_spelling.word_alternatives if forms else (lambda w: [w]))):
        for q in queries:
            grades = resolve(session, q)
            request = SearchRequest(query=" OR ".join(claim_terms(q.narrative, limit=6)),
                                    countries=FacetFilter((q.nationality,)), limit=10)
            ranked = [h.passage_id for h in search(session, request, today=date(2026, 11, 23),
                                                   with_facets=False).hits]
            recalls.append(sum(1 for pid in ranked if pid in grades) / len(grades))
            ndcgs.append(ndcg(ranked, grades, 10))
    return sum(recalls) / len(recalls), sum(ndcgs) / len(ndcgs)


if __name__ == "__main__":
    main()
