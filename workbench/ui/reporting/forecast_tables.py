"""The forecast's tables and notes: the key figures 3, 6 and 12 months ahead, the backtest's
note beside each chart and its table, and what the history read for the forecast says.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from workbench.core.i18n import t
from workbench.reporting.forecast.result import STAGES, Backtest, Forecast
from workbench.ui.core.format import fmt_date, fmt_month
from workbench.ui.reporting.forecast_compute import Shown
from workbench.ui.reporting.forecast_words import (
    _month_key,
    _months,
    _num,
    _share_text,
    _span_months,
    band_text,
    group_label,
    signed_percent,
    stage_label,
)

HORIZONS = (3, 6, 12)


# --- the table of key figures -------------------------------------------------------------------


def key_figures(items: Sequence[Shown]) -> list[dict]:
    """Rows of figures, one column per forecast: the first-instance backlog, the months of
    work, the decisions a month and the time to decision of the decisions served, 3, 6 and
    12 months ahead; then the times of an application lodged in the first month."""
    figure_col, when_col = t("forecast.figure"), t("forecast.when")
    rows: list[dict] = []

    def add(figure: str, when: str, cell: Callable[[Forecast], str]) -> None:
        row = {figure_col: figure, when_col: when}
        for item in items:
            row[item.label] = cell(item.forecast)
        rows.append(row)

    def at(result: Forecast, horizon: int):  # noqa: ANN202
        return result.months[horizon - 1] if len(result.months) >= horizon else None

    for horizon in HORIZONS:
        when = t("forecast.months_ahead", months=horizon)
        add(t("forecast.fig_backlog"), when,
            lambda f, h=horizon: band_text(at(f, h).first_instance) if at(f, h) else "—")
        add(t("forecast.fig_work"), when,
            lambda f, h=horizon: band_text(at(f, h).months_of_work, 1) if at(f, h) else "—")
        add(t("forecast.fig_decisions"), when,
            lambda f, h=horizon: band_text(at(f, h).decisions) if at(f, h) else "—")
        add(t("forecast.fig_age_decided"), when,
            lambda f, h=horizon: band_text(at(f, h).median_age_decided, 1, _months)
            if at(f, h) else "—")

    def first_cohort(result: Forecast, what: str) -> str:
        if not result.cohorts:
            return "—"
        c = result.cohorts[0]
        if what == "within":
            return _share_text(c.within_standard)
        band = c.median_days if what == "median" else c.p90_days
        censored = what == "p90" and c.censored
        if band.median is None or censored:
            return t("forecast.more_than", months=_span_months(result, c.month_start))
        return band_text(band, 1, _months)

    if items and items[0].forecast.cohorts:
        when = t("forecast.lodged_in_month",
                 month=fmt_month(_month_key(items[0].forecast.cohorts[0].month_start)))
        add(t("forecast.fig_median"), when, lambda f: first_cohort(f, "median"))
        add(t("forecast.fig_p90"), when, lambda f: first_cohort(f, "p90"))
        add(t("forecast.fig_within"), when, lambda f: first_cohort(f, "within"))
    return rows


# --- the backtest -------------------------------------------------------------------------------


def backtest_note(backtest: Backtest | None, what: str) -> str:
    """One line beside a forecast: how far the forecast made a year ago was off on the
    backlog (``what`` = ``backlog``) or on the median time to decision (``time``)."""
    if backtest is None:
        return t("forecast.no_backtest")
    parts = []
    for row in sorted(backtest.rows, key=lambda r: r.horizon_months):
        error = row.backlog_error if what == "backlog" else row.median_days_error
        if error is not None:
            parts.append(t("forecast.error_at", error=signed_percent(error),
                           months=row.horizon_months))
    if not parts:
        return t("forecast.backtest_empty", day=fmt_date(backtest.as_of))
    return t(f"forecast.backtest_{what}", day=fmt_date(backtest.as_of),
             errors=t("forecast.separator").join(parts))


def backtest_table(backtest: Backtest) -> list[dict]:
    rows = []
    for row in sorted(backtest.rows, key=lambda r: r.horizon_months):
        rows.append({
            t("forecast.horizon"): t("forecast.months_ahead", months=row.horizon_months),
            t("forecast.target_day"): fmt_date(row.target),
            t("forecast.bt_backlog_forecast"): band_text(row.backlog_forecast),
            t("forecast.bt_backlog_actual"): _num(row.backlog_actual),
            t("forecast.bt_backlog_error"): signed_percent(row.backlog_error),
            t("forecast.bt_time_forecast"): band_text(row.median_days_forecast, 1, _months),
            t("forecast.bt_time_actual"): _num(_months(row.median_days_actual), 1),
            t("forecast.bt_time_error"): signed_percent(row.median_days_error)})
    return rows


# --- what the history says --------------------------------------------------------------------


def inputs_panel(result: Forecast) -> None:
    inputs = result.inputs
    st.caption(t("forecast.inputs_read", day=fmt_date(inputs.as_of), weeks=inputs.weeks_read))
    m1, m2, m3 = st.columns(3)
    m1.metric(t("forecast.in_arrivals"), _num(inputs.arrivals_per_week, 1))
    m2.metric(t("forecast.in_sorting"), _num(inputs.sorting_median_days))
    m3.metric(t("forecast.in_approval"), _num(inputs.approval_median_days))
    m1, m2, m3 = st.columns(3)
    m1.metric(t("forecast.in_rulings"), _num(inputs.rulings_per_week, 1))
    m2.metric(t("forecast.in_withdrawals"), f"{inputs.withdrawal_share_per_week:.2%}")
    m3.metric(t("forecast.in_review_share"), f"{inputs.review_filing_share:.0%}")
    left, right = st.columns(2)
    offices = sorted(set(inputs.offices) | set(inputs.inquirers)
                     | set(inputs.completions_per_week))
    office_rows = []
    for office in offices:
        people = inputs.inquirers.get(office, 0)
        done = inputs.completions_per_week.get(office, 0.0)
        office_rows.append({t("forecast.office"): office, t("forecast.in_inquirers"): people,
                            t("forecast.in_completions"): _num(done, 1),
                            t("forecast.in_per_inquirer"): _num(done / people, 2)
                            if people else "—"})
    left.dataframe(office_rows, hide_index=True, width="stretch")
    group_rows = [{t("forecast.group"): group_label(group),
                   t("forecast.in_arrivals"): _num(inputs.arrivals_by_group.get(group, 0.0), 1)}
                  for group in (inputs.groups or sorted(inputs.arrivals_by_group))]
    right.dataframe(group_rows, hide_index=True, width="stretch")
    st.dataframe([{t("forecast.stage_col"): stage_label(s),
                   t("forecast.in_backlog_now"): inputs.backlog_now.get(s, 0)}
                  for s in STAGES], hide_index=True, width="content")
