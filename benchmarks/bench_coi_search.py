"""COI search latency over a large library (issue 4): 2–3 word queries with a country facet
over 1,000,000 passages on SQLite (FTS5), optionally also on PostgreSQL.

The corpus is synthetic but shaped like COI text: a vocabulary of real COI words with a
Zipf-like frequency, plus a long tail of rare words; 100 passages per document, one or two
countries per document out of 60, up to two topics per passage. Queries pick 2–3 words of
middle frequency (the words researchers type: "police detention returnees") and a country.

Measured: the first page of 20 hits as the library page asks for it (ranked ids, passages,
documents, snippets, warnings), then the same with the total count the page shows. Reference
in the same run: the bare FTS5 MATCH of the same words without facet or hydration.

    .venv/bin/python benchmarks/bench_coi_search.py --passages 1000000 --queries 200
    .venv/bin/python benchmarks/bench_coi_search.py --passages 1000000 --postgres URL

With ``--postgres URL`` (a database the benchmark creates when missing, and migrates) the
same library is loaded with COPY, the GIN indexes built after the load, and the PostgreSQL
backend measured; with
``--reuse`` an already loaded database is queried again. Index text is built as ingestion
builds it (``coi.cjk.index_form``: the words, then the stems of inflected English words).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import fresh_sqlite, machine, summarise  # noqa: E402
from coi import facets  # noqa: E402
from coi.search import search  # noqa: E402
from coi.search_request import FacetFilter, SearchRequest  # noqa: E402

WORDS = """
police detention detained arrest arrested prison torture custody returnees returned deported
deportation border journalist journalists human rights defenders activists opposition party
members protest protesters election elections government authorities security forces army
military conscription service desertion religious minority minorities christian christians
muslim shia sunni hazara tamil kurdish rohingya ethnic women girls forced marriage violence
domestic gender lgbti sexual orientation identity same sex relations criminal code court
courts judge trial trials fair prosecution charges terrorism law laws decree police officers
checkpoint checkpoints militia militias armed conflict clashes civilians casualties attacks
displacement displaced internal relocation city cities province provinces region rural urban
documents passport identity card fraud forged corruption bribery access healthcare education
employment housing discrimination harassment threats intimidation surveillance informants
family clan tribe honour crime blood feud land dispute debt property inheritance police report
protection state protection impunity investigation investigations reported according sources
observers organisation organisations united nations unhcr ngo ngos media press freedom
expression assembly association movement travel exit airport returnee returnees treatment
""".split()
COUNTRIES = ["AFG", "MMR", "LKA", "TUR", "IRN", "NPL", "CMR", "UGA", "SYR", "COD", "IRQ",
             "PAK", "BGD", "CHN", "ETH", "ERI", "SDN", "SOM", "NGA", "GHA", "IND", "VNM",
             "PHL", "KHM", "IDN", "EGY", "YEM", "LBY", "MAR", "DZA", "TUN", "SEN", "GIN",
             "MLI", "CIV", "SLE", "LBR", "CAF", "TCD", "BDI", "RWA", "KEN", "TZA", "ZWE",
             "RUS", "UKR", "BLR", "GEO", "ARM", "AZE", "UZB", "TJK", "KGZ", "KAZ", "VEN",
             "COL", "HTI", "CUB", "NIC", "HND"]
TOPICS = ["political_opposition", "religious_minorities", "ethnic_minorities", "sogi", "gbv",
          "military_service", "journalists_hrds", "state_protection", "detention",
          "internal_relocation", "armed_conflict", "documents_fraud", "returnees"]
PER_DOC = 100


def build(engine, passages: int, seed: int) -> float:  # noqa: ANN001
    rng = np.random.default_rng(seed)
    vocab = WORDS + [f"x{n}" for n in range(40_000)]  # rare tail words
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05
    weights /= weights.sum()
    docs = passages // PER_DOC
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("INSERT INTO coi_source (id, key, name, short_name, kind, mandate, "
                    "description, version, updated_at) VALUES (1, 'usdos', 'Source', 'SRC', "
                    "'government', '', '', 1, '2026-01-01 00:00:00')")
        now = datetime(2026, 11, 1, tzinfo=UTC).replace(tzinfo=None)
        doc_rows, country_rows = [], []
        doc_countries: list[list[str]] = []
        for d in range(1, docs + 1):
            cs = list(rng.choice(COUNTRIES, size=1 if rng.random() < 0.8 else 2, replace=False))
            doc_countries.append(cs)
            pub = date(2015, 1, 1) + timedelta(days=int(rng.integers(0, 4000)))
            doc_rows.append((d, f"{d:064x}", 1, f"Report {d}", pub.isoformat(), "en",
                             "country_report", None, f"r{d}.pdf", "pdf", 1000, 40, PER_DOC,
                             f"s{d}", 1, None, None, "{}", now.isoformat(" "), None, 1,
                             now.isoformat(" ")))
            country_rows.extend((d, c, i == 0) for i, c in enumerate(cs))
        cur.executemany("INSERT INTO coi_document VALUES (" + ",".join("?" * 22) + ")",
                        doc_rows)
        cur.executemany("INSERT INTO coi_document_country VALUES (?,?,?)", country_rows)
        for done, rows in _passage_rows(passages, doc_countries, vocab, weights, rng):
            cur.executemany("INSERT INTO coi_passage (id, document_id, paragraph, page, "
                            "section, text, index_text, topics, facet_terms) "
                            "VALUES (?,?,?,?,?,?,?,?,?)", rows)
            raw.commit()
            print(f"  {done:,} passages", file=sys.stderr, flush=True)
        raw.commit()
        term_stats(raw)
        cur.execute("INSERT INTO coi_passage_fts(coi_passage_fts) VALUES ('optimize')")
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - started


def _passage_rows(passages: int, doc_countries: list[list[str]],
                  vocab: list[str], weights: np.ndarray, rng: np.random.Generator):  # noqa: ANN202
    """Batches of passage rows (id, document, paragraph, page, section, text, index text,
    topics, facet terms), as the SQLite build makes them."""
    from coi.cjk import index_form

    batch = 50_000
    pid = 0
    for start in range(0, passages, batch):
        n = min(batch, passages - start)
        lengths = rng.integers(25, 70, size=n)
        words = rng.choice(len(vocab), size=int(lengths.sum()), p=weights)
        rows = []
        offset = 0
        for i in range(n):
            pid += 1
            toks = [vocab[w] for w in words[offset:offset + lengths[i]]]
            offset += lengths[i]
            doc = (pid - 1) // PER_DOC + 1
            topics = list(rng.choice(TOPICS, size=int(rng.integers(0, 3)), replace=False))
            body = " ".join(toks)
            rows.append((pid, doc, (pid - 1) % PER_DOC + 1, 1 + ((pid - 1) % PER_DOC) // 3,
                         "1. Overview", body.capitalize() + ".", index_form(body),
                         " ".join(topics),
                         facets.facet_terms(countries=doc_countries[doc - 1],
                                            source_key="usdos", doc_type="country_report",
                                            language="en", current=True, topics=topics)))
        yield start + n, rows


def build_postgres(url: str, passages: int, seed: int) -> float:
    """Load the synthetic library into the (migrated) PostgreSQL database at ``url``."""
    from collections import Counter

    import psycopg

    from workbench.core.db import upgrade

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    base, _, name = dsn.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             (name,)).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    upgrade(url)
    rng = np.random.default_rng(seed)
    vocab = WORDS + [f"x{n}" for n in range(40_000)]
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05
    weights /= weights.sum()
    docs = passages // PER_DOC
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO coi_source (id, key, name, short_name, kind, mandate, "
                    "description, version, updated_at) VALUES (1, 'usdos', 'Source', 'SRC', "
                    "'government', '', '', 1, '2026-01-01 00:00:00')")
        now = datetime(2026, 11, 1)
        doc_countries: list[list[str]] = []
        with cur.copy("COPY coi_document (id, sha256, source_id, title, published_on, "
                      "language, doc_type, source_url, file_name, media_type, size_bytes, "
                      "page_count, passage_count, series_key, edition, superseded_by_id, "
                      "ingested_by_id, metadata_notes, ingested_at, updated_at, version) "
                      "FROM STDIN") as copy:
            for d in range(1, docs + 1):
                cs = list(rng.choice(COUNTRIES, size=1 if rng.random() < 0.8 else 2,
                                     replace=False))
                doc_countries.append(cs)
                pub = date(2015, 1, 1) + timedelta(days=int(rng.integers(0, 4000)))
                copy.write_row((d, f"{d:064x}", 1, f"Report {d}", pub, "en", "country_report",
                                None, f"r{d}.pdf", "pdf", 1000, 40, PER_DOC, f"s{d}", 1, None,
                                None, "{}", now, now, 1))
        with cur.copy("COPY coi_document_country (document_id, country, is_primary) "
                      "FROM STDIN") as copy:
            for d, cs in enumerate(doc_countries, start=1):
                for i, c in enumerate(cs):
                    copy.write_row((d, c, i == 0))
        # The GIN indexes are built once after the load (much faster than row by row).
        cur.execute("DROP INDEX IF EXISTS ix_coi_passage_tsv_body")
        cur.execute("DROP INDEX IF EXISTS ix_coi_passage_tsv_facets")
        counts: Counter[str] = Counter()
        for done, rows in _passage_rows(passages, doc_countries, vocab, weights, rng):
            with cur.copy("COPY coi_passage (id, document_id, paragraph, page, section, text, "
                          "index_text, topics, facet_terms) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    counts.update(set(row[6].split()))
            conn.commit()
            print(f"  {done:,} passages", file=sys.stderr, flush=True)
        with cur.copy("COPY coi_term_stat (term, df) FROM STDIN") as copy:
            for term, df in sorted(counts.items()):
                copy.write_row((term, df))
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("CREATE INDEX ix_coi_passage_tsv_body ON coi_passage USING gin (tsv_body)")
        cur.execute("CREATE INDEX ix_coi_passage_tsv_facets ON coi_passage "
                    "USING gin (tsv_facets)")
        conn.commit()
        cur.execute("ANALYZE")
        conn.commit()
    return time.perf_counter() - started


def term_stats(raw) -> None:  # noqa: ANN001
    """Fill coi_term_stat as ingestion does (one count per passage containing a token)."""
    from collections import Counter

    cur = raw.cursor()
    cur.execute("CREATE TABLE IF NOT EXISTS coi_term_stat (term VARCHAR(200) PRIMARY KEY, "
                "df INTEGER NOT NULL)")
    if cur.execute("SELECT count(*) FROM coi_term_stat").fetchone()[0]:
        return
    counts: Counter[str] = Counter()
    for (body,) in cur.execute("SELECT index_text FROM coi_passage"):
        counts.update(set(body.split()))
    cur.executemany("INSERT INTO coi_term_stat VALUES (?, ?)", sorted(counts.items()))
    raw.commit()


def queries(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    middle = WORDS[15:200]
    return [(" ".join(rng.sample(middle, rng.choice((2, 3)))), rng.choice(COUNTRIES))
            for _ in range(count)]


def run(engine, qs: list[tuple[str, str]]) -> dict[str, dict[str, float]]:  # noqa: ANN001
    from sqlmodel import Session

    out: dict[str, list[float]] = {"page": [], "page_and_total": [], "bare_match": []}
    hits_seen = []
    with Session(engine) as session:
        for text, country in qs[:10]:  # warm the page cache
            search(session, SearchRequest(query=text, countries=FacetFilter((country,))),
                   today=date(2026, 11, 23), with_facets=False, with_total=False)
        for text, country in qs:
            request = SearchRequest(query=text, countries=FacetFilter((country,)), limit=20)
            t0 = time.perf_counter()
            result = search(session, request, today=date(2026, 11, 23), with_facets=False,
                            with_total=False)
            out["page"].append((time.perf_counter() - t0) * 1000)
            hits_seen.append(len(result.hits))
            t0 = time.perf_counter()
            search(session, request, today=date(2026, 11, 23), with_facets=False,
                   with_total=True)
            out["page_and_total"].append((time.perf_counter() - t0) * 1000)
            if engine.dialect.name == "sqlite":
                from sqlalchemy import text as sql

                t0 = time.perf_counter()
                session.execute(sql("SELECT rowid FROM coi_passage_fts WHERE coi_passage_fts "
                                    "MATCH :m ORDER BY rank LIMIT 20"),
                                {"m": "index_text : (" + " AND ".join(text.split()) + ")"}
                                ).all()
                out["bare_match"].append((time.perf_counter() - t0) * 1000)
    print(f"  queries with at least one hit: {sum(1 for h in hits_seen if h)}/{len(qs)}; "
          f"median hits on page {int(np.median(hits_seen))}")
    return {k: summarise(v) for k, v in out.items() if v}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true",
                        help="query the library already built in --dir instead of rebuilding")
    parser.add_argument("--postgres", default=None,
                        help="a PostgreSQL URL (postgresql+psycopg://...) to build and query")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    if args.postgres:
        from workbench.core.db import make_engine

        if not args.reuse:
            seconds = build_postgres(args.postgres, args.passages, args.seed)
            print(f"built {args.passages:,} passages on PostgreSQL in {seconds:.0f} s")
        engine = make_engine(args.postgres)
    elif args.reuse and args.dir and (args.dir / "bench.db").is_file():
        from workbench.core.db import make_engine

        path = args.dir / "bench.db"
        engine = make_engine(f"sqlite:///{path}")
        raw = engine.raw_connection()
        term_stats(raw)
        raw.close()
        print(f"reusing {path} ({path.stat().st_size / 1e9:.2f} GB)")
    else:
        engine, path = fresh_sqlite(args.dir)
        seconds = build(engine, args.passages, args.seed)
        print(f"built {args.passages:,} passages in {seconds:.0f} s; file "
              f"{path.stat().st_size / 1e9:.2f} GB")
    results = run(engine, queries(args.queries, args.seed))
    for name, stats in results.items():
        print(f"  {name:15} median {stats['median']:.1f} ms  p95 {stats['p95']:.1f} ms  "
              f"max {stats['max']:.1f} ms  (n={stats['n']})")
    engine.dispose()


if __name__ == "__main__":
    main()
