"""Case file: header and clocks, then one section after another. Opening is audited once
per case per session; every read is still checked by the service."""

import streamlit as st

from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.intake.case_file import find_case, open_case
from workbench.ui.case_file import header, sections_for
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.params import id_param
from workbench.ui.core.session import require_actor

OPENED_KEY = "wb_opened_case"

actor = require_actor()
case_id = id_param("case")


def lookup(form_key: str) -> None:
    """Open a case by its number (only cases the user may see are found)."""
    with st.form(form_key, clear_on_submit=True):
        number = st.text_input(t("case.lookup"), help=t("case.lookup_hint"))
        go = st.form_submit_button(t("case.lookup_button"), type="primary")
    if go and number.strip():
        with shown_errors():
            with unit_of_work(get_engine(), write=False) as session:
                found = find_case(session, actor=actor, case_number=number)
        if found is None:
            st.error(t("case.not_found"))
        else:
            nav.open_case_page(found)


if case_id is None:
    st.title(t("nav.case_file"))
    lookup("case_lookup")
    st.caption(t("case.lookup_hint"))
    st.stop()

first_opening = st.session_state.get(OPENED_KEY) != case_id
with shown_errors():
    with unit_of_work(get_engine()) as session:
        case = open_case(session, actor=actor, application_id=case_id,
                         record_opening=first_opening)
st.session_state[OPENED_KEY] = case_id

top_left, top_right = st.columns([3, 2])
top_left.page_link(nav.page("cases", actor.role), label=t("case.back"),
                   icon=":material/arrow_back:")
with top_right.popover(t("case.another"), icon=":material/search:"):
    lookup("case_lookup_another")
header.render(case)
for section in sections_for(actor):
    with st.expander(t(section.title_key), expanded=section.expanded):
        section.render(case, actor)
