"""The managers' forecast, a view of the dashboard: where the backlog and the time to decision
are heading in the next 12 months at the office's own pace (the baseline), and what changes
under the what-if scenarios a manager saves and ticks, each charted with its 80 % band and
with the backtest's error beside it.

The scenario editor keeps its values for the whole session: a mirror in the session state
restores them after another view was shown. Forecasts come from
``workbench.reporting.forecast.forecast`` with a progress bar; the service keeps them per
data day, and this view keeps the ones shown in the session for a few minutes, so that
reruns (a tick, a typed value) do not ask again. Scenario names are user text: shown
through ``md``/``tm`` in Markdown elements, raw in tables, options and charts.

This module lays the view out; its parts are in the ``forecast_compute`` (the forecasts
shown), ``forecast_editor``, ``forecast_charts``, ``forecast_tables`` (key figures, backtest,
history) and ``forecast_words`` modules beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

import workbench.reporting.forecast as fc
from workbench.core.actor import Actor
from workbench.core.i18n import t
from workbench.reporting.forecast.scenarios import Scenario
from workbench.ui.core.format import fmt_date
from workbench.ui.core.text import tm
from workbench.ui.core.widgets import show_flash
from workbench.ui.reporting.forecast_charts import (
    backlog_chart,
    stage_charts,
    time_chart,
    within_chart,
    work_chart,
)
from workbench.ui.reporting.forecast_compute import _backtest, _query, _runs, forecasts
from workbench.ui.reporting.forecast_editor import COMPARE_KEY, RUN_KEY, _apply_pending, editor
from workbench.ui.reporting.forecast_tables import (
    backtest_note,
    backtest_table,
    inputs_panel,
    key_figures,
)
from workbench.ui.reporting.forecast_words import describe


def _labels(names: Sequence[str]) -> list[str]:
    """The names made unique (a scenario may be named like the baseline's label)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def render(actor: Actor) -> None:
    saved = {s.id: s for s in _query(fc.list_scenarios, actor)}
    _apply_pending(saved)
    with st.container():  # always there, so that the editor below keeps its place (and
        show_flash()      # stays open) when a message is shown
    st.caption(t("forecast.intro", runs=_runs()))
    if st.session_state.get(COMPARE_KEY):
        st.session_state[COMPARE_KEY] = [i for i in st.session_state[COMPARE_KEY] if i in saved]
    compared = st.multiselect(t("forecast.compare"), list(saved), key=COMPARE_KEY,
                              format_func=lambda i: saved[i].scenario.name,
                              placeholder=t("forecast.compare_placeholder"))
    progress_slot = st.empty()
    baseline = forecasts(actor, [(t("forecast.baseline"), Scenario())], progress_slot)
    if not baseline:
        return
    base = baseline[0].forecast
    with st.expander(t("forecast.editor"), icon=":material/tune:"):
        editor(actor, list(base.inputs.offices or sorted(base.inputs.inquirers)),
               list(base.inputs.groups), saved)

    wanted: list[tuple[str, Scenario]] = [(t("forecast.baseline"), Scenario())]
    wanted += [(saved[i].scenario.name, saved[i].scenario) for i in compared]
    run: Scenario | None = st.session_state.get(RUN_KEY)
    if run is not None and all(run.key() != s.key() for _, s in wanted):
        wanted.append((t("forecast.unsaved", name=run.name), run))
    labels = _labels([label for label, _ in wanted])
    items = forecasts(actor, [(lab, s) for lab, (_, s) in zip(labels, wanted, strict=True)],
                      progress_slot)
    if not items:
        return
    labels = [item.label for item in items]
    backtest = _backtest(actor)

    st.caption(t("forecast.made", day=fmt_date(base.as_of), runs=base.runs,
                 seconds=f"{sum(i.forecast.seconds for i in items):.1f}"))
    for item in items[1:]:
        st.caption(tm("forecast.scenario_is", name=item.label,
                      changes=describe(item.forecast.scenario)))

    st.subheader(t("forecast.backlog_heading"))
    backlog_chart(items, labels)
    st.caption(backtest_note(backtest, "backlog"))
    st.subheader(t("forecast.work_heading"))
    work_chart(items, labels)
    st.caption(backtest_note(backtest, "backlog"))
    st.subheader(t("forecast.stages_heading"))
    stage_charts(items, labels)
    st.caption(backtest_note(backtest, "backlog"))
    st.subheader(t("forecast.time_heading"))
    time_chart(items, labels)
    st.caption(t("forecast.time_note"))
    st.caption(backtest_note(backtest, "time"))
    st.subheader(t("forecast.within_heading"))
    within_chart(items, labels)
    st.caption(backtest_note(backtest, "time"))

    st.subheader(t("forecast.table_heading"))
    figures = key_figures(items)
    st.dataframe(figures, hide_index=True, width="stretch", key="fc_table",
                 height=35 * (len(figures) + 1) + 3,
                 column_config={t("forecast.figure"): st.column_config.TextColumn(
                     t("forecast.figure"), width="large"),
                     t("forecast.when"): st.column_config.TextColumn(
                     t("forecast.when"), width="medium")})
    st.caption(t("forecast.table_note"))
    with st.expander(t("forecast.backtest_heading")):
        if backtest is None:
            st.caption(t("forecast.no_backtest"))
        else:
            st.caption(t("forecast.backtest_about", day=fmt_date(backtest.as_of),
                         runs=backtest.runs))
            st.dataframe(backtest_table(backtest), hide_index=True, width="stretch",
                         key="fc_backtest")
    with st.expander(t("forecast.inputs_heading")):
        inputs_panel(base)


__all__ = ["render"]
