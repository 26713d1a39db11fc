"""What a forecast and a backtest return: plain frozen dataclasses, no database objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from workbench.reporting.forecast.scenarios import Scenario

#: Stages of the forecast, in the order of the procedure. ``examination`` holds the interview,
#: the assessment and the drafting of the decision (the status events do not separate them);
#: ``approval`` runs from the draft to the notice being served; ``review`` from the request
#: for review to the ruling.
STAGES = ("sorting", "examination", "approval", "review")
#: Stages of the first instance (the backlog the 2-month target is about).
FIRST_INSTANCE = ("sorting", "examination", "approval")


@dataclass(frozen=True)
class Band:
    """A figure over the simulation runs: the median and the 10th and 90th percentiles
    (an 80 % interval). ``None`` where the runs give no value (see ``CohortPoint``)."""

    median: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class MonthPoint:
    """The end of one forecast month."""

    month_end: date
    backlog: dict[str, Band]  # by stage (STAGES)
    first_instance: Band  # sorting + examination + approval
    months_of_work: Band  # first-instance backlog / first-instance decisions a month
    decisions: Band  # first-instance decisions served in the month
    median_age_decided: Band  # median days from lodging, of the decisions served that month


@dataclass(frozen=True)
class CohortPoint:
    """Applications lodged in one month of the forecast and when they are decided."""

    month_start: date
    lodged: Band
    median_days: Band  # days from lodging to the notice; None where not reached in the span
    p90_days: Band
    within_standard: Band  # share (0–1) decided within the standard period
    censored: bool  # True when in most runs under 90 % were decided within the span


@dataclass(frozen=True)
class Inputs:
    """What the office's history says, as the forecast read it (before the scenario)."""

    as_of: date
    weeks_read: int
    arrivals_per_week: float
    arrivals_by_group: dict[str, float]  # nationality group -> applications a week
    inquirers: dict[str, int]  # office -> inquirers who completed examinations lately
    completions_per_week: dict[str, float]  # office -> examinations completed a week
    sorting_median_days: float | None
    approval_median_days: float | None
    withdrawal_share_per_week: float
    review_filing_share: float
    rulings_per_week: float
    backlog_now: dict[str, int]  # by stage
    offices: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Forecast:
    scenario: Scenario
    as_of: date
    runs: int
    standard_months: int
    months: list[MonthPoint]
    cohorts: list[CohortPoint]
    inputs: Inputs
    seconds: float


@dataclass(frozen=True)
class BacktestRow:
    """One horizon of a backtest: the forecast made as of ``Backtest.as_of`` against what
    the database says happened."""

    horizon_months: int
    target: date
    backlog_forecast: Band  # first-instance backlog at ``target``
    backlog_actual: int
    backlog_error: float  # (forecast median - actual) / actual
    median_days_forecast: Band  # median age at decision of decisions served the month before
    median_days_actual: float | None
    median_days_error: float | None  # (forecast median - actual) / actual; None: too few
    decisions_actual: int = 0  # decisions served in that month


@dataclass(frozen=True)
class Backtest:
    as_of: date
    runs: int
    rows: list[BacktestRow]

    def row(self, horizon_months: int) -> BacktestRow | None:
        return next((r for r in self.rows if r.horizon_months == horizon_months), None)


__all__ = ["FIRST_INSTANCE", "STAGES", "Backtest", "BacktestRow", "Band", "CohortPoint",
           "Forecast", "Inputs", "MonthPoint"]
