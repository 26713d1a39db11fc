"""The forecasts the view shows: each (label, scenario) computed through the forecast service
with a progress bar, and the latest backtest, both kept in the session for a few minutes so
that reruns do not ask again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

import workbench.reporting.forecast as fc
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.core.settings import get_settings
from workbench.reporting.forecast.result import Backtest, Forecast
from workbench.reporting.forecast.scenarios import Scenario
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.session import kept
from workbench.ui.core.text import tm
from workbench.ui.reporting.forecast_words import progress_label

RESULTS_KEY = "wb_fc_results"
KEEP_SECONDS = 900


@dataclass(frozen=True)
class Shown:
    """A forecast on the page: its label (legend, table column) and its figures."""

    label: str
    forecast: Forecast


def _runs() -> int:
    return get_settings().forecast_runs


def _query(fn: Callable, actor: Actor, **kw: object) -> Any:
    with unit_of_work(get_engine(), write=False) as session:
        return fn(session, actor=actor, **kw)


def _slot_key(*key: object) -> tuple:
    return (clock.today(), *key)


def _is_kept(key: tuple) -> bool:
    hit = st.session_state.get(RESULTS_KEY, {}).get(_slot_key(*key))
    return hit is not None and time.monotonic() - hit[0] < KEEP_SECONDS


def _kept(key: tuple, compute: Callable[[], Any]) -> Any:
    return kept(RESULTS_KEY, _slot_key(*key), KEEP_SECONDS, compute)

def forecasts(actor: Actor, wanted: Sequence[tuple[str, Scenario]], slot: Any) -> list[Shown]:
    """The forecast of each (label, scenario) in ``wanted``, the missing ones computed with a
    progress bar in ``slot``. One the service refuses is left out, its error shown."""
    runs = _runs()
    todo: list[tuple] = []
    for _, scenario in wanted:
        if scenario.key() not in todo and not _is_kept(("forecast", scenario.key(), runs)):
            todo.append(scenario.key())
    bar = slot.progress(0.0, text=t("forecast.starting")) if todo else None
    shown: list[Shown] = []
    try:
        for label, scenario in wanted:
            step = todo.index(scenario.key()) if scenario.key() in todo else 0

            def progress(fraction: float, stage: str, step: int = step,
                         label: str = label) -> None:
                if bar is not None:
                    share = (step + min(max(float(fraction), 0.0), 1.0)) / len(todo)
                    bar.progress(min(share, 1.0),
                                 text=tm("forecast.running", name=label,
                                         stage=progress_label(stage)))

            def compute(scenario: Scenario = scenario,
                        progress: Callable[[float, str], None] = progress) -> Forecast:
                return _query(fc.forecast, actor, scenario=scenario, runs=runs,
                              progress=progress)

            result = None
            with shown_errors(stop=False):
                result = _kept(("forecast", scenario.key(), runs), compute)
            if result is not None:
                shown.append(Shown(label, result))
    finally:
        if bar is not None:
            slot.empty()
    return shown


def _backtest(actor: Actor) -> Backtest | None:
    return _kept(("backtest",), lambda: _query(fc.latest_backtest, actor))
