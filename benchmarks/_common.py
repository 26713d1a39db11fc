"""Helpers shared by the benchmarks: timing, statistics and fresh databases."""

from __future__ import annotations

import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from workbench.core.db import make_engine, upgrade


def fresh_sqlite(directory: Path | None = None):  # noqa: ANN201
    directory = Path(directory or tempfile.mkdtemp(prefix="wb-bench-"))
    path = directory / "bench.db"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    upgrade(url)
    return make_engine(url), path


def demo_database(database: str | None, cases: int, prefix: str) -> Path:
    """A SQLite file with the demo caseload: ``database`` as given (already loaded), else a
    fresh one loaded with ``cases`` applications (seed 2024). The app under test is pointed
    at it through ``WORKBENCH_DATABASE_URL``."""
    import os
    from datetime import date

    if database:
        path = Path(database)
    else:
        from workbench.demo import load_demo

        engine, path = fresh_sqlite(Path(tempfile.mkdtemp(prefix=prefix)))
        started = time.perf_counter()
        summary = load_demo(engine, cases=cases, seed=2024, as_of=date.today())
        engine.dispose()
        print(f"loaded {summary.cases:,} applications in {time.perf_counter() - started:.0f} s"
              f" into {path}")
    os.environ["WORKBENCH_DATABASE_URL"] = f"sqlite:///{path}"
    return path


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def summarise(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"n": len(samples), "median": statistics.median(samples), "min": ordered[0],
            "p95": p95, "max": ordered[-1]}


def machine() -> str:
    import os

    return f"{platform.python_implementation()} {platform.python_version()}, " \
           f"{os.cpu_count()} cores, {platform.machine()}"
