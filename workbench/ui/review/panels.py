"""The standing panels page (managers): the panels of each office with their members and
workloads, and the form to form or change a panel.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t, tn
from workbench.review.appeals import PanelView
from workbench.review.panels import counsellors, list_panels, save_panel
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.text import tm
from workbench.ui.core.widgets import flash, show_flash
from workbench.ui.review.shared import action_errors, bump_round, round_of, shown_version, yes_no


def panel_rows(panels: Sequence[PanelView]) -> list[dict]:
    return [{
        t("appeal.col_panel"): p.name,
        t("appeal.col_office"): p.office or "—",
        t("appeal.col_presiding"): p.presiding.name if p.presiding else "—",
        t("appeal.col_open"): p.open_appeals,
        t("appeal.col_active"): yes_no(p.active),
        t("appeal.col_members"): "; ".join(
            f"{m.name} ({m.expertise or '—'})" for m in p.members),
    } for p in panels]


def render_panels_page(actor: Actor) -> None:
    st.title(t("appeal.panels_heading"))
    st.caption(t("appeal.panels_intro"))
    show_flash()
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            panels = list_panels(session, actor=actor, include_inactive=True)
            people = counsellors(session, actor=actor)
    offices = sorted({p.office for p in panels if p.office})
    every = "" if any(not p.office for p in panels) else None  # "": panels of no office
    office_filter = st.selectbox(
        t("appeal.panels_office_filter"), [None, *offices, *([every] if every == "" else [])],
        format_func=lambda o: t("appeal.panels_all_offices") if o is None
        else o or t("appeal.panels_no_office"), key="panels_office")
    shown = [p for p in panels if office_filter is None or (p.office or "") == office_filter]
    if not panels:
        st.info(t("appeal.no_panels"))
    for office in [*offices, ""]:
        group = [p for p in shown if (p.office or "") == office]
        if not group:
            continue
        st.subheader(tn("appeal.panels_of_office", len(group),
                        office=office or t("appeal.panels_no_office")), anchor=False)
        st.dataframe(panel_rows(group), hide_index=True, width="stretch",
                     key=f"panels_table_{office or 'none'}")
    st.subheader(t("appeal.panel_edit_heading"), anchor=False)
    by_id = {p.id: p for p in shown}
    picked = st.selectbox(t("appeal.panel_pick"), [None, *by_id],
                          format_func=lambda pid: t("appeal.panel_new") if pid is None
                          else f"{by_id[pid].name} ({by_id[pid].office or '—'})",
                          key="panels_pick")
    panel = by_id.get(picked)
    names = {uid: f"{name} — {field or t('appeal.no_field')}" for uid, name, field in people}
    current = [m.user_id for m in panel.members if m.user_id in names] if panel else []
    presiding = panel.presiding.user_id if panel and panel.presiding else None
    form = f"panels_form_{picked or 'new'}_{round_of('panels')}"
    with st.form(form):
        c1, c2 = st.columns([2, 1])
        name = c1.text_input(t("appeal.panel_name"), value=panel.name if panel else "",
                             max_chars=80)
        office = c2.text_input(t("appeal.panel_office"),
                               value=(panel.office or "") if panel else office_filter or "",
                               max_chars=32, help=t("appeal.panel_office_help"))
        members = st.multiselect(t("appeal.panel_members"), list(names), default=current,
                                 format_func=names.get, max_selections=3,
                                 help=t("appeal.panel_members_help"),
                                 placeholder=t("widgets.choose_options"))
        chair = st.selectbox(t("appeal.panel_presiding"), list(names),
                             index=list(names).index(presiding) if presiding in names else None,
                             format_func=names.get, help=t("appeal.panel_presiding_help"))
        active = st.checkbox(t("appeal.panel_active"), value=panel.active if panel else True)
        saved = st.form_submit_button(t("appeal.panel_save") if panel
                                      else t("appeal.panel_create"), type="primary")
    expected = shown_version(f"panel_{picked}", panel.version if panel else 0, saved)
    if not saved:
        return
    with action_errors():
        with unit_of_work(get_engine()) as session:
            done = save_panel(session, actor=actor, name=name, member_ids=members,
                              presiding_id=chair, office=office.strip() or None,
                              active=active, panel_id=picked,
                              expected_version=expected if panel else None)
        bump_round("panels")
        flash(tm("appeal.panel_saved", name=done.name))
        st.rerun()


__all__ = [
    "panel_rows",
    "render_panels_page",
]
