"""Backtesting: the forecast made as of a past day, on the data up to that day, against what
the database says happened after it.

Two figures at each horizon (3, 6 and 12 months by default): the first-instance backlog on
the day (cases lodged and neither decided nor withdrawn), and the median days from lodging to
notice of the decisions served in the month before it (not judged when that month had fewer
than ``MIN_DECISIONS`` decisions: its median is too unsteady). The error is signed: forecast
minus actual, as a share of the actual.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlmodel import Session

from models import Application, StatusEvent
from workbench.core import clock
from workbench.core.settings import Settings, get_settings
from workbench.reporting.forecast.history import read_history, start_utc
from workbench.reporting.forecast.result import Backtest, BacktestRow
from workbench.reporting.forecast.scenarios import Scenario
from workbench.reporting.forecast.simulation import simulate

HORIZONS = (3, 6, 12)
#: Fewer decisions than this in a month make its median too unsteady to judge a forecast by.
MIN_DECISIONS = 20


def first_instance_backlog(session: Session, day: date, settings: Settings) -> int:
    """Cases lodged before ``day`` and, on its morning, neither decided nor withdrawn."""
    a, e = Application, StatusEvent
    withdrawn = exists().where(e.application_id == a.id, e.action == "withdraw",
                               e.occurred_at < start_utc(day, settings))
    return int(session.execute(
        select(func.count()).select_from(a)
        .where(a.lodged_date < day, or_(a.decided_on.is_(None), a.decided_on >= day),
               ~withdrawn)).scalar_one())


def median_days_decided(session: Session, start: date, end: date
                        ) -> tuple[float | None, int]:
    """The median days from lodging to notice of the decisions served in [start, end), and
    how many decisions that is."""
    a = Application
    rows = session.execute(
        select(a.decided_on, a.lodged_date, func.count())
        .where(a.decided_on >= start, a.decided_on < end)
        .group_by(a.decided_on, a.lodged_date)).all()
    days = sorted(((decided - lodged).days, count) for decided, lodged, count in rows)
    total = sum(count for _, count in days)
    if not total:
        return None, 0
    seen = 0
    for value, count in days:
        seen += count
        if seen * 2 >= total:
            return float(value), total
    return None, total  # pragma: no cover - the loop always returns


def run_backtest(session: Session, as_of: date, *, runs: int = 100, seed: int = 2024,
                 horizons: Sequence[int] = HORIZONS, data_day: date | None = None,
                 settings: Settings | None = None) -> Backtest:
    """Forecast from ``as_of`` and compare each horizon that ``data_day`` (default: today)
    has already reached."""
    settings = settings or get_settings()
    data_day = data_day or clock.today(settings)
    history = read_history(session, as_of, settings)
    reach = [h for h in sorted(set(horizons)) if clock.add_months(as_of, h) <= data_day]
    if not reach:
        return Backtest(as_of=as_of, runs=runs, rows=[])
    points, _ = simulate(history, Scenario(), runs=runs, months=max(reach), seed=seed,
                         standard_months=settings.standard_period_months, tail_months=0)
    rows = []
    for h in reach:
        point = points[h - 1]
        target = point.month_end
        actual = first_instance_backlog(session, target, settings)
        forecast = point.first_instance
        actual_days, decided = median_days_decided(session, clock.add_months(as_of, h - 1),
                                                   target)
        days = point.median_age_decided
        judged = actual_days and decided >= MIN_DECISIONS and days.median is not None
        rows.append(BacktestRow(
            horizon_months=h, target=target, backlog_forecast=forecast, backlog_actual=actual,
            backlog_error=((forecast.median - actual) / actual
                           if actual and forecast.median is not None else 0.0),
            median_days_forecast=days, median_days_actual=actual_days,
            decisions_actual=decided,
            median_days_error=(days.median - actual_days) / actual_days if judged else None))
    return Backtest(as_of=as_of, runs=runs, rows=rows)


__all__ = ["HORIZONS", "MIN_DECISIONS", "first_instance_backlog", "median_days_decided",
           "run_backtest"]
