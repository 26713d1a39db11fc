"""The appeal's panel and its allocation: the members, the manager's choice of panel (the
eligible ones, those of the case's office first) or a move to another panel, and a
counsellor's declaration of a conflict of interest.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from models import Role
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.review.allocation import (
    PanelChoice,
    allocate,
    declare_conflict,
    panel_choices,
    same_office,
)
from workbench.review.appeals import AppealView
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.text import md
from workbench.ui.review.shared import (
    BEFORE_HEARING,
    HEARING_DONE,
    action_errors,
    member_line,
    panel_member,
    rerun_with,
    shown_version,
    submitted_opinions,
)


def panel_tab(actor: Actor, view: AppealView) -> None:
    if view.panel is None:
        st.info(t("appeal.not_allocated"), icon=":material/group_off:")
    else:
        with st.container(border=True):
            st.markdown(f"**{md(view.panel.name)}**"
                        + (f" · {md(view.panel.office)}" if view.panel.office else ""))
            st.markdown("\n".join(f"- {md(member_line(m))}" for m in view.panel.members))
    if actor.role == Role.MANAGER:
        _allocation(actor, view)
    me = panel_member(actor, view)
    if me is not None:
        _conflict(actor, view)


def _allocation(actor: Actor, view: AppealView) -> None:
    if view.state not in BEFORE_HEARING:
        st.caption(t("appeal.allocation_closed"))
        return
    if submitted_opinions(view):
        st.caption(t("appeal.allocation_fixed"))
        return
    choices: list[PanelChoice] = []
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            choices = panel_choices(session, actor=actor, appeal_id=view.id)
    if not choices:
        st.info(t("appeal.no_panels"))
        return
    if view.panel is None:
        st.subheader(t("appeal.allocate_heading"), anchor=False)
        _allocation_controls(actor, view, choices)
        return
    current = next((c for c in choices if c.panel.id == view.panel.id), None)
    blocked = current is not None and not current.eligible
    if blocked:
        st.warning(t("appeal.current_ineligible", why=md("; ".join(current.why_not))),
                   icon=":material/warning:")
    # Once allocated, moving the appeal is the exception: kept folded unless it must move.
    with st.expander(t("appeal.reallocate_heading"), expanded=blocked,
                     icon=":material/swap_horiz:"):
        _allocation_controls(actor, view, choices)


def _allocation_controls(actor: Actor, view: AppealView, choices: Sequence[PanelChoice]
                         ) -> None:
    current_id = view.panel.id if view.panel else None
    offices_in_use = any(c.panel.office for c in choices)
    if view.office and offices_in_use and not any(c.same_office and c.eligible
                                                  for c in choices):
        st.info(t("appeal.no_office_panel", office=view.office), icon=":material/location_off:")
    st.dataframe([{
        t("appeal.col_panel"): c.panel.name + (f" ({t('appeal.current')})"
                                              if c.panel.id == current_id else ""),
        t("appeal.col_office"): (t("appeal.office_same", office=c.panel.office)
                                 if c.same_office else c.panel.office or "—"),
        t("appeal.col_open"): c.panel.open_appeals,
        t("appeal.col_eligible"): t("appeal.eligible_yes") if c.eligible
        else t("appeal.eligible_no", why="; ".join(c.why_not)),
        t("appeal.col_members"): "; ".join(f"{m.name} ({m.expertise or '—'})"
                                           for m in c.panel.members),
    } for c in choices], hide_index=True, width="stretch")
    others = [c for c in choices if c.eligible and c.panel.id != current_id]
    if not others:
        st.warning(t("appeal.no_eligible"))
        return
    auto = st.button(t("appeal.allocate_auto") if current_id is None
                     else t("appeal.reallocate_auto"),
                     type="primary" if current_id is None else "secondary",
                     icon=":material/balance:", key=f"appeal_alloc_auto_{view.id}")
    names = {c.panel.id: t("appeal.panel_option_office", name=c.panel.name,
                           office=c.panel.office or "—", n=c.panel.open_appeals)
             for c in others}
    with st.form(f"appeal_alloc_{view.id}"):
        chosen = st.selectbox(t("appeal.allocate_to_label"), list(names),
                              format_func=names.get)
        picked = st.form_submit_button(t("appeal.allocate_to"))
    expected = shown_version(f"alloc_{view.id}", view.case_version, auto or picked)
    if auto or picked:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                done = allocate(session, actor=actor, appeal_id=view.id,
                                panel_id=chosen if picked else None,
                                expected_case_version=expected)
            rerun_with(_allocated_message(done))


def _allocated_message(done: AppealView) -> str:
    """Where the appeal went; said outright when it is a panel of another office."""
    if done.panel is None:
        return t("appeal.allocated", panel="—")
    if done.office and done.panel.office and not same_office(done.panel.office,
                                                              done.office):
        return t("appeal.allocated_other_office", panel=done.panel.name,
                 office=done.panel.office or "—", case_office=done.office)
    return t("appeal.allocated", panel=done.panel.name)


def _conflict(actor: Actor, view: AppealView) -> None:
    mine = next((o for o in view.opinions if o.counsellor_id == actor.id), None)
    if view.state not in (*BEFORE_HEARING, *HEARING_DONE) or (mine and mine.submitted_at):
        return
    with st.expander(t("appeal.conflict_heading"), icon=":material/front_hand:"):
        st.caption(t("appeal.conflict_hint"))
        with st.form(f"appeal_conflict_{view.id}", border=False):
            reason = st.text_area(t("appeal.conflict_reason"), height=80)
            declared = st.form_submit_button(t("appeal.conflict_submit"))
    if declared:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                declare_conflict(session, actor=actor, appeal_id=view.id,
                                 reason=reason)
            rerun_with(t("appeal.conflict_done"))


__all__ = [
    "panel_tab",
]
