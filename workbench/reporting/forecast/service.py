"""The forecast as the dashboard asks for it: checked, cached per data day, timed.

A forecast and a backtest depend only on the database, the day and the scenario, so each is
computed once a day per scenario and process (the office's history of that day does not
change much in its remaining hours); the history read for the day is shared by every
scenario.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from models import Application
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.errors import ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, require
from workbench.core.settings import get_settings
from workbench.reporting.forecast.backtest import run_backtest
from workbench.reporting.forecast.history import WEEKS_READ, History, read_history
from workbench.reporting.forecast.result import Backtest, Forecast
from workbench.reporting.forecast.scenarios import Scenario
from workbench.reporting.forecast.simulation import Progress, inputs_of, simulate

MAX_RUNS = 1000
MAX_MONTHS = 36
#: How far back the dashboard's backtest starts: the forecast made this many months ago.
BACKTEST_MONTHS = 12
BACKTEST_RUNS = 100
_CACHE_SIZE = 32
_cache: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def _kept(key: Hashable, compute: Callable[[], Any]) -> Any:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = compute()
    with _lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _database(session: Session) -> str:
    return str(session.get_bind().engine.url)


def history(session: Session, *, actor: Actor, as_of: date | None = None) -> History:
    require(actor, Action.STATS_VIEW)
    settings = get_settings()
    day = as_of or clock.today(settings)
    return _kept(("history", _database(session), day, clock.today(settings)),
                 lambda: read_history(session, day, settings))


def forecast(session: Session, *, actor: Actor, scenario: Scenario | None = None,
             runs: int = 200, months: int = 12, seed: int = 2024,
             as_of: date | None = None, progress: Progress | None = None) -> Forecast:
    """The next ``months`` of the office under ``scenario`` (the baseline by default), from
    ``runs`` simulation runs over the history up to ``as_of`` (default: today)."""
    require(actor, Action.STATS_VIEW)
    scenario = (scenario or Scenario()).check()
    if not 1 <= runs <= MAX_RUNS:
        raise ValidationError(t("errors.forecast.runs_out_of_range", limit=MAX_RUNS))
    if not 1 <= months <= MAX_MONTHS:
        raise ValidationError(t("errors.forecast.months_out_of_range", limit=MAX_MONTHS))
    settings = get_settings()
    day = as_of or clock.today(settings)
    standard = scenario.standard_months or settings.standard_period_months
    key = ("forecast", _database(session), day, clock.today(settings), scenario.key(), runs,
           months, seed)

    def compute() -> Forecast:
        started = time.perf_counter()
        if progress:
            progress(0.0, "history")
        past = history(session, actor=actor, as_of=day)
        points, cohorts = simulate(past, scenario, runs=runs, months=months, seed=seed,
                                   standard_months=standard, progress=progress)
        return Forecast(scenario=scenario, as_of=day, runs=runs, standard_months=standard,
                        months=points, cohorts=cohorts, inputs=inputs_of(past),
                        seconds=time.perf_counter() - started)

    result = _kept(key, compute)
    if result.scenario.name != scenario.name:
        result = Forecast(**{**result.__dict__, "scenario": scenario})
    return result


def backtest(session: Session, *, actor: Actor, as_of: date, runs: int = BACKTEST_RUNS,
             seed: int = 2024) -> Backtest:
    """The forecast made as of ``as_of`` against what happened after it."""
    require(actor, Action.STATS_VIEW)
    settings = get_settings()
    today = clock.today(settings)
    if as_of >= today:
        raise ValidationError(t("errors.forecast.backtest_not_past"))
    if not 1 <= runs <= MAX_RUNS:
        raise ValidationError(t("errors.forecast.runs_out_of_range", limit=MAX_RUNS))
    return _kept(("backtest", _database(session), as_of, today, runs, seed),
                 lambda: run_backtest(session, as_of, runs=runs, seed=seed,
                                      data_day=today, settings=settings))


def latest_backtest(session: Session, *, actor: Actor) -> Backtest | None:
    """The dashboard's measure of trust: the forecast made 12 months ago, or None when the
    database holds too little history before that day to make one."""
    require(actor, Action.STATS_VIEW)
    today = clock.today(get_settings())
    as_of = clock.add_months(today, -BACKTEST_MONTHS)
    first = session.execute(select(func.min(Application.lodged_date))).scalar_one()
    if first is None or first > as_of - timedelta(weeks=WEEKS_READ):
        return None
    return backtest(session, actor=actor, as_of=as_of)


__all__ = ["BACKTEST_MONTHS", "MAX_MONTHS", "MAX_RUNS", "backtest", "clear_cache",
           "forecast", "history", "latest_backtest"]
