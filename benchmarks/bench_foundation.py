"""Foundation benchmarks: loading the demo caseload and the processing-time summary.

    .venv/bin/python benchmarks/bench_foundation.py --cases 100000 --load-runs 3 --summary-runs 15

Load: ``workbench.demo.load_demo`` into a fresh, migrated SQLite file (generation and
insertion), median of ``--load-runs``. Reference in the same run: generating the same rows
alone, and writing them with the standard library's sqlite3 ``executemany`` into another
fresh file (no SQLAlchemy), so the ratio shows what the loader adds to the bare minimum.

Summary: ``workbench.core.processing.processing_summary`` over the loaded caseload, median of
``--summary-runs`` after one warm-up. Reference: one full scan of the status-event table
(``SELECT count(*), max(occurred_at) FROM status_event``) in the same run.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime
from enum import Enum
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import fresh_sqlite, machine, summarise, timed  # noqa: E402
from workbench.core.actor import Actor  # noqa: E402
from workbench.core.db import unit_of_work  # noqa: E402
from workbench.core.processing import processing_summary  # noqa: E402
from workbench.demo import DemoActors, ensure_demo_accounts, generate, load_demo  # noqa: E402

AS_OF = date(2025, 12, 31)


def _plain(value):  # noqa: ANN001, ANN202
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def raw_insert(path: Path, data) -> float:  # noqa: ANN001
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    conn.execute("BEGIN")
    for table, rows in (("person", data.persons), ("application", data.applications),
                        ("status_event", data.events)):
        columns = list(rows[0])
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
               f"VALUES ({', '.join('?' for _ in columns)})")
        conn.executemany(sql, ([_plain(r[c]) for c in columns] for r in rows))
    conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--summary-runs", type=int, default=15)
    args = parser.parse_args()

    print(f"machine: {machine()}")
    print(f"cases: {args.cases:,}, as of {AS_OF}")
    loads, generations, raws = [], [], []
    last_engine = None
    for run in range(args.load_runs):
        workdir = Path(tempfile.mkdtemp(prefix="wb-bench-load-"))
        engine, _ = fresh_sqlite(workdir)
        seconds, summary = timed(lambda e=engine: load_demo(e, cases=args.cases,
                                                            seed=args.seed, as_of=AS_OF))
        loads.append(seconds)
        print(f"  load run {run + 1}: {seconds:.1f} s ({summary.cases:,} applications, "
              f"{summary.persons:,} people, {summary.events:,} events)")
        # Reference: the same rows, generated alone and written with bare sqlite3.
        ref_engine, ref_path = fresh_sqlite(Path(tempfile.mkdtemp(prefix="wb-bench-ref-")))
        actors = DemoActors.from_accounts(ensure_demo_accounts(ref_engine))
        ref_engine.dispose()
        gen_seconds, data = timed(lambda a=actors: generate(args.cases, args.seed, AS_OF,
                                                            actors=a))
        generations.append(gen_seconds)
        raws.append(raw_insert(ref_path, data))
        del data
        if last_engine is not None:
            last_engine.dispose()
        last_engine = engine

    load = summarise(loads)
    reference = [g + r for g, r in zip(generations, raws, strict=True)]
    print(f"load_demo: median {load['median']:.1f} s (min {load['min']:.1f}, "
          f"max {load['max']:.1f}) over {load['n']} runs; target < 120 s")
    print(f"  reference, generate alone: median {summarise(generations)['median']:.1f} s; "
          f"bare sqlite3 insert: median {summarise(raws)['median']:.1f} s")
    print(f"  ratio load / (generate + bare insert): "
          f"{load['median'] / summarise(reference)['median']:.2f}")

    actor = Actor.system("bench")
    with unit_of_work(last_engine, write=False) as session:
        processing_summary(session, actor=actor, as_of=AS_OF)  # warm-up
        samples, scans = [], []
        for _ in range(args.summary_runs):
            seconds, result = timed(lambda s=session: processing_summary(s, actor=actor,
                                                                         as_of=AS_OF))
            samples.append(seconds)
            scan, _ = timed(lambda s=session: s.connection().exec_driver_sql(
                "SELECT count(*), max(occurred_at) FROM status_event").all())
            scans.append(scan)
    stat = summarise(samples)
    ref = summarise(scans)
    print(f"processing_summary: median {stat['median'] * 1000:.0f} ms, p95 "
          f"{stat['p95'] * 1000:.0f} ms over {stat['n']} runs; target < 300 ms")
    print(f"  reference, one scan of status_event: median {ref['median'] * 1000:.0f} ms; "
          f"ratio {stat['median'] / ref['median']:.1f}")
    print(f"  figures: decided {result.to_decision.count:,}, median to decision "
          f"{result.to_decision.median:.0f} days, p90 {result.to_decision.p90:.0f}; "
          f"pending first instance {result.pending_primary_age.count:,}")
    last_engine.dispose()


if __name__ == "__main__":
    main()
