"""All applications of the same person, with dates and outcomes."""

from __future__ import annotations

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.i18n import t
from workbench.intake.case_file import CaseFile
from workbench.ui.core import nav
from workbench.ui.core.format import application_label, fmt_date, outcome_label, state_label
from workbench.ui.core.text import md


def render(case: CaseFile, actor: Actor) -> None:
    if not case.related:
        st.caption(t("applications.none"))
        return
    for other in case.related:
        cols = st.columns([2, 1, 1, 2, 2])
        label = md(other.case_number)
        if other.accessible:
            cols[0].page_link(nav.page("case"), label=label, query_params={"case": str(other.id)})
        else:
            cols[0].markdown(f"{label} {t('applications.restricted')}")
        cols[1].write(application_label(other.application_number))
        cols[2].write(fmt_date(other.lodged_date))
        cols[3].write(state_label(other.state))
        cols[4].write(outcome_label(other.outcome))
