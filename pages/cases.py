"""Case list: the cases the signed-in user may see, filtered, sorted and paged in SQL."""

import streamlit as st

from models import Role
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t, tn
from workbench.intake.case_list import CaseFilter, DraftStage, SortKey, list_cases
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.session import require_actor
from workbench.ui.core.tables import case_columns, case_rows
from workbench.ui.core.widgets import filter_bar

actor = require_actor()
st.session_state.pop("wb_opened_case", None)  # coming back to a case is a new opening
heading = {Role.INQUIRER: "cases.heading_mine", Role.COUNSELLOR: "cases.heading_appeals"}
st.title(t(heading.get(actor.role, "cases.heading_all")))

with st.container(border=True):
    text, states, categories, nationality = filter_bar(
        "cases", last_label=t("cases.nationality"), last_chars=3)
    manager = actor.role == Role.MANAGER
    c5, c6, c7 = st.columns([3, 2, 2]) if manager else (*st.columns([3, 2]), None)
    # A counsellor's cases are appeals: their pending ones, not those pending at first instance.
    counsellor = actor.role == Role.COUNSELLOR
    pending = c5.toggle(t("cases.pending_review_only" if counsellor else "cases.pending_only"),
                        value=True, key="cases_pending")
    stage = None
    if c7 is not None:
        stage = c7.selectbox(t("cases.draft_stage"), list(DraftStage), index=None,
                             format_func=lambda s: t(f"draft_stage.{s}"),
                             placeholder=t("cases.draft_stage_any"),
                             help=t("cases.draft_stage_help"), key="cases_draft_stage")
    sort = c6.selectbox(t("cases.sort"), list(SortKey), format_func=lambda k: t(f"sort.{k}"),
                        key="cases_sort")

filters = CaseFilter(text=text or None, states=states or None, categories=categories or None,
                     nationality=nationality or None, pending_only=pending and not counsellor,
                     review_pending_only=pending and counsellor, draft_stage=stage)
page_no = st.session_state.get("cases_page", 1)
with shown_errors():
    with unit_of_work(get_engine(), write=False) as session:
        page = list_cases(session, actor=actor, filters=filters, sort=sort, page=page_no)
    if page.total and page_no > page.pages:
        st.session_state["cases_page"] = 1
        st.rerun()



def _has_any_case() -> bool:
    with unit_of_work(get_engine(), write=False) as session:
        return list_cases(session, actor=actor, page_size=1).total > 0


if not page.items:
    if text or states or categories or nationality or stage:
        empty = "cases.empty_filtered"
    elif pending and _has_any_case():
        empty = "cases.empty_pending_review" if counsellor else "cases.empty_pending"
    else:
        empty = {Role.INQUIRER: "cases.empty_mine",
                 Role.COUNSELLOR: "cases.empty_appeals"}.get(actor.role, "cases.empty_all")
    st.info(t(empty))
    st.stop()

st.caption(tn("count.cases", page.total, total=f"{page.total:,}", page=page.page,
              pages=page.pages))
# An inquirer's list is theirs alone and compact, so that it fits the page.
compact = actor.role == Role.INQUIRER
selection = st.dataframe(case_rows(page.items, compact=compact), hide_index=True,
                         width="stretch", column_config=case_columns(compact),
                         on_select="rerun",
                         selection_mode="single-row", key="cases_table")
# A selection made on an earlier page of rows may point past the current one: ignore it.
rows = [i for i in (selection.selection.rows if selection else []) if i < len(page.items)]
left, right = st.columns([1, 3])
left.number_input(t("cases.page"), min_value=1, max_value=page.pages, key="cases_page")
if rows:
    if right.button(t("cases.open"), type="primary", key="cases_open"):
        nav.open_case_page(page.items[rows[0]].id)
else:
    right.caption(t("cases.select_hint"))
