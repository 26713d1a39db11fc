"""Manager's queue: unassigned and all cases, filters, and bulk assignment to an inquirer
chosen with their current workload in view."""

import streamlit as st

from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t, tn
from workbench.intake.case_list import CaseFilter, SortKey, list_cases
from workbench.intake.cases import assign_cases, inquirer_workloads
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.session import require_actor
from workbench.ui.core.tables import case_columns, case_rows
from workbench.ui.core.widgets import filter_bar, flash, show_flash

actor = require_actor()
st.session_state.pop("wb_opened_case", None)
st.title(t("queue.heading"))
show_flash()

with shown_errors():
    with unit_of_work(get_engine(), write=False) as session:
        loads = inquirer_workloads(session, actor=actor)

with st.expander(t("queue.workloads"), expanded=False):
    st.dataframe([{t("columns.inquirer"): w.display_name, t("queue.office"): w.office or "—",
                   t("queue.workloads"): w.open_cases} for w in loads],
                 hide_index=True, width="stretch")

view = st.segmented_control(t("queue.heading"), ["unassigned", "all"],
                            format_func=lambda v: t(f"queue.{v}"), default="unassigned",
                            key="queue_view", label_visibility="collapsed") or "unassigned"
with st.container(border=True):
    text, states, categories, office = filter_bar("queue", last_label=t("queue.office"))

filters = CaseFilter(text=text or None, states=states or None, categories=categories or None,
                     office=office or None, unassigned=view == "unassigned")
page_no = st.session_state.get("queue_page", 1)
with shown_errors():
    with unit_of_work(get_engine(), write=False) as session:
        page = list_cases(session, actor=actor, filters=filters, sort=SortKey.LODGED,
                          page=page_no, page_size=50)

if not page.items:
    st.info(t("queue.empty_unassigned") if view == "unassigned" else t("cases.empty_filtered"))
    st.stop()

st.caption(tn("count.cases", page.total, total=f"{page.total:,}", page=page.page,
              pages=page.pages))
# The table gets a new key after each assignment so that the browser drops the old ticks,
# which would otherwise point at other cases once the assigned ones leave the list.
round_no = st.session_state.get("queue_round", 0)
table_key = "queue_table" if round_no == 0 else f"queue_table_{round_no}"
selection = st.dataframe(case_rows(page.items), hide_index=True, width="stretch",
                         column_config=case_columns(), on_select="rerun",
                         selection_mode="multi-row", key=table_key)
chosen = [page.items[i] for i in (selection.selection.rows if selection else [])
          if i < len(page.items)]
st.columns([1, 4])[0].number_input(t("cases.page"), min_value=1, max_value=page.pages,
                                   key="queue_page")

with st.form("assign_form"):
    inquirer = st.selectbox(
        t("queue.assign_to"), loads, index=None,
        format_func=lambda w: t("queue.inquirer_option", name=w.display_name, n=w.open_cases))
    submitted = st.form_submit_button(t("queue.assign"), type="primary")
if submitted:
    if not chosen:
        st.warning(t("queue.none_selected"))
    if inquirer is None:
        st.warning(t("queue.no_inquirer"))
    if chosen and inquirer is not None:
        with shown_errors():
            with unit_of_work(get_engine()) as session:
                assign_cases(session, actor=actor, application_ids=[c.id for c in chosen],
                             inquirer_id=inquirer.id)
        flash(tn("count.assigned", len(chosen), name=inquirer.display_name))
        st.session_state["queue_round"] = st.session_state.get("queue_round", 0) + 1
        st.rerun()

if len(chosen) == 1 and st.button(t("cases.open"), key="queue_open"):
    nav.open_case_page(chosen[0].id)
