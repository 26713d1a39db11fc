"""The managers' dashboard: one filter bar shared by every figure, four views (backlog,
processing time, flows and outcomes, workload), Altair charts labelled on the marks, a
click-through from any bar (or the "cases behind" picker) to the list of cases, and CSV and
Excel exports prepared on request (each export is audited, so nothing is exported on a mere
rerun).

Only the chosen view is computed on each rerun; its figures are kept in the session for a few
minutes per filter, so switching views back and forth does not query again. Aggregates show no
applicant's name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import altair as alt
import streamlit as st

from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t, tn
from workbench.reporting.dashboard import (
    AGE_BUCKETS,
    GROUPINGS,
    REVIEW_AGE_BUCKETS,
    DashboardFilter,
    filter_options,
)
from workbench.reporting.drill_down import drill_down, export_table
from workbench.reporting.figures import (
    Backlog,
    Flows,
    ProcessingRow,
    backlog,
    flows,
    processing_times,
)
from workbench.reporting.workload import workload
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import (
    category_label,
    date_columns,
    enum_label,
    fmt_date,
    fmt_month,
    outcome_label,
    state_label,
)
from workbench.ui.core.session import kept
from workbench.ui.core.tables import case_link, link_column
from workbench.ui.core.text import md, tm
from workbench.ui.core.widgets import date_field, date_refused
from workbench.ui.reporting import forecast

FILTER_KEY = "wb_dash_filter"
DRILL_KEY = "wb_dash_drill"
CACHE_KEY = "wb_dash_cache"
EXPORT_KEY = "wb_dash_export"
CACHE_SECONDS = 300
VIEWS = ("backlog", "processing", "flows", "workload", "forecast")


def _cached(name: str, f: DashboardFilter, compute: Callable[[], object]) -> object:
    return kept(CACHE_KEY, (name, f), CACHE_SECONDS, compute)


def _query(fn: Callable, actor: Actor, **kw: object) -> object:
    with unit_of_work(get_engine(), write=False) as session:
        return fn(session, actor=actor, **kw)


# --- filters --------------------------------------------------------------------------------------


def filter_bar(actor: Actor) -> DashboardFilter:
    current: DashboardFilter = st.session_state.get(FILTER_KEY, DashboardFilter())
    options = _cached("options", DashboardFilter(),
                      lambda: _query(filter_options, actor))
    with st.form("dash_filters", border=True):
        c1, c2, c3 = st.columns([2, 2, 3])
        start = date_field(t("dashboard.from"), current.date_from, key="dash_from",
                           required=False, container=c1)
        end = date_field(t("dashboard.to"), current.date_to, key="dash_to", required=False,
                         container=c2)
        stages = c3.multiselect(t("dashboard.stages"), options["stages"],
                                default=list(current.stages),
                                format_func=lambda s: state_label(s),
                                placeholder=t("widgets.choose_options"))
        c4, c5, c6 = st.columns([2, 2, 3])
        offices = c4.multiselect(t("dashboard.offices"), options["offices"],
                                 default=list(current.offices),
                                 placeholder=t("widgets.choose_options"))
        categories = c5.multiselect(t("dashboard.categories"), options["categories"],
                                    default=list(current.categories),
                                    format_func=category_label,
                                    placeholder=t("widgets.choose_options"))
        nationalities = c6.multiselect(t("dashboard.nationalities"), options["nationalities"],
                                       default=list(current.nationalities),
                                       placeholder=t("widgets.choose_options"))
        a, b = st.columns([1, 6])
        applied = a.form_submit_button(t("dashboard.apply"), type="primary")
        cleared = b.form_submit_button(t("dashboard.clear"))
    if cleared:
        st.session_state[FILTER_KEY] = DashboardFilter()
        for key in (DRILL_KEY, "dash_from", "dash_to"):
            st.session_state.pop(key, None)
        st.rerun()
    if applied and not (date_refused("dash_from") or date_refused("dash_to")):
        chosen = DashboardFilter(start or None, end or None, tuple(offices),
                                 tuple(nationalities), tuple(categories), tuple(stages))
        with shown_errors(stop=False):
            chosen.check()
            st.session_state[FILTER_KEY] = chosen
            st.session_state.pop(DRILL_KEY, None)
            st.rerun()
    return current


def _describe(f: DashboardFilter) -> str:
    parts = []
    if f.date_from or f.date_to:
        parts.append(t("dashboard.period_text",
                       start=fmt_date(f.date_from) if f.date_from else "…",
                       end=fmt_date(f.date_to) if f.date_to else "…"))
    for key, values in (("offices", f.offices), ("nationalities", f.nationalities),
                        ("categories", [category_label(c) for c in f.categories]),
                        ("stages", [state_label(s) for s in f.stages])):
        if values:
            parts.append(f"{t('dashboard.' + key)}: {', '.join(values)}")
    return " · ".join(parts) or t("dashboard.no_filter")


# --- charts and tables ----------------------------------------------------------------------------


#: The catalogue's name of each age bucket of the backlog (``dashboard.AGE_BUCKETS`` and
#: ``REVIEW_AGE_BUCKETS``, which are also the drill-down's codes).
AGE_KEYS = {"under 2 months": "under_2m", "2–6 months": "m2_6", "6–12 months": "m6_12",
            "1–2 years": "y1_2", "2 years or more": "y2_plus", "under 3 months": "under_3m",
            "3–6 months": "m3_6", "1 year or more": "y1_plus"}


def age_label(bucket: str) -> str:
    """An age bucket in the reader's language."""
    return t(f"dashboard.age_bucket.{AGE_KEYS[bucket]}") if bucket in AGE_KEYS else bucket


def bar(data: list[dict], x: str, y: str, title: str, key: str, *, color: str | None = None,
        horizontal: bool = False, sort: Sequence[str] | None = None,
        x_title: str = "") -> str | None:
    """A bar chart with its numbers on the bars; returns the category clicked, if any. The
    field names stay out of sight: the tooltip shows ``x_title`` and ``title``."""
    if not data:
        st.caption(t("dashboard.nothing"))
        return None
    pick = alt.selection_point(fields=[x], name="pick")
    order = list(sort) if sort else "-y" if not horizontal else "-x"
    cat = alt.X(f"{x}:N", sort=order, title=None) if not horizontal else alt.Y(
        f"{x}:N", sort=order, title=None)
    top = max((float(d.get(y) or 0) for d in data), default=0.0)
    totals: dict[str, float] = {}
    for d in data:  # stacked bars: the tallest stack, not the tallest piece
        totals[str(d.get(x))] = totals.get(str(d.get(x)), 0.0) + float(d.get(y) or 0)
    room = alt.Scale(domain=[0, max(max(totals.values(), default=top), 1) * 1.15])
    val = (alt.Y(f"{y}:Q", title=title, scale=room) if not horizontal
           else alt.X(f"{y}:Q", title=title, scale=room))
    base = alt.Chart(alt.Data(values=data))
    enc = {"x": cat, "y": val} if not horizontal else {"y": cat, "x": val}
    marks = base.mark_bar().encode(
        **enc, color=alt.Color(f"{color}:N", title=None) if color else alt.value("#3b6ea5"),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55)),
        tooltip=[alt.Tooltip(f"{x}:N", title=x_title),
                 alt.Tooltip(f"{y}:Q", title=title, format=",")]).add_params(pick)
    text = base.mark_text(dy=-6 if not horizontal else 0, dx=0 if not horizontal else 14,
                          fontSize=11).encode(**enc, text=alt.Text(f"{y}:Q", format=","))
    chart = (marks if color else marks + text).properties(height=260)
    event = st.altair_chart(chart, on_select="rerun", key=key, width="stretch")
    points = (event or {}).get("selection", {}).get("pick") if isinstance(event, dict) else (
        getattr(getattr(event, "selection", None), "pick", None))
    if points:
        return str(points[0].get(x))
    return None


def export_buttons(actor: Actor, name: str, columns: Sequence[str],
                   rows: Sequence[Sequence[object]], f: DashboardFilter) -> None:
    """Prepare (audited) then download a table as CSV or Excel."""
    ready = st.session_state.get(EXPORT_KEY, {})
    a, b, c = st.columns([1, 1, 4])
    for fmt, col in (("csv", a), ("xlsx", b)):
        slot = f"{name}_{fmt}"
        if slot in ready and ready[slot][0] == f:
            col.download_button(t(f"dashboard.download_{fmt}"), ready[slot][1],
                                file_name=f"{name}.{fmt}", key=f"dl_{slot}",
                                mime="text/csv" if fmt == "csv" else
                                "application/vnd.openxmlformats-officedocument."
                                "spreadsheetml.sheet")
        elif col.button(t(f"dashboard.prepare_{fmt}"), key=f"prep_{slot}"):
            with shown_errors(stop=False):
                with unit_of_work(get_engine()) as session:
                    data = export_table(session, actor=actor, name=name, columns=columns,
                                             rows=rows, fmt=fmt, f=f)
                ready[slot] = (f, data)
                st.session_state[EXPORT_KEY] = ready
                st.rerun()


def table(actor: Actor, name: str, columns: Sequence[str], rows: Sequence[Sequence[object]],
          f: DashboardFilter) -> None:
    st.dataframe([dict(zip(columns, r, strict=True)) for r in rows], hide_index=True,
                 width="stretch")
    export_buttons(actor, name, columns, rows, f)


def drill_picker(figures: Sequence[tuple[str, str, str, int]], key: str) -> None:
    """'Show the cases behind …': (figure, value, label, count) choices."""
    choices = [fig for fig in figures if fig[3]]
    if not choices:
        return
    by_label = {f"{label} ({count:,})": (figure, value, label)
                for figure, value, label, count in choices}
    a, b = st.columns([4, 1])
    chosen = a.selectbox(t("dashboard.cases_behind"), list(by_label), index=None,
                         placeholder=t("dashboard.pick_figure"), key=key)
    if b.button(t("dashboard.show_cases"), key=f"{key}_go", disabled=chosen is None):
        st.session_state[DRILL_KEY] = by_label[chosen]


def show_drill(actor: Actor, f: DashboardFilter) -> None:
    chosen = st.session_state.get(DRILL_KEY)
    if not chosen:
        return
    figure, value, label = chosen
    with st.container(border=True):
        top, close = st.columns([6, 1])
        top.subheader(tm("dashboard.cases_for", what=label))
        if close.button(t("dashboard.close"), key="drill_close"):
            st.session_state.pop(DRILL_KEY, None)
            st.rerun()
        drill = None
        with shown_errors(stop=False):
            drill = _query(drill_down, actor, figure=figure, value=value, f=f, limit=500)
        if drill is None:
            return
        st.caption(tn("dashboard.drill_total", drill.total, total=f"{drill.total:,}",
                       shown=len(drill.rows)))
        columns = [t("columns.case_number")] + ([t("columns.name")]
                                                if drill.names_shown else []) + [
            t("columns.nationality"), t("dashboard.office"), t("columns.lodged"),
            t("columns.state"), t("columns.category"), t("dashboard.outcome"),
            t("dashboard.decided")]
        rows = []
        for r in drill.rows:
            rows.append([r.case_number] + ([r.applicant] if drill.names_shown else []) + [
                r.nationality, r.office, r.lodged, state_label(r.state), r.category,
                outcome_label(r.outcome), r.decided_on or ""])
        st.caption(t("dashboard.click_row"))
        # In Japanese the two date columns are real dates shown 2025年12月7日 (so they sort
        # as dates); an undecided case has no date rather than an empty text there.
        config = date_columns(t("columns.lodged"), t("dashboard.decided"))
        shown = [dict(zip(columns, [case_link(r.application_id, row[0])] + row[1:-1]
                          + [row[-1] or (None if config else "")], strict=True))
                 for r, row in zip(drill.rows, rows, strict=True)]
        config[columns[0]] = link_column(columns[0])
        event = st.dataframe(shown, hide_index=True, width="stretch", column_config=config,
                             on_select="rerun", selection_mode="single-row",
                             key="drill_table")
        picked = getattr(getattr(event, "selection", None), "rows", None) or []
        if picked:
            nav.open_case_page(drill.rows[picked[0]].application_id)
        export_buttons(actor, f"cases-{figure}", columns, rows, f)


# --- views ---------------------------------------------------------------------------------------


def backlog_view(actor: Actor, f: DashboardFilter) -> None:
    b: Backlog = _cached("backlog", f, lambda: _query(backlog, actor, f=f))
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("dashboard.pending_primary"), f"{b.pending_primary:,}")
    m2.metric(t("dashboard.pending_review"), f"{b.pending_review:,}")
    m3.metric(t("dashboard.past_sorting"), f"{b.past_sorting_limit:,}",
              help=t("dashboard.past_sorting_help"))
    m4.metric(t("dashboard.past_standard"), f"{b.past_standard_period:,}",
              help=t("dashboard.past_standard_help"))
    st.caption(t("dashboard.as_of", day=fmt_date(b.as_of)))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('dashboard.by_stage')}**")
        stage_data = [{"stage": state_label(s), "code": s, "cases": n}
                      for s, n in b.by_stage.items() if n]
        clicked = bar(stage_data, "stage", "cases", t("dashboard.cases"), "ch_stage",
                      sort=[d["stage"] for d in stage_data])
        if clicked:
            code = next(d["code"] for d in stage_data if d["stage"] == clicked)
            st.session_state[DRILL_KEY] = ("stage", code, clicked)
    with right:
        st.markdown(f"**{t('dashboard.ageing')}**")
        age_data = [{"age": age_label(k), "code": k, "cases": v} for k, v in b.ageing.items()]
        clicked = bar(age_data, "age", "cases", t("dashboard.cases"), "ch_age",
                      sort=[age_label(k) for k in AGE_BUCKETS])
        if clicked:
            code = next(d["code"] for d in age_data if d["age"] == clicked)
            st.session_state[DRILL_KEY] = ("age", code, clicked)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('dashboard.by_year')}**")
        year_data = [{"year": str(y), "stage": state_label(s), "cases": n}
                     for y, stages in b.by_year_stage.items() for s, n in stages.items()]
        clicked = bar(year_data, "year", "cases", t("dashboard.cases"), "ch_year",
                      color="stage", sort=sorted({d["year"] for d in year_data}))
        if clicked:
            st.session_state[DRILL_KEY] = ("lodged_year", clicked, t("dashboard.filed_in",
                                                                      year=clicked))
    with right:
        st.markdown(f"**{t('dashboard.review_age')}**")
        review_data = [{"age": age_label(k), "code": k, "reviews": v}
                       for k, v in b.review_by_age.items()]
        clicked = bar(review_data, "age", "reviews", t("dashboard.reviews"), "ch_review",
                      sort=[age_label(k) for k in REVIEW_AGE_BUCKETS])
        if clicked:
            code = next(d["code"] for d in review_data if d["age"] == clicked)
            st.session_state[DRILL_KEY] = ("review_age", code, clicked)
    figures = ([("stage", s, state_label(s), n) for s, n in b.by_stage.items()]
               + [("age", k, age_label(k), v) for k, v in b.ageing.items()]
               + [("past_sorting_limit", "", t("dashboard.past_sorting"), b.past_sorting_limit),
                  ("past_standard_period", "", t("dashboard.past_standard"),
                   b.past_standard_period)]
               + [("review_age", k, t("dashboard.review_of_age", age=age_label(k)), v)
                  for k, v in b.review_by_age.items()])
    drill_picker(figures, "pick_backlog")
    with st.expander(t("dashboard.backlog_table")):
        columns = [t("dashboard.year")] + [state_label(s) for s in b.by_stage]
        rows = [[y] + [stages.get(s, 0) for s in b.by_stage]
                for y, stages in b.by_year_stage.items()]
        table(actor, "backlog-by-year", columns, rows, f)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def processing_view(actor: Actor, f: DashboardFilter) -> None:
    by = st.segmented_control(t("dashboard.group_by"), list(GROUPINGS),
                              format_func=lambda g: t(f"dashboard.by_{g}"), default="month",
                              key="dash_by") or "month"
    rows: list[ProcessingRow] = _cached(f"processing:{by}", f, lambda: _query(
        processing_times, actor, by=by, f=f))
    decided = sum(r.to_decision.count for r in rows)
    kept = sum(r.decided_within_standard for r in rows)
    m1, m2 = st.columns(2)
    m1.metric(t("dashboard.decided_count"), f"{decided:,}")
    m2.metric(t("dashboard.within_standard"),
              f"{kept / decided:.0%}" if decided else "—", help=t("dashboard.within_help"))
    if by == "month" and rows:
        data = [{"month": r.group, "measure": t(f"dashboard.{k}"), "median": s.median}
                for r in rows for k, s in (("to_sorting", r.to_sorting),
                                           ("to_decision", r.to_decision),
                                           ("review_to_ruling", r.review_to_ruling))
                if s.median is not None]
        lines = alt.Chart(alt.Data(values=data)).mark_line(point=True).encode(
            x=alt.X("month:O", title=None), y=alt.Y("median:Q", title=t("dashboard.median_days")),
            color=alt.Color("measure:N", legend=alt.Legend(orient="top", title=None)),
            tooltip=[alt.Tooltip("month:O", title=t("dashboard.by_month")),
                     alt.Tooltip("measure:N", title=""),
                     alt.Tooltip("median:Q", title=t("dashboard.median_days"))])
        standard = alt.Chart(alt.Data(values=[{"days": 183}])).mark_rule(
            strokeDash=[4, 4], color="#b03a2e").encode(y="days:Q")
        label = alt.Chart(alt.Data(values=[{"days": 183, "t": t("dashboard.standard_line")}])
                          ).mark_text(align="left", dx=4, dy=-6, color="#b03a2e").encode(
            y="days:Q", text="t:N", x=alt.value(0))
        st.altair_chart((lines + standard + label).properties(height=300), width="stretch")
    columns = [t(f"dashboard.by_{by}")] + [
        t("dashboard.col", measure=t(f"dashboard.{k}"), stat=s)
        for k in ("to_sorting", "to_decision", "review_to_ruling")
        for s in ("n", "median", "mean", "p90")] + [t("dashboard.within_standard")]
    table_rows = []
    for r in rows:
        line: list[object] = [r.group]
        for s in (r.to_sorting, r.to_decision, r.review_to_ruling):
            line += [s.count, _fmt(s.median), _fmt(s.mean), _fmt(s.p90)]
        line.append("—" if r.share_within_standard is None else
                    f"{r.share_within_standard:.0%}")
        table_rows.append(line)
    st.caption(t("dashboard.days_note"))
    table(actor, f"processing-by-{by}", columns, table_rows, f)
    if by == "month":
        drill_picker([("decided_month", r.group,
                       t("dashboard.decided_in", month=fmt_month(r.group)),
                       r.to_decision.count) for r in rows], "pick_processing")


def flows_view(actor: Actor, f: DashboardFilter) -> None:
    fl: Flows = _cached("flows", f, lambda: _query(flows, actor, f=f))
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("dashboard.received"), f"{fl.received:,}")
    m2.metric(t("dashboard.repeat_share"),
              "—" if fl.repeat_share is None else f"{fl.repeat_share:.1%}")
    m3.metric(t("dashboard.third_with"), f"{fl.third_or_later_with_materials:,}")
    m4.metric(t("dashboard.third_without"), f"{fl.third_or_later_without_materials:,}")
    st.markdown(f"**{t('dashboard.monthly_flow')}**")
    months = sorted(set(fl.received_by_month) | set(fl.decided_by_month))
    data = ([{"month": m, "flow": t("dashboard.received"), "cases": fl.received_by_month.get(m, 0)}
             for m in months]
            + [{"month": m, "flow": t("dashboard.decided"), "cases": fl.decided_by_month.get(m, 0)}
               for m in months])
    if data:
        chart = alt.Chart(alt.Data(values=data)).mark_line(point=True).encode(
            x=alt.X("month:O", title=None), y=alt.Y("cases:Q", title=t("dashboard.cases")),
            color=alt.Color("flow:N", legend=alt.Legend(orient="top", title=None)),
            tooltip=["month:O", "flow:N", alt.Tooltip("cases:Q", format=",")])
        st.altair_chart(chart.properties(height=260), width="stretch")
    st.markdown(f"**{t('dashboard.outcome_mix')}**")
    mix = [{"nationality": n, "outcome": outcome_label(o), "code": o, "cases": c}
           for n, outcomes in fl.outcomes_by_nationality.items() for o, c in outcomes.items()
           if c]
    if mix:
        chart = alt.Chart(alt.Data(values=mix)).mark_bar().encode(
            y=alt.Y("nationality:N", sort=list(fl.outcomes_by_nationality), title=None),
            x=alt.X("cases:Q", stack="normalize", title=t("dashboard.share"),
                    axis=alt.Axis(format="%")),
            color=alt.Color("outcome:N", legend=alt.Legend(orient="top", title=None)),
            tooltip=["nationality:N", "outcome:N", alt.Tooltip("cases:Q", format=",")])
        st.altair_chart(chart.properties(height=28 * len(fl.outcomes_by_nationality) + 40),
                        width="stretch")
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('dashboard.appeal_outcomes')}**")
        clicked = bar([{"ruling": enum_label("ruling", r), "code": r, "reviews": n}
                       for r, n in fl.appeal_outcomes.items()], "ruling", "reviews",
                      t("dashboard.reviews"), "ch_ruling")
        if clicked:
            code = next(r for r in fl.appeal_outcomes if enum_label("ruling", r) == clicked)
            st.session_state[DRILL_KEY] = ("ruling", code, clicked)
    with right:
        st.markdown(f"**{t('dashboard.yearly')}**")
        keys = ("applications", "decided", "refugee_first_instance", "refugee_on_review", "cp",
                "humanitarian", "not_recognised", "reviews_filed", "reviews_ruled")
        columns = [t("dashboard.year")] + [t(f"dashboard.y_{k}") for k in keys]
        table(actor, "yearly", columns, [[row["year"]] + [row[k] for k in keys]
                                         for row in fl.yearly], f)
    figures = ([("received_month", m, t("dashboard.received_in", month=fmt_month(m)), n)
                for m, n in fl.received_by_month.items()]
               + [(("outcome_nationality", f"{n}:{o}", f"{n} · {outcome_label(o)}", c))
                  for n, outcomes in fl.outcomes_by_nationality.items()
                  for o, c in outcomes.items()]
               + [("repeat", "", t("dashboard.repeat_apps"), fl.repeat_applications),
                  ("third_with_materials", "", t("dashboard.third_with"),
                   fl.third_or_later_with_materials),
                  ("third_without_materials", "", t("dashboard.third_without"),
                   fl.third_or_later_without_materials)])
    drill_picker(figures, "pick_flows")


def workload_view(actor: Actor, f: DashboardFilter) -> None:
    inquirers, panels = _cached("workload", f, lambda: _query(workload, actor, f=f))
    st.markdown(f"**{t('dashboard.inquirers')}**")
    if inquirers:
        bar([{"inquirer": w.inquirer, "open": w.open_cases} for w in inquirers[:25]],
            "inquirer", "open", t("dashboard.open_cases"), "ch_inquirers",
            horizontal=True, x_title=t("columns.inquirer"))
    table(actor, "workload-inquirers",
          [t("columns.inquirer"), t("dashboard.office"), t("dashboard.open_cases"),
           t("dashboard.oldest"), t("dashboard.per_week")],
          [[w.inquirer, w.office or "—", w.open_cases, w.oldest_lodged or "—",
            w.decided_per_week] for w in inquirers], f)
    st.markdown(f"**{t('dashboard.panels')}**")
    table(actor, "workload-panels",
          [t("dashboard.panel"), t("dashboard.open_appeals"), t("dashboard.oldest_appeal"),
           t("dashboard.ruled_per_week")],
          [[p.panel, p.open_appeals, p.oldest_filed or "—", p.ruled_per_week]
           for p in panels], f)


def render(actor: Actor) -> None:
    st.title(t("dashboard.title"))
    if st.session_state.get("dash_view") == "forecast":
        _views()  # the forecast covers the whole office: no filter bar
        with shown_errors():
            forecast.render(actor)
        return
    with shown_errors():
        f = filter_bar(actor)
    st.caption(md(_describe(f)))
    view = _views()
    with shown_errors():
        {"backlog": backlog_view, "processing": processing_view, "flows": flows_view,
         "workload": workload_view}[view](actor, f)
    show_drill(actor, f)


def _views() -> str:
    return st.segmented_control(t("dashboard.view"), list(VIEWS),
                                format_func=lambda v: t(f"dashboard.view_{v}"),
                                default="backlog", key="dash_view",
                                label_visibility="collapsed") or "backlog"


__all__ = ["render"]
