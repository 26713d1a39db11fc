"""The appeals list: a manager's queue with its counts and the panels' workloads, a
counsellor's own appeals; an appeal chosen in the list opens on its own page.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from models import CaseState, Role
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t, tn
from workbench.review.appeals import PanelView
from workbench.review.queues import QueueItem, ReviewStats, appeal_queue, my_appeals, review_stats
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import date_cell, date_columns, state_label
from workbench.ui.core.tables import case_link, link_column
from workbench.ui.core.text import tm
from workbench.ui.core.widgets import show_flash
from workbench.ui.review.panels import panel_rows
from workbench.ui.review.shared import FILE_KEY, basis_label, hearing_label, open_appeal


def render_appeals_page(actor: Actor) -> None:
    """A manager's queue with counts and workloads; a counsellor's own appeals."""
    st.session_state.pop(FILE_KEY, None)  # coming back to an appeal is a new opening
    manager = actor.role == Role.MANAGER
    st.title(t("appeal.heading_queue") if manager else t("appeal.heading_mine"))
    show_flash()
    stats: ReviewStats | None = None
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            if manager:
                stats = review_stats(session, actor=actor)
                items = appeal_queue(session, actor=actor)
            else:
                items = my_appeals(session, actor=actor)
    if stats is not None:
        _counts(stats)
    else:
        st.caption(t("appeal.mine_intro"))

    left, right = st.columns([3, 2], vertical_alignment="bottom")
    search = left.text_input(t("appeal.find"), key="appeals_find",
                             placeholder=t("appeal.find_hint"))
    show_ruled = right.toggle(t("appeal.show_ruled"), key="appeals_ruled")
    shown = [i for i in items if (show_ruled or i.state != CaseState.RULED)
             and search.strip().lower() in i.case_number.lower()]
    if not shown:
        if items and (search.strip() or not show_ruled):
            st.info(t("appeal.none_match"))
        else:
            st.info(t("appeal.empty_queue") if manager else t("appeal.empty_mine"))
    else:
        _queue_table(shown)
    if stats is not None:
        _workloads(stats.panels)


def _counts(stats: ReviewStats) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("appeal.pending"), stats.pending, border=True)
    c2.metric(t("appeal.unallocated_count"), stats.unallocated, border=True)
    c3.metric(t("appeal.oldest"), "—" if stats.oldest_pending_days is None
              else tn("appeal.days", stats.oldest_pending_days), border=True)
    c4.metric(t("appeal.hearings"), f"{stats.hearings_held} / {stats.hearings_skipped}",
              help=t("appeal.hearings_help"), border=True)


def queue_rows(items: Sequence[QueueItem]) -> list[dict]:
    return [{
        t("appeal.col_case"): case_link(i.application_id, i.case_number),
        t("appeal.col_basis"): basis_label(i.basis),
        t("appeal.col_filed"): date_cell(i.filed_date),
        t("appeal.col_age"): i.age_days,
        t("appeal.col_late"): t("appeal.late_flag") if i.late else "",
        t("appeal.col_state"): state_label(i.state),
        t("appeal.col_panel"): i.panel or t("appeal.unallocated"),
        t("appeal.col_hearing"): hearing_label(i.hearing),
        t("appeal.col_opinions"): f"{i.opinions_submitted}/3",
    } for i in items]


def _queue_table(items: Sequence[QueueItem]) -> None:
    st.caption(tn("appeal.count", len(items)))
    selection = st.dataframe(queue_rows(items), hide_index=True, width="stretch",
                             column_config={
                                 t("appeal.col_case"): link_column(t("appeal.col_case")),
                                 **date_columns(t("appeal.col_filed"))},
                             on_select="rerun", selection_mode="single-row",
                             key="appeals_table")
    rows = [i for i in (selection.selection.rows if selection else []) if i < len(items)]
    if not rows:
        st.caption(t("appeal.select_hint"))
        return
    chosen = items[rows[0]]
    if st.button(tm("appeal.open", number=chosen.case_number), type="primary",
                 icon=":material/gavel:", key="appeals_open"):
        open_appeal(chosen.appeal_id)


def _workloads(panels: Sequence[PanelView]) -> None:
    st.subheader(t("appeal.workloads"), anchor=False)
    if not panels:
        st.info(t("appeal.no_panels"))
    else:
        rows = panel_rows(panels)
        for row in rows:
            row.pop(t("appeal.col_active"))
        st.dataframe(rows, hide_index=True, width="stretch")
    st.page_link(nav.page("panels"), label=t("appeal.manage_panels"), icon=":material/groups:")


__all__ = [
    "queue_rows",
    "render_appeals_page",
]
