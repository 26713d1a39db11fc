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
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import altair as alt
import streamlit as st

import workbench.reporting.forecast as fc
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.core.settings import get_settings
from workbench.reporting.forecast.history import OTHER as OTHER_GROUPS
from workbench.reporting.forecast.result import FIRST_INSTANCE, STAGES, Backtest, Band, Forecast
from workbench.reporting.forecast.scenarios import ALL_GROUPS, PRIORITIES, SavedScenario, Scenario
from workbench.ui.core.confirm import irreversible, not_confirmed
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import fmt_date, fmt_month
from workbench.ui.core.session import kept
from workbench.ui.core.text import md, tm
from workbench.ui.core.widgets import flash, show_flash

RESULTS_KEY = "wb_fc_results"
DRAFT_KEY = "wb_fc_draft"
PENDING_KEY = "wb_fc_pending"
RUN_KEY = "wb_fc_run"
COMPARE_KEY = "fc_compare"
FROM_KEY = "fc_from"
NAME_KEY = "fc_name"
PRIORITY_KEY = "fc_priority"
STANDARD_ON_KEY = "fc_standard_on"
STANDARD_KEY = "fc_standard"
INQUIRERS_PREFIX = "fc_inq_"
ARRIVALS_PREFIX = "fc_arr_"
KEEP_SECONDS = 900
HORIZONS = (3, 6, 12)
#: The first-instance backlog's target: under two months' work.
TARGET_MONTHS = 2
DAYS_PER_MONTH = 365.25 / 12
#: One colour per forecast shown, the baseline's first.
PALETTE = ("#3b6ea5", "#d1495b", "#e09f3e", "#00798c", "#66a182", "#8d6a9f", "#2e4057",
           "#c97c5d")
RULE_COLOUR = "#b03a2e"
PROGRESS_STAGES = ("history", "simulation", "figures", "done")
#: The baseline's priority rule: the order the office works in now.
BASE_PRIORITY = Scenario().priority
#: "A new scenario" in the editor's choice of scenario (saved scenarios have ids from 1).
NEW = 0


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


# --- numbers and words ----------------------------------------------------------------------


def _months(days: float | None) -> float | None:
    return None if days is None else days / DAYS_PER_MONTH


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def band_text(band: Band, digits: int = 0, scale: Callable[[float], float] = float) -> str:
    """``1,234 (1,100–1,350)``: the median and the 80 % interval."""
    if band.median is None:
        return "—"
    median = _num(scale(band.median), digits)
    if band.low is None or band.high is None:
        return median
    return t("forecast.band", median=median, low=_num(scale(band.low), digits),
             high=_num(scale(band.high), digits))


def _share_text(band: Band) -> str:
    if band.median is None:
        return "—"
    if band.low is None or band.high is None:
        return f"{band.median:.0%}"
    return t("forecast.band", median=f"{band.median:.0%}", low=f"{band.low:.0%}",
             high=f"{band.high:.0%}")


def signed_percent(error: float | None) -> str:
    """An error as a signed percentage: ``+8 %``, ``−12 %``, ``±0 %``."""
    if error is None:
        return "—"
    whole = round(error * 100)
    sign = "+" if whole > 0 else "−" if whole < 0 else "±"
    return t("forecast.percent", value=f"{sign}{abs(whole)}")


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _span_months(result: Forecast, start: date) -> int:
    """Whole months from ``start`` to the end of the forecast."""
    end = result.months[-1].month_end if result.months else start
    return max(0, (end.year - start.year) * 12 + end.month - start.month)


def priority_label(priority: str) -> str:
    return t(f"forecast.priority.{priority}")


def stage_label(stage: str) -> str:
    return t(f"forecast.stage.{stage}")


def group_label(group: str) -> str:
    if group == ALL_GROUPS:
        return t("forecast.all_groups")
    return t("forecast.other_groups") if group == OTHER_GROUPS else group


def progress_label(stage: str) -> str:
    """The service's stage of work (``history``, ``simulation`` …) in words."""
    return t(f"forecast.progress.{stage}") if stage in PROGRESS_STAGES else stage


def describe(scenario: Scenario) -> str:
    """The scenario's changes in words (plain text: offices and groups are data)."""
    parts = [t("forecast.describe_inquirers", office=office, change=f"{change:+d}")
             for office, change in scenario.inquirers.items()]
    parts += [t("forecast.describe_arrivals", group=group_label(group),
                change=f"{change:+g}") for group, change in scenario.arrivals.items()]
    if scenario.priority != BASE_PRIORITY:
        parts.append(priority_label(scenario.priority))
    if scenario.standard_months is not None:
        parts.append(t("forecast.describe_standard", months=scenario.standard_months))
    return t("forecast.separator").join(parts) or t("forecast.no_changes")


# --- computing --------------------------------------------------------------------------------


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


# --- the scenario editor ----------------------------------------------------------------------


def _draft() -> dict:
    return st.session_state.setdefault(DRAFT_KEY, {
        "from": NEW, "name": "", "inquirers": {}, "arrivals": {}, "priority": BASE_PRIORITY,
        "standard_on": False, "standard": get_settings().standard_period_months})


def _load(scenario: Scenario | None, saved_id: int) -> dict:
    """The draft holding ``scenario`` saved as ``saved_id`` (a new, empty one for None)."""
    standard = get_settings().standard_period_months
    if scenario is None:
        return {"from": saved_id, "name": "", "inquirers": {}, "arrivals": {},
                "priority": BASE_PRIORITY, "standard_on": False, "standard": standard}
    return {"from": saved_id, "name": scenario.name, "inquirers": dict(scenario.inquirers),
            "arrivals": dict(scenario.arrivals), "priority": scenario.priority,
            "standard_on": scenario.standard_months is not None,
            "standard": scenario.standard_months or standard}


def _put_in_widgets(draft: dict) -> None:
    """Set every editor widget from ``draft`` (before the widgets are drawn)."""
    state = st.session_state
    state[DRAFT_KEY] = draft
    state[FROM_KEY] = draft["from"]
    state[NAME_KEY] = draft["name"]
    state[PRIORITY_KEY] = draft["priority"]
    state[STANDARD_ON_KEY] = draft["standard_on"]
    state[STANDARD_KEY] = int(draft["standard"])
    for key in [k for k in state if isinstance(k, str) and k.startswith(INQUIRERS_PREFIX)]:
        state[key] = int(draft["inquirers"].get(key[len(INQUIRERS_PREFIX):], 0))
    for key in [k for k in state if isinstance(k, str) and k.startswith(ARRIVALS_PREFIX)]:
        state[key] = float(draft["arrivals"].get(key[len(ARRIVALS_PREFIX):], 0.0))


def _apply_pending(saved: dict[int, SavedScenario]) -> None:
    """What the last run's buttons asked for, done before any widget is drawn: the editor
    loaded with a scenario, the scenarios compared."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if not pending:
        return
    if "load" in pending:
        _put_in_widgets(_loaded(saved, pending["load"]))
    if "compare" in pending:
        st.session_state[COMPARE_KEY] = [i for i in pending["compare"] if i in saved]


def _loaded(saved: dict[int, SavedScenario], saved_id: int) -> dict:
    chosen = saved.get(saved_id)
    return _load(chosen.scenario, saved_id) if chosen else _load(None, NEW)


def _on_from_changed(saved: dict[int, SavedScenario]) -> None:
    _put_in_widgets(_loaded(saved, st.session_state.get(FROM_KEY, NEW)))


def _restore(key: str, value: object) -> None:
    """A widget's value from the draft when the widget was not drawn on the last run (the
    session forgets the values of widgets that are not on the page)."""
    if key not in st.session_state:
        st.session_state[key] = value


def _editor_scenario(draft: dict, *, default_name: str = "") -> Scenario:
    return Scenario(name=draft["name"].strip() or default_name,
                    inquirers={o: int(n) for o, n in draft["inquirers"].items() if n},
                    arrivals={g: float(p) for g, p in draft["arrivals"].items() if p},
                    priority=draft["priority"],
                    standard_months=int(draft["standard"]) if draft["standard_on"] else None)


def editor(actor: Actor, offices: Sequence[str], groups: Sequence[str],
           saved: dict[int, SavedScenario]) -> None:
    """Name, inquirers per office, arrivals per nationality group, priority rule and standard
    period; Run, Save scenario, and Delete with confirmation."""
    draft = _draft()
    if draft.get("from") not in saved:
        draft["from"] = NEW
    _restore(FROM_KEY, draft["from"])
    if st.session_state.get(FROM_KEY) not in (NEW, *saved):
        st.session_state[FROM_KEY] = NEW
    _restore(NAME_KEY, draft["name"])
    _restore(PRIORITY_KEY, draft["priority"])
    _restore(STANDARD_ON_KEY, draft["standard_on"])
    _restore(STANDARD_KEY, int(draft["standard"]))
    for office in offices:
        _restore(INQUIRERS_PREFIX + office, int(draft["inquirers"].get(office, 0)))
    for group in (ALL_GROUPS, *groups):
        _restore(ARRIVALS_PREFIX + group, float(draft["arrivals"].get(group, 0.0)))

    st.selectbox(t("forecast.start_from"), [NEW, *saved], key=FROM_KEY,
                 format_func=lambda i: t("forecast.new_scenario") if i == NEW
                 else saved[i].scenario.name,
                 on_change=_on_from_changed, args=(saved,),
                 help=t("forecast.start_from_help"))
    name = st.text_input(t("forecast.name"), key=NAME_KEY, max_chars=80,
                         placeholder=t("forecast.name_placeholder"))

    st.markdown(f"**{t('forecast.inquirers_heading')}**")
    st.caption(t("forecast.inquirers_help"))
    inquirers: dict[str, int] = {}
    columns = st.columns(4)
    for n, office in enumerate(offices):
        inquirers[office] = int(columns[n % 4].number_input(
            md(office), min_value=-500, max_value=500, step=1,
            key=INQUIRERS_PREFIX + office))

    st.markdown(f"**{t('forecast.arrivals_heading')}**")
    st.caption(t("forecast.arrivals_help"))
    arrivals: dict[str, float] = {}
    columns = st.columns(4)
    for n, group in enumerate((ALL_GROUPS, *groups)):
        arrivals[group] = float(columns[n % 4].number_input(
            md(group_label(group)), min_value=-100.0, max_value=500.0, step=5.0,
            format="%.0f", key=ARRIVALS_PREFIX + group))

    priority = st.radio(t("forecast.priority_label"), list(PRIORITIES), key=PRIORITY_KEY,
                        format_func=priority_label,
                        captions=[t(f"forecast.priority_help.{p}") for p in PRIORITIES])
    a, b = st.columns([2, 3])
    standard_on = a.checkbox(t("forecast.change_standard"), key=STANDARD_ON_KEY,
                             help=t("forecast.change_standard_help",
                                    months=get_settings().standard_period_months))
    standard = b.number_input(t("forecast.standard_months"), min_value=1, max_value=120,
                              step=1, key=STANDARD_KEY, disabled=not standard_on)

    draft.update({"name": name, "priority": priority, "standard_on": standard_on,
                  "standard": int(standard), "from": st.session_state.get(FROM_KEY)})
    # Offices and groups the history no longer has keep their values in the draft.
    draft["inquirers"] = {**draft["inquirers"], **inquirers}
    draft["arrivals"] = {**draft["arrivals"], **arrivals}
    st.session_state[DRAFT_KEY] = draft

    run_col, save_col, _ = st.columns([1, 1, 3])
    ran = run_col.button(t("forecast.run"), type="primary", key="fc_run")
    saving = save_col.button(t("forecast.save"), key="fc_save")
    if ran:
        with shown_errors(stop=False):
            scenario = _editor_scenario(draft, default_name=t("forecast.unnamed")).check()
            st.session_state[RUN_KEY] = scenario
            if scenario.is_baseline:
                st.info(t("forecast.same_as_baseline"))
            else:  # computed here, its progress under the button; the charts find it kept
                forecasts(actor, [(t("forecast.unsaved", name=scenario.name), scenario)],
                          st.empty())
    if saving:
        _save(actor, draft, saved)

    chosen = saved.get(draft["from"])
    if chosen is not None:
        _delete_form(actor, chosen)


def _save(actor: Actor, draft: dict, saved: dict[int, SavedScenario]) -> None:
    """Save the editor's scenario: a new one, or the changes of the one opened. A new
    scenario may not take the name of another one (that would overwrite it)."""
    name = " ".join(draft["name"].split())
    taken = next((i for i, s in saved.items() if s.scenario.name == name), None)
    if taken is not None and taken != draft["from"]:
        st.error(tm("forecast.name_taken", name=name))
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            result = fc.save_scenario(session, actor=actor, scenario=_editor_scenario(draft))
        compared = list(st.session_state.get(COMPARE_KEY) or [])
        if result.id not in compared:
            compared.append(result.id)
        st.session_state[PENDING_KEY] = {"compare": compared, "load": result.id}
        run = st.session_state.get(RUN_KEY)
        if run is not None and run.key() == result.scenario.key():
            st.session_state.pop(RUN_KEY, None)
        flash(tm("forecast.saved" if result.version == 1 else "forecast.updated",
                 name=result.scenario.name))
        st.rerun()


def _delete_form(actor: Actor, chosen: SavedScenario) -> None:
    with st.form("fc_delete", border=True):
        st.markdown(tm("forecast.delete_heading", name=chosen.scenario.name))
        ticked = irreversible(tm("forecast.delete_consequence", name=chosen.scenario.name),
                              key="fc_delete_confirm")
        asked = st.form_submit_button(t("forecast.delete"))
    if not asked:
        return
    if not ticked:
        not_confirmed()
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            fc.delete_scenario(session, actor=actor, scenario_id=chosen.id)
        compared = [i for i in st.session_state.get(COMPARE_KEY) or [] if i != chosen.id]
        st.session_state[PENDING_KEY] = {"compare": compared, "load": NEW}
        flash(tm("forecast.deleted", name=chosen.scenario.name))
        st.rerun()


# --- charts -----------------------------------------------------------------------------------


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


# --- the view -----------------------------------------------------------------------------------


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
