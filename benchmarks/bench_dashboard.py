"""Dashboard query and page times over a national caseload.

    .venv/bin/python benchmarks/bench_dashboard.py --cases 250000 --runs 7
    .venv/bin/python benchmarks/bench_dashboard.py --database PATH --runs 7   # reuse a load

Loads ``--cases`` demo applications into a fresh SQLite file (or reuses one), then times each
dashboard query (``workbench.reporting.figures``, ``.workload``, ``.drill_down``) with no
filter and with a typical filter (one office, a year), and the dashboard page's server time:
one rerun of the Streamlit script through ``AppTest`` per view, its figures not yet in the
session (the first look at a view after a filter change). Reference in the same run: one full
scan of the application table.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import demo_database, machine, summarise  # noqa: E402

APP = str(ROOT / "workbench" / "app.py")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database", help="use this SQLite file (already loaded) instead")
    args = parser.parse_args()
    path = demo_database(args.database, args.cases, "wb-bench-dash-")

    from sqlalchemy import func, select, text

    from models import Application, User
    from workbench.core.actor import Actor
    from workbench.core.db import make_engine, unit_of_work
    from workbench.reporting import dashboard as dash
    from workbench.reporting import figures
    from workbench.reporting.dashboard import DashboardFilter
    from workbench.reporting.drill_down import drill_down
    from workbench.reporting.workload import workload

    engine = make_engine(f"sqlite:///{path}")
    with unit_of_work(engine, write=False) as s:
        total = s.execute(select(func.count()).select_from(Application)).scalar_one()
        manager = s.execute(select(User).where(User.username == "manager1")).scalar_one()
        actor = Actor.of(manager)
    print(f"machine: {machine()}")
    print(f"caseload: {total:,} applications")

    def timed(fn, runs: int = args.runs) -> dict:  # noqa: ANN001
        fn()  # warm-up
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
        return summarise(samples)

    def scan() -> None:
        with unit_of_work(engine, write=False) as s:
            s.execute(text("SELECT count(*), max(updated_at), sum(version) FROM application")
                      ).one()

    ref = timed(scan)
    print(f"reference, one full scan of application: median {ref['median']:.0f} ms")
    filters = {"no filter": DashboardFilter(),
               "Tokyo, 2024": DashboardFilter(date_from=date(2024, 1, 1),
                                              date_to=date(2024, 12, 31), offices=("TOKYO",))}
    queries = [("backlog", lambda f: figures.backlog(s, actor=actor, f=f))]
    queries += [(f"processing by {by}", lambda f, by=by: figures.processing_times(
        s, actor=actor, by=by, f=f)) for by in dash.GROUPINGS]
    queries += [("flows (with yearly table)", lambda f: figures.flows(s, actor=actor, f=f)),
                ("workload", lambda f: workload(s, actor=actor, f=f)),
                ("drill-down, first 500 of a stage", lambda f: drill_down(
                    s, actor=actor, figure="stage", value="UNDER_EXAMINATION", f=f,
                    limit=500))]
    # Each grouped SQL statement goes through dash._Q.rows: time every call of it too.
    statement_ms: list[float] = []
    real_rows = dash._Q.rows

    def timed_rows(self, *a, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        start = time.perf_counter()
        try:
            return real_rows(self, *a, **kw)
        finally:
            statement_ms.append((time.perf_counter() - start) * 1000)

    dash._Q.rows = timed_rows
    print("| figure | filter | SQL statements | median ms | p95 ms | slowest statement, "
          "median ms | × full scan |")
    print("|---|---|---|---|---|---|---|")
    worst = worst_statement = 0.0
    for name, f in filters.items():
        for label, fn in queries:
            per_run: list[list[float]] = []

            def run(fn=fn, f=f, per_run=per_run) -> None:  # noqa: ANN001
                statement_ms.clear()
                fn(f)
                per_run.append(list(statement_ms))

            with unit_of_work(engine, write=False) as s:
                stats = timed(run)
            counts = {len(r) for r in per_run}
            slowest = sorted(max(r, default=0.0) for r in per_run[1:])
            slow_median = slowest[len(slowest) // 2] if slowest else 0.0
            worst = max(worst, stats["median"])
            worst_statement = max(worst_statement, slow_median)
            print(f"| {label} | {name} | {max(counts) or 1} | {stats['median']:.0f} | "
                  f"{stats['p95']:.0f} | {slow_median:.0f} | "
                  f"{stats['median'] / ref['median']:.1f} |")
    dash._Q.rows = real_rows
    print(f"slowest figure median: {worst:.0f} ms; slowest single statement median: "
          f"{worst_statement:.0f} ms")

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300).run()
    at.text_input[0].input("manager1")
    at.text_input[1].input("manager1-demo-pass")
    at.button[0].click().run()
    at.switch_page(str(ROOT / "pages" / "dashboard.py")).run()
    assert not at.exception, at.exception
    print("| view | page server time, median ms | p95 ms |")
    print("|---|---|---|")
    for view in ("backlog", "processing", "flows", "workload"):
        samples = []
        for _ in range(args.runs):
            at.session_state["wb_dash_cache"] = {}
            at.segmented_control(key="dash_view").set_value(view)
            start = time.perf_counter()
            at.run()
            samples.append((time.perf_counter() - start) * 1000)
            assert not at.exception, at.exception
        stats = summarise(samples)
        print(f"| {view} | {stats['median']:.0f} | {stats['p95']:.0f} |")


if __name__ == "__main__":
    main()
