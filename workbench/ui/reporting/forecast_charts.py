"""The forecast's charts: the first-instance backlog, the backlog by stage, the months of work
against the target, the time to decision per lodging month and the share within the
standard, each a median line per forecast over its 80 % band.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import altair as alt
import streamlit as st

from workbench.core.i18n import t
from workbench.reporting.forecast.result import FIRST_INSTANCE, STAGES, Band, Forecast
from workbench.ui.core.format import fmt_date, fmt_month
from workbench.ui.reporting.forecast_compute import Shown
from workbench.ui.reporting.forecast_words import (
    _month_key,
    _months,
    _num,
    _share_text,
    _span_months,
    band_text,
    stage_label,
)

#: The first-instance backlog's target: under two months' work.
TARGET_MONTHS = 2
#: One colour per forecast shown, the baseline's first.
PALETTE = ("#3b6ea5", "#d1495b", "#e09f3e", "#00798c", "#66a182", "#8d6a9f", "#2e4057",
           "#c97c5d")
RULE_COLOUR = "#b03a2e"


def _colour(labels: Sequence[str]) -> alt.Color:
    # The legend is shared by the layers (bands and lines): its symbols drawn opaque, so
    # that they show the lines' colours rather than the pale bands'.
    return alt.Color("scenario:N", title=None,
                     scale=alt.Scale(domain=list(labels),
                                     range=[PALETTE[i % len(PALETTE)]
                                            for i in range(len(labels))]),
                     legend=alt.Legend(orient="top", title=None, labelLimit=320,
                                       symbolOpacity=1, symbolType="circle"))


def _x(field: str, title: str) -> alt.X:
    return alt.X(f"{field}:T", title=title, scale=alt.Scale(type="utc"),
                 axis=alt.Axis(format=t("forecast.axis_month"), labelAngle=0,
                               tickCount="month"))


def _band_chart(rows: list[dict], labels: Sequence[str], y_title: str, *, x_title: str,
                percent: bool = False, digits: int = 0) -> alt.LayerChart:
    """Median lines, one colour per scenario, over their 80 % bands."""
    base = alt.Chart(alt.Data(values=rows))
    axis = alt.Axis(format="%") if percent else alt.Axis()
    tooltip = [alt.Tooltip("scenario:N", title=t("forecast.scenario")),
               alt.Tooltip("month:N", title=x_title),
               alt.Tooltip("text:N", title=y_title)]
    area = base.mark_area(opacity=0.16).encode(
        x=_x("day", x_title), y=alt.Y("low:Q", title=y_title, axis=axis),
        y2="high:Q", color=_colour(labels))
    line = base.mark_line(point=True).encode(
        x=_x("day", x_title), y=alt.Y("median:Q", title=y_title, axis=axis),
        color=_colour(labels), tooltip=tooltip)
    return alt.layer(area, line)


def _band_rows(label: str, day: date, band: Band, text: str,
               scale: Callable[[float], float] = float) -> dict | None:
    if band.median is None:
        return None
    low = band.low if band.low is not None else band.median
    high = band.high if band.high is not None else band.median
    return {"scenario": label, "day": day.isoformat(), "month": fmt_month(_month_key(day)),
            "median": scale(band.median), "low": scale(low), "high": scale(high), "text": text}


def _rule(value: float, text: str) -> alt.LayerChart:
    data = alt.Data(values=[{"y": value, "text": text}])
    rule = alt.Chart(data).mark_rule(strokeDash=[4, 4], color=RULE_COLOUR).encode(y="y:Q")
    label = alt.Chart(data).mark_text(align="left", dx=4, dy=-6, color=RULE_COLOUR).encode(
        y="y:Q", text="text:N", x=alt.value(0))
    return alt.layer(rule, label)


def _show(chart: alt.TopLevelMixin, height: int = 280) -> None:
    st.altair_chart(chart.properties(height=height), width="stretch")


def _now_point(item: Shown, value: float) -> dict:
    """Where a line starts: the figure on the day the forecast was made."""
    day = item.forecast.as_of
    return {"scenario": item.label, "day": day.isoformat(), "month": fmt_date(day),
            "median": value, "low": value, "high": value, "text": _num(value)}


def backlog_chart(items: Sequence[Shown], labels: Sequence[str]) -> None:
    rows = []
    for item in items:
        now = sum(item.forecast.inputs.backlog_now.get(s, 0) for s in FIRST_INSTANCE)
        rows.append(_now_point(item, float(now)))
        for m in item.forecast.months:
            row = _band_rows(item.label, m.month_end, m.first_instance,
                             band_text(m.first_instance))
            if row:
                rows.append(row)
    _show(_band_chart(rows, labels, t("forecast.cases"), x_title=t("forecast.month_end")))


def stage_charts(items: Sequence[Shown], labels: Sequence[str]) -> None:
    columns = st.columns(2)
    for n, stage in enumerate(STAGES):
        rows = []
        for item in items:
            now = item.forecast.inputs.backlog_now.get(stage)
            if now is not None:
                rows.append(_now_point(item, float(now)))
            for m in item.forecast.months:
                band = m.backlog.get(stage)
                row = _band_rows(item.label, m.month_end, band, band_text(band)) if band else None
                if row:
                    rows.append(row)
        with columns[n % 2]:
            st.markdown(f"**{stage_label(stage)}**")
            _show(_band_chart(rows, labels, t("forecast.cases"),
                              x_title=t("forecast.month_end")), height=200)


def work_chart(items: Sequence[Shown], labels: Sequence[str]) -> None:
    rows = [row for item in items for m in item.forecast.months
            if (row := _band_rows(item.label, m.month_end, m.months_of_work,
                                  band_text(m.months_of_work, 1)))]
    chart = _band_chart(rows, labels, t("forecast.months_of_work"),
                        x_title=t("forecast.month_end"))
    _show(alt.layer(chart, _rule(TARGET_MONTHS, t("forecast.target_line",
                                                  months=TARGET_MONTHS))))


def _time_text(result: Forecast, start: date, band: Band, censored: bool) -> str:
    if band.median is None or censored:
        return t("forecast.more_than", months=_span_months(result, start))
    return t("forecast.months_value", value=_num(_months(band.median), 1))


def time_chart(items: Sequence[Shown], labels: Sequence[str]) -> None:
    """Median and 90th percentile of the time to decision per lodging month; a cohort not
    decided within the forecast's span shows as an open point at the span ("more than")."""
    rows = []
    measures = (t("forecast.median"), t("forecast.p90"))
    for item in items:
        for c in item.forecast.cohorts:
            for measure, band, censored in ((measures[0], c.median_days, False),
                                            (measures[1], c.p90_days, c.censored)):
                cut = band.median is None or censored
                value = (_span_months(item.forecast, c.month_start) if cut
                         else _months(band.median))
                if cut and not value:
                    continue  # lodged in the last month: nothing known of it
                rows.append({"scenario": item.label, "day": c.month_start.isoformat(),
                             "month": fmt_month(_month_key(c.month_start)),
                             "measure": measure, "months": value, "open": cut,
                             "text": _time_text(item.forecast, c.month_start, band, censored)})
    if not rows:
        st.caption(t("forecast.nothing"))
        return
    x_title = t("forecast.lodged_in")
    y_title = t("forecast.months_to_decision")
    base = alt.Chart(alt.Data(values=rows))
    tooltip = [alt.Tooltip("scenario:N", title=t("forecast.scenario")),
               alt.Tooltip("month:N", title=x_title),
               alt.Tooltip("measure:N", title=t("forecast.measure")),
               alt.Tooltip("text:N", title=y_title)]
    dash = alt.StrokeDash("measure:N", title=None, sort=list(measures),
                          legend=alt.Legend(orient="top", title=None))
    known = base.transform_filter("!datum.open")
    lines = known.mark_line().encode(
        x=_x("day", x_title), y=alt.Y("months:Q", title=y_title), color=_colour(labels),
        strokeDash=dash)
    points = known.mark_point(size=40, filled=True).encode(
        x=_x("day", x_title), y=alt.Y("months:Q", title=y_title), color=_colour(labels),
        tooltip=tooltip)
    # Not decided within the span: an open point at the span, "more than N months".
    beyond = base.transform_filter("datum.open").mark_point(
        size=60, filled=False, shape="triangle-up").encode(
        x=_x("day", x_title), y=alt.Y("months:Q", title=y_title), color=_colour(labels),
        tooltip=tooltip)
    rules = [_rule(float(m), t("forecast.standard_line", months=m))
             for m in sorted({item.forecast.standard_months for item in items})]
    _show(alt.layer(lines, points, beyond, *rules))


def within_chart(items: Sequence[Shown], labels: Sequence[str]) -> None:
    rows = [row for item in items for c in item.forecast.cohorts
            if (row := _band_rows(item.label, c.month_start, c.within_standard,
                                  _share_text(c.within_standard)))]
    if not rows:
        st.caption(t("forecast.nothing"))
        return
    chart = _band_chart(rows, labels, t("forecast.within_share"),
                        x_title=t("forecast.lodged_in"), percent=True)
    _show(chart)
