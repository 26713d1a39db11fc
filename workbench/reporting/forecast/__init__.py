"""Forecasts for managers: when the backlog clears and what changes if — simulated from the
office's own history (``history``), run many times (``simulation``), tested against what
happened (``backtest``), under saved what-if scenarios (``scenarios``).

Uses the core (settings, database, audit, permissions, clock) and the models; no UI code.

Imports the core and the models; no UI code.
"""

from workbench.reporting.forecast.result import (
    FIRST_INSTANCE,
    STAGES,
    Backtest,
    BacktestRow,
    Band,
    CohortPoint,
    Forecast,
    Inputs,
    MonthPoint,
)
from workbench.reporting.forecast.scenarios import (
    ALL_GROUPS,
    BASELINE,
    PRIORITIES,
    SavedScenario,
    Scenario,
    delete_scenario,
    list_scenarios,
    save_scenario,
)
from workbench.reporting.forecast.service import (
    BACKTEST_MONTHS,
    MAX_RUNS,
    backtest,
    clear_cache,
    forecast,
    latest_backtest,
)

__all__ = ["ALL_GROUPS", "BACKTEST_MONTHS", "BASELINE", "FIRST_INSTANCE", "MAX_RUNS",
           "PRIORITIES", "STAGES", "Backtest", "BacktestRow", "Band", "CohortPoint",
           "Forecast", "Inputs", "MonthPoint", "SavedScenario", "Scenario", "backtest",
           "clear_cache", "delete_scenario", "forecast", "latest_backtest", "list_scenarios",
           "save_scenario"]
