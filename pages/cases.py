"""Case list: the cases the signed-in user may see, filtered and paginated in SQL."""

import streamlit as st

from models import Role
from workbench.cases import CaseFilter, list_cases
from workbench.db import get_engine, unit_of_work
from workbench.errors import WorkbenchError
from workbench.i18n import t
from workbench.ui.session import current_actor

actor = current_actor()
heading = {Role.INQUIRER: "cases.heading_mine", Role.COUNSELLOR: "cases.heading_appeals"}
st.title(t(heading.get(actor.role, "cases.heading_all")))

left, right = st.columns([3, 1])
text = left.text_input(t("cases.search"), key="cases_search")
pending = right.checkbox(t("cases.pending_only"), value=True, key="cases_pending")
page_no = st.session_state.get("cases_page", 1)

try:
    with unit_of_work(get_engine(), write=False) as session:
        page = list_cases(session, actor=actor, page=page_no,
                          filters=CaseFilter(text=text or None, pending_only=pending))
except WorkbenchError as exc:
    st.error(str(exc))
    st.stop()

if not page.items:
    empty = "cases.empty_filtered" if text else "cases.empty_mine"
    if actor.role == Role.COUNSELLOR:
        empty = "cases.empty_appeals"
    st.info(t(empty))
    st.stop()

st.caption(t("cases.count", total=f"{page.total:,}", page=page.page, pages=page.pages))
st.dataframe(
    [
        {
            t("columns.case_number"): c.case_number,
            t("columns.name"): c.person_name,
            t("columns.nationality"): c.nationality,
            t("columns.application"): c.application_number,
            t("columns.category"): c.sorting_category,
            t("columns.state"): c.state,
            t("columns.flags"): ", ".join(c.flags),
            t("columns.lodged"): c.lodged_date.isoformat(),
            t("columns.days_pending"): c.days_pending,
            t("columns.inquirer"): c.assigned_inquirer or "",
        }
        for c in page.items
    ],
    hide_index=True,
    use_container_width=True,
)
st.number_input(t("cases.page"), min_value=1, max_value=page.pages, key="cases_page")
