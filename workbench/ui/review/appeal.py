"""One appeal's page (``?appeal=ID``): the file, read and its opening audited once per
opening, the header with the appeal's state and dates, and its five tabs (the file, the panel,
the oral opinion statement, the opinions, the ruling).
"""

from __future__ import annotations

import streamlit as st

from models import Role
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t, tn
from workbench.library.citations import case_citations
from workbench.review.appeals import AppealFile, AppealView, appeal_file, appeal_view
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import STATE_COLOURS, fmt_date, state_label
from workbench.ui.core.params import id_param
from workbench.ui.core.text import md
from workbench.ui.core.widgets import show_flash
from workbench.ui.review.appeal_file import file_tab
from workbench.ui.review.appeal_hearing import hearing_tab
from workbench.ui.review.appeal_opinions import opinions_tab
from workbench.ui.review.appeal_panel import panel_tab
from workbench.ui.review.appeal_ruling import ruling_tab
from workbench.ui.review.shared import FILE_KEY, basis_label, ruling_label


def appeal_param() -> int | None:
    return id_param("appeal")


def _load_file(actor: Actor, appeal_id: int) -> AppealFile:
    """The appeal file, read (and its opening audited) once per opening of the appeal."""
    kept = st.session_state.get(FILE_KEY)
    if kept is not None and kept[0] == appeal_id:
        return kept[1]
    with shown_errors():
        with unit_of_work(get_engine()) as session:
            found = appeal_file(session, actor=actor, appeal_id=appeal_id)
    st.session_state[FILE_KEY] = (appeal_id, found)
    return found


def render_appeal_page(actor: Actor) -> None:
    appeal_id = appeal_param()
    title = st.empty()
    title.title(t("appeal.title_none"))
    if appeal_id is None:
        st.info(t("appeal.no_appeal"))
        _back_link(actor)
        st.stop()
    file = _load_file(actor, appeal_id)
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            view = appeal_view(session, actor=actor, appeal_id=appeal_id)
            cited = {c.id for c in case_citations(session, actor=actor,
                                                  application_id=view.application_id)}
    if cited != {c.id for c in file.citations if not c.removed}:
        # Passages were cited or withdrawn since the file was opened (from the COI library
        # or the case file): open it again, so that the file and the opinions use them.
        st.session_state.pop(FILE_KEY, None)
        file = _load_file(actor, appeal_id)
    title.title(t("appeal.title", number=view.case_number))
    with st.container():
        _header(actor, view)
    with st.container():
        show_flash()
    tabs = st.tabs([t("appeal.tab_file"), t("appeal.tab_panel"), t("appeal.tab_hearing"),
                    t("appeal.tab_opinions"), t("appeal.tab_ruling")])
    with tabs[0]:
        file_tab(actor, view, file)
    with tabs[1]:
        panel_tab(actor, view)
    with tabs[2]:
        hearing_tab(actor, view)
    with tabs[3]:
        opinions_tab(actor, view, file)
    with tabs[4]:
        ruling_tab(actor, view)


def _back_link(actor: Actor) -> None:
    if actor.role in (Role.MANAGER, Role.COUNSELLOR):
        st.page_link(nav.page("appeals", actor.role), label=t("appeal.back"),
                     icon=":material/arrow_back:")
    else:
        st.page_link(nav.page("cases", actor.role), label=t("appeal.back_cases"),
                     icon=":material/arrow_back:")


def _header(actor: Actor, view: AppealView) -> None:
    line = st.container(horizontal=True, vertical_alignment="center")
    with line:
        st.badge(state_label(view.state), color=STATE_COLOURS.get(view.state, "gray"))
        st.badge(basis_label(view.basis), color="blue")
        if view.late:
            st.badge(t("appeal.late_badge"), color="red")
        if view.ruling:
            st.badge(ruling_label(view.ruling), color="green")
    c1, c2, c3, c4 = st.columns([1, 1, 1, 2])
    c1.metric(t("appeal.filed"), fmt_date(view.filed_date))
    c2.metric(t("appeal.deadline"), fmt_date(view.deadline) if view.deadline
              else t("appeal.no_deadline"))
    c3.metric(t("appeal.ruled_after") if view.ruled_at else t("appeal.age"),
              tn("appeal.days", view.age_days))
    c4.metric(t("appeal.panel"), md(view.panel.name) if view.panel else t("appeal.unallocated"))
    if view.late:
        st.warning(t("appeal.late_line", deadline=fmt_date(view.deadline),
                     reason=md(view.late_reason or "—")), icon=":material/schedule:")
    links = st.container(horizontal=True)
    with links:
        _back_link(actor)
        st.page_link(nav.page("case"), label=t("appeal.case_file"),
                     query_params={"case": str(view.application_id)},
                     icon=":material/folder_open:")


__all__ = [
    "appeal_param",
    "render_appeal_page",
]
