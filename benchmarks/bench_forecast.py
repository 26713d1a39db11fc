"""Forecast speed: a 12-month forecast with 200 simulation runs over a large caseload.

    .venv/bin/python benchmarks/bench_forecast.py --cases 250000 --runs 5
    .venv/bin/python benchmarks/bench_forecast.py --database PATH --runs 5   # already loaded

Each timed forecast is cold: the service's cache is emptied first, so the history is read
from the database and the simulation run again (what the first manager of the day waits
for). Also timed: the same call again (from the cache), each part alone (reading the
history; the simulation), a scenario (two more inquirers in the largest office, B and C
first) and the dashboard's backtest (the forecast made 12 months ago, 100 runs, and the
figures it is compared with). Reference in the same run: one full scan of the status-event
table (``SELECT count(*), max(occurred_at) FROM status_event``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import demo_database, machine, summarise, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=250_000)
    parser.add_argument("--database", default=None, help="an already loaded SQLite file")
    parser.add_argument("--runs", type=int, default=5, help="timed repetitions")
    parser.add_argument("--simulation-runs", type=int, default=200)
    args = parser.parse_args()
    demo_database(args.database, args.cases, "wb-bench-forecast-")

    from sqlalchemy import func, select, text

    from models import Application, Role, User
    from workbench.core import clock
    from workbench.core.actor import Actor
    from workbench.core.db import get_engine, unit_of_work
    from workbench.core.settings import get_settings
    from workbench.reporting.forecast import Scenario, clear_cache, forecast, latest_backtest
    from workbench.reporting.forecast.history import read_history
    from workbench.reporting.forecast.simulation import simulate

    get_settings.cache_clear()  # the database named by WORKBENCH_DATABASE_URL just now
    engine = get_engine()
    print(machine(), "· load average", os.getloadavg())
    with unit_of_work(engine, write=False) as s:
        applications = s.execute(select(func.count()).select_from(Application)).scalar_one()
        user = s.execute(select(User).where(User.role == Role.MANAGER)).scalars().first()
        actor = Actor(id=user.id, username=user.username, display_name=user.display_name,
                      role=Role.MANAGER)
        events = s.execute(text("SELECT count(*) FROM status_event")).scalar_one()
    print(f"{applications:,} applications, {events:,} status events")

    def scan() -> object:
        with unit_of_work(engine, write=False) as s:
            return s.execute(text("SELECT count(*), max(occurred_at) FROM status_event")).one()

    def cold(scenario: Scenario | None = None):  # noqa: ANN202
        clear_cache()
        with unit_of_work(engine, write=False) as s:
            return forecast(s, actor=actor, scenario=scenario, runs=args.simulation_runs)

    def warm():  # noqa: ANN202
        with unit_of_work(engine, write=False) as s:
            return forecast(s, actor=actor, runs=args.simulation_runs)

    def history():  # noqa: ANN202
        with unit_of_work(engine, write=False) as s:
            return read_history(s, clock.today())

    def backtest():  # noqa: ANN202
        clear_cache()
        with unit_of_work(engine, write=False) as s:
            return latest_backtest(s, actor=actor)

    cold()  # warm-up: imports, the database file in the page cache
    figures: dict[str, list[float]] = {k: [] for k in (
        "status_event scan (reference)", "forecast, cold (history + simulation)",
        "forecast, again (cached)", "history read", "simulation alone",
        "scenario, cold", "backtest (dashboard's, 100 runs)")}
    past = history()
    biggest = past.queues[int(past.inquirers.argmax())]
    scenario = Scenario("bench", inquirers={biggest: 2}, priority="bc_first")
    result = None
    for _ in range(args.runs):
        figures["status_event scan (reference)"].append(timed(scan)[0])
        seconds, result = timed(cold)
        figures["forecast, cold (history + simulation)"].append(seconds)
        figures["forecast, again (cached)"].append(timed(warm)[0])
        seconds, past = timed(history)
        figures["history read"].append(seconds)
        figures["simulation alone"].append(timed(lambda past=past: simulate(
            past, Scenario(), runs=args.simulation_runs, months=12))[0])
        figures["scenario, cold"].append(timed(lambda: cold(scenario))[0])
        figures["backtest (dashboard's, 100 runs)"].append(timed(backtest)[0])
    reference = sorted(figures["status_event scan (reference)"])[args.runs // 2]
    print(f"\n{'measure':42} {'median':>9} {'min':>9} {'max':>9} {'× scan':>8}")
    for name, samples in figures.items():
        stats = summarise(samples)
        print(f"{name:42} {stats['median']:9.3f} {stats['min']:9.3f} {stats['max']:9.3f} "
              f"{stats['median'] / reference:8.1f}")
    point = result.months[-1]
    print(f"\nbaseline: backlog now {result.inputs.backlog_now}; first instance in 12 months "
          f"{point.first_instance.median:,.0f} ({point.first_instance.low:,.0f}–"
          f"{point.first_instance.high:,.0f}); {len(past.queues)} offices, "
          f"{past.months} lodging months in the backlog; oldest-first share "
          f"{past.oldest_first:.2f}")
    print("load average", os.getloadavg(), time.strftime("%Y-%m-%d %H:%M:%S"))


if __name__ == "__main__":
    main()
